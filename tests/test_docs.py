"""The docs stay honest: every hook is documented, every layout and diagnostic code too."""

from __future__ import annotations

import re
from pathlib import Path

from profileparse import hookspecs
from profileparse.registry import get_registry

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_hook_is_documented() -> None:
    text = (DOCS / "plugins.md").read_text(encoding="utf-8")
    hooks = [name for name in dir(hookspecs) if name.startswith("register_")]
    assert hooks
    for hook in hooks:
        assert f"### {hook}" in text, f"docs/plugins.md does not document the {hook} hook"


def test_every_layout_has_a_section() -> None:
    text = (DOCS / "layouts.md").read_text(encoding="utf-8")
    for name in get_registry().layouts:
        assert f"## {name}" in text


def test_every_diagnostic_code_is_documented() -> None:
    from profileparse.model import DiagnosticCode

    codes = {code.value for code in DiagnosticCode}
    for entry in get_registry().layouts.values():
        codes |= set(entry.item.codes)
    assert {"encoding", "paper-count", "missing-title"} <= codes
    text = (DOCS / "model.md").read_text(encoding="utf-8")
    undocumented = sorted(c for c in codes if f"`{c}`" not in text)
    assert not undocumented, undocumented


def test_format_samples_in_the_docs_are_current() -> None:
    from tests.format_samples import OUT, samples

    for name, text in samples().items():
        path = OUT / name
        stored = ""
        if path.exists():
            with path.open(encoding="utf-8", newline="") as f:
                stored = f.read()
        assert stored == text, f"docs/samples/{name} is stale: run python -m tests.format_samples"


def test_every_format_has_a_section_with_a_sample() -> None:
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    for name, entry in get_registry().formats.items():
        if entry.origin == "built-in":
            assert f"## {name}\n" in text
            # A sample to read, or (for a page to look at) its own page with a screenshot.
            sample = f'docs/samples/{name}{entry.item.suffix}"' in text
            assert sample or f"]({name}.md)" in text


def test_every_corpus_table_and_column_is_documented() -> None:
    import sqlite3

    from profileparse.corpus import SCHEMA

    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)
    text = (DOCS / "corpus.md").read_text(encoding="utf-8")
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        lines = text[text.index(f"\n{table}") + 1 :].split("\n")
        # The table's line and its indented continuation lines.
        section = "\n".join([lines[0], *(line for line in _indented(lines[1:]))])
        for column in (c[1] for c in db.execute(f"PRAGMA table_info({table})")):
            assert column in section, f"docs/corpus.md: {table}.{column} is not documented"


def _indented(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if not line.startswith(" "):
            break
        out.append(line)
    return out


def _commands() -> list[tuple[str, object]]:
    import click

    from profileparse.cli import main

    ctx = click.Context(main)
    found: list[tuple[str, object]] = []
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        found.append((name, command))
        if isinstance(command, click.Group):
            sub = click.Context(command, parent=ctx)
            found += [
                (f"{name} {s}", command.get_command(sub, s)) for s in command.list_commands(sub)
            ]
    return found


def test_the_cli_page_covers_every_command_and_option() -> None:
    import click

    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    commands = _commands()
    assert {"parse", "check", "formats", "layouts", "corpus build", "corpus export"} <= {
        name for name, _ in commands
    }
    for name, command in commands:
        assert f"profileparse {name}" in text or f"## {name}" in text, name
        assert isinstance(command, click.Command)
        for param in command.params:
            if isinstance(param, click.Option):
                mentioned = [
                    opt
                    for opt in param.opts
                    if re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", text)
                ]
                assert mentioned, f"docs/cli.md does not mention {name} {param.opts}"
    assert "--version" in text and "_PROFILEPARSE_COMPLETE" in text

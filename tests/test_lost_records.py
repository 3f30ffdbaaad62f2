"""A record that lost its meta line (a deleted line) is still a record, flagged with an
error: in every seed of the record layouts, deleting any record's meta line keeps every
paper and its title, and makes ``check`` and ``corpus build`` exit 1."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import profileparse
from profileparse.model import Document
from tests.conftest import seed_paths


def _meta_lines(doc: Document) -> list[int]:
    """The line of each paper's meta line but the first paper's."""
    return [p.span.start_line for p in doc.papers[1:] if p.span is not None]


def _record_seeds() -> list[Path]:
    return [p for p in seed_paths() if profileparse.parse_file(p).layout in ("profile", "inline")]


@pytest.mark.parametrize("seed", _record_seeds(), ids=lambda p: p.name[:3])
def test_deleting_any_meta_line_keeps_every_paper_with_an_error(seed: Path) -> None:
    whole = profileparse.parse_file(seed)
    lines = seed.read_text(encoding="utf-8").split("\n")
    for line in _meta_lines(whole):
        text = "\n".join(lines[: line - 1] + lines[line:])
        doc = profileparse.parse(text, layout=whole.layout)
        assert [p.title for p in doc.papers] == [p.title for p in whole.papers], line
        lost = [d for d in doc.diagnostics if d.code == "missing-meta"]
        assert [(d.severity, d.line) for d in lost] == [("error", line)], line
        others = [(d.code, d.severity) for d in doc.diagnostics if d.code != "missing-meta"]
        assert others == [(d.code, d.severity) for d in whole.diagnostics], line


def test_a_deleted_meta_line_fails_check_and_corpus_build(tmp_path: Path) -> None:
    """The issue's example: ``sed '19d' examples/profile.txt``."""
    example = Path(__file__).resolve().parents[1] / "examples" / "profile.txt"
    lines = example.read_text(encoding="utf-8").split("\n")
    damaged = tmp_path / "dumps" / "damaged.txt"
    damaged.parent.mkdir()
    damaged.write_text("\n".join(lines[:18] + lines[19:]), encoding="utf-8")
    shutil.copy(example, tmp_path / "dumps" / "whole.txt")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "profileparse", *args], capture_output=True, text=True
        )

    checked = cli("check", str(damaged))
    assert checked.returncode == 1
    assert f"{damaged}:19:1: error: this paper record has no meta line" in checked.stdout
    parsed = cli("parse", str(damaged), "-q")
    assert parsed.returncode == 1
    assert lines[19] in parsed.stdout  # the damaged record's title is in the output
    built = cli("corpus", "build", str(tmp_path / "dumps"), "-o", str(tmp_path / "c.db"))
    assert built.returncode == 1
    assert "damaged.txt: 1 parse error(s)" in built.stderr
    assert "corpus has 2 documents, 6 papers" in built.stderr  # the lost record merged

"""``profileparse diff OLD NEW``: what changed between two dumps of one researcher."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click

from profileparse.cli import (
    STDIN,
    InputError,
    OutputError,
    _quiet_stdout,
    _read,
    _report,
    encoding_option,
    out,
)

if TYPE_CHECKING:
    from profileparse.model import Document

__all__ = ["diff"]

#: The exit statuses, as diff(1) has them.
SAME, DIFFERENT, TROUBLE = 0, 1, 2


class Trouble(click.ClickException):
    """A dump that cannot be compared: one line on stderr, exit 2."""

    exit_code = TROUBLE


def _check_path(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value != STDIN and (os.path.isdir(value) or not os.path.exists(value)):
        what = "a folder" if os.path.isdir(value) else "no such file"
        raise click.BadParameter(f"{what}: {value!r} (give a dump file, or - for stdin)")
    return value


def _one_dump(path: str, options: dict[str, Any], quiet: bool) -> Document:
    """The one dump in ``path``, its diagnostics on stderr; :class:`Trouble` when the
    file cannot be read, holds several dumps, or gave nothing to compare."""
    try:
        documents = _read(path, options)
    except InputError as exc:
        raise Trouble(str(exc).splitlines()[0]) from None
    for document in documents:
        if not quiet:
            _report(document, path, sys.stderr)
    name = "stdin" if path == STDIN else path
    if len(documents) != 1:
        raise Trouble(f"{name} holds {len(documents)} dumps; diff compares one with one")
    document = documents[0]
    if document.profile is None and not document.papers:
        raise Trouble(f"{name}: nothing to compare (no header and no paper records)")
    return document


@click.command("diff")
@click.argument("old", metavar="OLD", callback=_check_path)
@click.argument("new", metavar="NEW", callback=_check_path)
@click.option(
    "-f",
    "--format",
    "format_name",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Lines to read, or one JSON object.",
)
@encoding_option
@click.option("-q", "--quiet", is_flag=True, help="Do not print diagnostics.")
def diff(old: str, new: str, format_name: str, encoding: str | None, quiet: bool) -> None:
    """Say what changed between two dumps of one researcher's page.

    OLD and NEW are dump files (one of them may be - for stdin). Papers are matched
    by their normalised title: those added, removed and changed (with the fields that
    changed) are listed, unchanged ones counted; then the header's changes (h-index,
    papers, citations, ...). Each dump's date taken is its file's modification time.

    Exits 0 when the dumps are the same, 1 when they differ, 2 on trouble (a file that
    cannot be read, or holds several dumps). Diagnostics go to stderr; a dump with
    errors is still compared.
    """
    import profileparse
    from profileparse.snapshots import taken_at

    if old == STDIN and new == STDIN:
        raise click.UsageError("only one of OLD and NEW can be - (stdin)")
    options = {"encoding": encoding}
    before, after = _one_dump(old, options, quiet), _one_dump(new, options, quiet)
    changes = profileparse.diff(before, after, old_taken=taken_at(old), new_taken=taken_at(new))
    if format_name == "json":
        import json

        text = json.dumps(changes.to_data(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = changes.text()
    try:
        out(text, nl=False)
    except OutputError as exc:
        _quiet_stdout()
        raise Trouble(exc.message) from None
    sys.exit(SAME if changes.same else DIFFERENT)

"""What a layout plugin provides, and the helpers the built-in layouts share.

A layout is a Lark grammar (LALR, loaded from a package's resources) plus a transformer
that turns the grammar's rules straight into the model (no parse tree is built), plus a
``sniff`` function that says how well a text fits. Register one through the
``register_layouts`` hook (see :mod:`profileparse.hookspecs`).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable
from typing import Any

from attrs import field, frozen
from lark import Token, Transformer

from profileparse.meta import is_meta_line, looks_like_broken_meta, read_meta, render_meta
from profileparse.model import (
    Diagnostic,
    Paper,
    Profile,
    Severity,
    Span,
    as_diagnostics,
    as_papers,
)

__all__ = [
    "Layout",
    "LayoutResult",
    "RecordLines",
    "as_line",
    "body_lines",
    "diagnostic",
    "meta_line",
    "meta_paper",
    "read_records",
    "record_shape",
    "split_broken_meta",
]

_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")


def _check_name(instance: Any, attribute: Any, value: str) -> None:
    if not _NAME.match(value):
        raise ValueError(f"{attribute.name} must be lower-case letters, digits and '-': {value!r}")


@frozen
class Layout:
    """A dump layout: its grammar, the transformer for it, and how to recognise it.

    ``transformer`` is called with no arguments to make the transformer Lark runs during
    parsing; it must keep no state between parses (one instance serves every parse).
    ``sniff(text)`` returns how well ``text`` fits, from 0 (not at all) to 1.
    """

    name: str = field(validator=_check_name)
    description: str
    grammar: str
    transformer: Callable[[], Transformer[Token, Any]]
    sniff: Callable[[str], float]
    package: str = "profileparse.grammars"


@frozen
class LayoutResult:
    """What a layout's transformer returns from its ``start`` rule."""

    profile: Profile | None = None
    papers: tuple[Paper, ...] = field(default=(), converter=as_papers)
    diagnostics: tuple[Diagnostic, ...] = field(default=(), converter=as_diagnostics)


@frozen
class RecordLines:
    """A meta line (or the damaged line standing for one) and the text lines after it."""

    meta: Token
    lines: tuple[Token, ...]
    meta_ok: bool = True

    @property
    def span(self) -> Span:
        last = self.lines[-1] if self.lines else self.meta
        return Span(self.meta.line or 1, last.line or 1)


def as_line(token: Token) -> Token:
    """A lexer token as a line token of our own: its text without the line break.

    Lexer tokens are read through ``.value`` everywhere, because the ``fast`` extra's
    lark-cython tokens are not ``str``."""
    return Token("LINE", token.value.rstrip(), line=token.line, column=token.column)


def body_lines(body: Token) -> list[Token]:
    """The non-blank lines of a BODY token (several lines read as one token), each as a
    token with its own line, column and text (without the line break)."""
    first = body.line or 1
    base_column = body.column or 1
    out = []
    for offset, text in enumerate(body.value.split("\n")):
        if text and not text.isspace():
            column = base_column if offset == 0 else 1
            out.append(Token("LINE", text, line=first + offset, column=column))
    return out


def diagnostic(
    severity: Severity | str,
    code: str,
    message: str,
    token: Token,
    end: Token | None = None,
) -> Diagnostic:
    """A diagnostic located at ``token`` (and running to ``end``'s line, if given)."""
    line = token.line or 1
    text: str = token.value
    column = (token.column or 1) + (len(text) - len(text.lstrip()))
    end_line = (end.line or line) if end is not None else line
    return Diagnostic(severity, code, message, line, column, max(end_line, line))


def split_broken_meta(meta: Token, lines: Iterable[Token], expected: int) -> list[RecordLines]:
    """Split off records whose meta line is damaged and so was read as free text.

    A record has ``expected`` text lines; a short line after the first that reads like a
    meta line starts a new (damaged) record instead of being swallowed as an extra line.
    """
    records: list[RecordLines] = []
    current: list[Token] = []
    current_meta, meta_ok = meta, True
    for token in lines:
        if current and looks_like_broken_meta(token.value) and len(current) >= min(expected - 1, 1):
            records.append(RecordLines(current_meta, tuple(current), meta_ok))
            current_meta, current, meta_ok = token, [], False
        else:
            current.append(token)
    records.append(RecordLines(current_meta, tuple(current), meta_ok))
    return records


def read_records(
    children: list[Token],
    expected: int,
    make_paper: Callable[[RecordLines, list[Diagnostic]], Paper],
) -> tuple[list[Paper], list[Diagnostic]]:
    """A ``record`` rule's handler body: split off damaged records and build each paper."""
    papers: list[Paper] = []
    diagnostics: list[Diagnostic] = []
    for record in split_broken_meta(children[0], children[1:], expected=expected):
        papers.append(make_paper(record, diagnostics))
    return papers, diagnostics


def meta_line(paper: Paper, number: int) -> str:
    """The meta line to write back for the ``number``-th paper (render-back formats)."""
    try:
        return render_meta(paper.category, paper.date, paper.score, paper.has_code)
    except ValueError as exc:
        raise ValueError(f"paper {number}: {exc}") from None


def meta_paper(record: RecordLines, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """The Paper fields a record's meta line gives, reporting a damaged meta line."""
    span = record.span
    if not record.meta_ok:
        message = (
            "malformed meta line: expected [score]CATEGORY Mon D[, YYYY][Code], "
            f"e.g. 'CLJun 29, 2023Code'; got {record.meta.value.strip()!r}"
        )
        last = record.lines[-1] if record.lines else None
        diagnostics.append(diagnostic(Severity.ERROR, "bad-meta", message, record.meta, last))
        return {"span": span}
    try:
        meta = read_meta(record.meta.value)
    except ValueError as exc:
        diagnostics.append(
            diagnostic(
                Severity.ERROR, "bad-date", f"impossible date in meta line: {exc}", record.meta
            )
        )
        return {"span": span}
    return {
        "category": meta.category,
        "date": meta.date,
        "has_code": meta.has_code,
        "score": meta.score,
        "span": span,
    }


_SNIFF_LINES = 400


def record_shape(text: str) -> tuple[int, float | None]:
    """How many meta lines the start of ``text`` has, and the median count of non-blank
    lines that follow each (3 in the profile layout, 2 in the inline layout)."""
    gaps: list[int] = []
    metas = 0
    since: int | None = None
    seen = 0
    for line in text.split("\n", _SNIFF_LINES * 2)[: _SNIFF_LINES * 2]:
        if not line.strip():
            continue
        seen += 1
        if seen > _SNIFF_LINES:
            since = None
            break
        if is_meta_line(line):
            if since is not None:
                gaps.append(since)
            metas += 1
            since = 0
        elif since is not None:
            since += 1
    if since is not None:
        gaps.append(since)
    return metas, (statistics.median(gaps) if gaps else None)

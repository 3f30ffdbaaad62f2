"""What the record layouts (profile, inline) share: the meta line that starts every
paper record, and splitting a record's lines. The grammar side is ``grammars/common.lark``.

    56.3CLApr 7Code        score, category, date without a year, Code flag
    CLJun 29, 2023         category, date

The meta line's shape is written once, as ``META`` in ``grammars/common.lark``; Python
reads a matched token's parts by position and asks the grammar when it needs to know
whether a line is one.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterable
from typing import NamedTuple

from profileparse.layouts import LayoutResult, Token, diagnostic, grammar_terminal
from profileparse.model import (
    MONTHS,
    Diagnostic,
    Paper,
    PaperDate,
    Profile,
    Severity,
    Span,
    trusted_paper,
)
from profileparse.names import AuthorList

__all__ = [
    "CODES",
    "Meta",
    "RecordLines",
    "is_meta_line",
    "looks_like_broken_meta",
    "lost_meta",
    "meta_line",
    "read_meta",
    "read_records",
    "record_meta",
    "record_paper",
    "record_shape",
    "records_result",
    "regular_meta",
    "render_meta",
    "split_broken_meta",
]

#: Diagnostic codes of the record layouts.
CODES = {
    "bad-meta": "a line where a meta line should be is damaged; it starts its own record",
    "bad-date": "a meta line names a date that does not exist (Feb 30)",
    "missing-title": "a record has no title line",
    "missing-authors": "a record has no author line (or no names in it)",
    "missing-abstract": "a record has no abstract line",
    "extra-line": "a line that is none of the record's fields; it was not read",
    "missing-meta": "a record's meta line is missing (the text starts inside a record, or "
    "the line was deleted); its other lines are kept as a paper",
}

_MONTH_NUMBER = {name: number for number, name in enumerate(MONTHS, start=1)}

# A line that was meant to be a meta line but is damaged: a short line with a category-ish
# prefix, a month-like word and a day. Only consulted for lines a record did not expect;
# unlike META it is a guess, so it is deliberately looser.
_BROKEN_META = re.compile(
    r"[^\S\n]*[0-9.]{0,6}(?:[A-Za-z]{1,6}[ .\-]?)?"
    r"(?:" + "|".join(MONTHS) + r")[a-z]{0,6}\.?[^\S\n]?[0-9]{1,2}(?![0-9])"
    r"|[^\S\n]*[0-9.]{0,6}[A-Z]{2}[A-Z][a-z]{2,3}\.?[^\S\n]?[0-9]{1,2}(?![0-9])"
)


_SHORT = 40  # characters: a damaged meta line is no longer


def _meta_pattern() -> re.Pattern[str]:
    return grammar_terminal("profileparse.grammars", "inline.lark", "META")


class Meta(NamedTuple):
    """The fields of a meta line (a named tuple: one is made for every paper)."""

    score: float | None
    category: str
    date: PaperDate
    has_code: bool


def read_meta(line: str) -> Meta:
    """The fields of a meta line the lexer has matched (``META``), read by position:
    ``[score]CC``, a month, a day, ``, YYYY`` and ``Code``, each optional where the
    grammar says so. Raises ``ValueError`` for an impossible date."""
    text = line.strip()
    has_code = text.endswith("Code")
    if has_code:
        text = text[:-4]
    start = len(text) - len(text.lstrip("0123456789."))  # the score: digits and a dot
    return Meta(  # (score, category: one string per category, date, has_code)
        float(text[:start]) if start else None,
        sys.intern(text[start : start + 2]),
        _date(text[start + 2 :]),
        has_code,
    )


@functools.lru_cache(maxsize=4096)
def _date(shown: str) -> PaperDate:
    """``Jun 29, 2023`` or ``Apr 7`` as a date; one shared object per distinct date (a
    dump shows the same few hundred dates again and again)."""
    day, _, year = shown[3:].partition(",")
    return PaperDate(year=int(year) if year else None, month=_MONTH_NUMBER[shown[:3]], day=int(day))


def render_meta(
    category: str | None, date: PaperDate | None, score: float | None, has_code: bool
) -> str:
    """The meta line for these fields (the inverse of :func:`read_meta`)."""
    if category is None or date is None:
        raise ValueError("a meta line needs a category and a date")
    shown = "" if score is None else f"{round(score, 2):g}"
    return f"{shown}{category}{date.as_shown()}{'Code' if has_code else ''}"


def is_meta_line(line: str) -> bool:
    """True when the whole of ``line`` (trailing spaces aside) is a meta line."""
    return _meta_pattern().fullmatch(line.rstrip() + "\n") is not None


def looks_like_broken_meta(line: str) -> bool:
    """True for a short line that reads like a damaged meta line (``CLJun 31 2023Cod``):
    ``line`` is one line's text, with or without its line break and the blank lines
    after it."""
    long = len(line) > _SHORT and not (line[0].isspace() or line[_SHORT].isspace())
    if long and "\n" not in line[: _SHORT + 1]:
        return False  # too long to be one, without looking further than that
    return _BROKEN_META.match(line) is not None and len(line.strip()) <= _SHORT


class RecordLines(NamedTuple):
    """A meta line (or the damaged line standing for one) and the text lines after it."""

    meta: Token
    lines: tuple[Token, ...]
    meta_ok: bool = True

    @property
    def span(self) -> Span:
        last = self.lines[-1] if self.lines else self.meta
        return Span(self.meta.line or 1, last.line or 1)


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


def regular_meta(tokens: tuple[str, ...]) -> Meta | None:
    """The meta line's fields of a record the engine found regular (its tokens: the
    meta line, then its text lines), or None when ``record`` must read it: a text line
    after the first reads like a damaged meta line (``split_broken_meta`` splits it
    off), or the date is impossible (``record_meta`` reports it)."""
    for line in tokens[2:]:
        if looks_like_broken_meta(line):
            return None
    try:
        return read_meta(tokens[0])
    except ValueError:
        return None


def records_result(
    children: Iterable[tuple[Iterable[Paper], Iterable[Diagnostic]]],
    profile: Profile | None = None,
) -> LayoutResult:
    """A record layout's ``start`` rule: the papers and diagnostics of each of its
    children (records, a preamble or header read as such), in order, as one result."""
    papers: list[Paper] = []
    diagnostics: list[Diagnostic] = []
    for child_papers, child_diagnostics in children:
        papers.extend(child_papers)
        diagnostics.extend(child_diagnostics)
    return LayoutResult(profile=profile, papers=papers, diagnostics=diagnostics)


def read_records(
    children: list[Token],
    expected: int,
    make_paper: Callable[[RecordLines, list[Diagnostic], bool], Paper],
    lost_at: Callable[[tuple[Token, ...]], int | None] | None = None,
) -> tuple[list[Paper], list[Diagnostic]]:
    """A ``record`` rule's handler body: split off damaged records and build each paper.

    ``lost_at`` says where, among a record's lines, the lines of a record whose meta
    line was lost (deleted) begin, or None: each such record is split off and built
    too, ``make_paper``'s third argument saying its meta line is lost (see
    :func:`lost_meta`)."""
    papers: list[Paper] = []
    diagnostics: list[Diagnostic] = []
    for record in split_broken_meta(children[0], children[1:], expected=expected):
        lost = False
        while lost_at is not None and (at := lost_at(record.lines)) is not None:
            head = RecordLines(record.meta, record.lines[:at], record.meta_ok)
            papers.append(make_paper(head, diagnostics, lost))
            record, lost = RecordLines(record.lines[at], record.lines[at + 1 :], False), True
        papers.append(make_paper(record, diagnostics, lost))
    return papers, diagnostics


def lost_meta(record: RecordLines, diagnostics: list[Diagnostic], shape: str) -> RecordLines:
    """A record whose meta line was lost, as its text lines (``record.meta`` is the
    first of them), with the ``missing-meta`` error; ``shape`` names the lines it reads
    as ("a title, an author list and an abstract")."""
    message = (
        "this paper record has no meta line (deleted?): its lines, after the previous "
        f"record's, read as {shape}"
    )
    lines = (record.meta, *record.lines)
    diagnostics.append(diagnostic(Severity.ERROR, "missing-meta", message, lines[0], lines[-1]))
    return RecordLines(record.meta, lines, False)


def meta_line(paper: Paper, number: int) -> str:
    """The meta line to write back for the ``number``-th paper (render-back formats)."""
    try:
        return render_meta(paper.category, paper.date, paper.score, paper.has_code)
    except ValueError as exc:
        raise ValueError(f"paper {number}: {exc}") from None


def record_meta(record: RecordLines, diagnostics: list[Diagnostic]) -> Meta | None:
    """The fields of a record's meta line, reporting a damaged one or an impossible
    date (None then)."""
    if not record.meta_ok:
        message = (
            "malformed meta line: expected [score]CATEGORY Mon D[, YYYY][Code], "
            f"e.g. 'CLJun 29, 2023Code'; got {record.meta.value.strip()!r}"
        )
        last = record.lines[-1] if record.lines else None
        diagnostics.append(diagnostic(Severity.ERROR, "bad-meta", message, record.meta, last))
        return None
    try:
        return read_meta(record.meta.value)
    except ValueError as exc:
        diagnostics.append(
            diagnostic(
                Severity.ERROR, "bad-date", f"impossible date in meta line: {exc}", record.meta
            )
        )
        return None


def record_paper(
    span: Span,
    meta: Meta | None,
    *,
    title: str | None = None,
    authors: AuthorList | None = None,
    abstract: str | None = None,
) -> Paper:
    """The paper a record shows: the lines it spans, its meta line's fields, and what
    its text lines gave (values of the model's types: read_meta's and an AuthorList's)."""
    names, et_al, affiliation = authors if authors is not None else _NO_AUTHORS
    score, category, date, has_code = meta if meta is not None else _NO_META
    return trusted_paper(
        title, names, et_al, affiliation, category, date, has_code, score, abstract, span
    )


_NO_AUTHORS = AuthorList((), False, None)
_NO_META = (None, None, None, False)


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
    return metas, (_median(gaps) if gaps else None)


def _median(values: list[int]) -> float:
    """The middle value (the mean of the two middle ones for an even count)."""
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2

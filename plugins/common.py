"""What the record layouts (profile, inline) share: the meta line that starts every
paper record, and splitting a record's lines. The grammar side is ``grammars/common.lark``.

    56.3CLApr 7Code        score, category, date without a year, Code flag
    CLJun 29, 2023         category, date

The meta line's shape is written once, as ``META`` in ``grammars/common.lark``; Python
reads a matched token's parts by position and asks the grammar when it needs to know
whether a line is one.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable

from attrs import frozen
from lark import Token

from profileparse.layouts import diagnostic, grammar_terminal
from profileparse.model import MONTHS, Diagnostic, Paper, PaperDate, Severity, Span
from profileparse.names import AuthorList

__all__ = [
    "CODES",
    "Meta",
    "RecordLines",
    "is_meta_line",
    "looks_like_broken_meta",
    "meta_line",
    "read_meta",
    "read_records",
    "record_meta",
    "record_paper",
    "record_shape",
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


def _meta_pattern() -> re.Pattern[str]:
    return grammar_terminal("profileparse.grammars", "inline.lark", "META")


@frozen
class Meta:
    """The fields of a meta line."""

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
    start = 0
    while not text[start].isupper():  # the score: digits and a dot
        start += 1
    score = float(text[:start]) if start else None
    category = text[start : start + 2]
    month = _MONTH_NUMBER[text[start + 2 : start + 5]]
    day, _, year = text[start + 5 :].partition(",")
    date = PaperDate(
        year=int(year) if year else None,
        month=month,
        day=int(day),
    )
    return Meta(score=score, category=category, date=date, has_code=has_code)


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
    """True for a short line that reads like a damaged meta line (``CLJun 31 2023Cod``)."""
    return len(line.strip()) <= 40 and _BROKEN_META.match(line) is not None


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
    record: RecordLines,
    meta: Meta | None,
    *,
    title: str | None = None,
    authors: AuthorList | None = None,
    abstract: str | None = None,
) -> Paper:
    """The paper a record shows: its meta line's fields, what its text lines gave, and
    the lines it spans."""
    return Paper(
        title=title,
        authors=authors.names if authors is not None else (),
        et_al=authors.et_al if authors is not None else False,
        affiliation=authors.affiliation if authors is not None else None,
        category=meta.category if meta is not None else None,
        date=meta.date if meta is not None else None,
        has_code=meta.has_code if meta is not None else False,
        score=meta.score if meta is not None else None,
        abstract=abstract,
        span=record.span,
    )


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

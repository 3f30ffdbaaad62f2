"""The meta line that starts every paper record: ``56.3CLApr 7Code``, ``CLJun 29, 2023``."""

from __future__ import annotations

import re

from attrs import frozen

from profileparse.model import PaperDate

__all__ = ["MONTHS", "Meta", "is_meta_line", "looks_like_broken_meta", "read_meta", "render_meta"]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBER = {name: number for number, name in enumerate(MONTHS, start=1)}

# Mirrors META in grammars/common.lark, with groups; the lexer has already checked the
# shape, so this only picks the fields apart.
_META = re.compile(
    r"[^\S\n]*(?P<score>[0-9]{1,3}(?:\.[0-9]{1,2})?)?(?P<category>[A-Z]{2})"
    r"(?P<month>" + "|".join(MONTHS) + r") {1,2}(?P<day>[0-9]{1,2})"
    r"(?:, ?(?P<year>[0-9]{4}))?(?P<code>Code)?"
)

# A line that was meant to be a meta line but is damaged: a short line with a category-ish
# prefix, a month-like word and a day. Only consulted for lines a record did not expect.
_BROKEN_META = re.compile(
    r"[^\S\n]*[0-9.]{0,6}(?:[A-Za-z]{1,6}[ .\-]?)?"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.?[^\S\n]?[0-9]{1,2}(?![0-9])"
    r"|[^\S\n]*[0-9.]{0,6}[A-Z]{2}[A-Z][a-z]{2,3}\.?[^\S\n]?[0-9]{1,2}(?![0-9])"
)


@frozen
class Meta:
    """The fields of a meta line."""

    score: float | None
    category: str
    date: PaperDate
    has_code: bool


def read_meta(line: str) -> Meta:
    """Read a meta line; raises ``ValueError`` when it is not one or names an impossible date."""
    m = _META.match(line)
    if m is None:
        raise ValueError(f"not a meta line: {line!r}")
    score, year = m.group("score"), m.group("year")
    date = PaperDate(
        year=int(year) if year else None,
        month=_MONTH_NUMBER[m.group("month")],
        day=int(m.group("day")),
    )
    return Meta(
        score=float(score) if score else None,
        category=m.group("category"),
        date=date,
        has_code=m.group("code") is not None,
    )


def render_meta(
    category: str | None, date: PaperDate | None, score: float | None, has_code: bool
) -> str:
    """The meta line for these fields (the inverse of :func:`read_meta`)."""
    if category is None or date is None:
        raise ValueError("a meta line needs a category and a date")
    shown = "" if score is None else f"{round(score, 2):g}"
    when = f"{MONTHS[date.month - 1]} {date.day}" + ("" if date.year is None else f", {date.year}")
    return f"{shown}{category}{when}{'Code' if has_code else ''}"


def is_meta_line(line: str) -> bool:
    """True when the whole of ``line`` (trailing spaces aside) is a meta line."""
    m = _META.match(line)
    return m is not None and m.end() == len(line.rstrip())


def looks_like_broken_meta(line: str) -> bool:
    """True for a short line that reads like a damaged meta line (``CLJun 31 2023Cod``)."""
    return len(line.strip()) <= 40 and _BROKEN_META.match(line) is not None

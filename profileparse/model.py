"""The data model every layout parses into and every format exports from.

All classes are frozen attrs classes with slots; sequences are tuples so a parsed
:class:`Document` is hashable and safe to share. Serialization lives elsewhere
(:mod:`profileparse.serialize`); this module only says what the values are.
"""

from __future__ import annotations

import datetime
import enum
import importlib
from collections.abc import Iterable
from typing import Any

from attrs import field, fields, frozen, validators

__all__ = [
    "MONTHS",
    "Diagnostic",
    "DiagnosticCode",
    "Document",
    "Paper",
    "PaperDate",
    "Profile",
    "Severity",
    "Span",
]

#: Month abbreviations as the site writes them (``Apr 7``), January first.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_non_negative = validators.ge(0)
_optional_non_negative = validators.optional(_non_negative)


def _positive_line(instance: Any, attribute: Any, value: int) -> None:
    if value < 1:
        raise ValueError(f"{attribute.name} must be a 1-based line number, got {value}")


@frozen
class Span:
    """The input lines (1-based, inclusive) a profile header or paper came from."""

    start_line: int = field(validator=_positive_line)
    end_line: int = field(validator=_positive_line)

    def __attrs_post_init__(self) -> None:
        if self.end_line < self.start_line:
            raise ValueError(f"span ends ({self.end_line}) before it starts ({self.start_line})")

    def __contains__(self, line: object) -> bool:
        return isinstance(line, int) and self.start_line <= line <= self.end_line


_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@frozen(order=False)
class PaperDate:
    """A calendar date whose year may be unknown.

    The site shows recent papers as ``Apr 7`` with no year; that is kept as
    ``PaperDate(year=None, month=4, day=7)`` rather than guessed. ``str()`` gives the
    ISO form (``2023-06-29``, or ``--04-07`` without a year). Dates sort by year, month
    and day, a yearless date after every dated one (the site shows recent papers so).
    """

    year: int | None = field(validator=validators.optional(validators.ge(1)))
    month: int = field(validator=[validators.ge(1), validators.le(12)])
    day: int = field(validator=validators.ge(1))

    def __attrs_post_init__(self) -> None:
        # A yearless Feb 29 is valid: some year has it.
        last = _DAYS_IN_MONTH[self.month - 1]
        if self.month == 2 and self.year is not None and not _leap(self.year):
            last = 28
        if self.day > last:
            raise ValueError(f"day {self.day} is out of range for month {self.month}")

    def isoformat(self) -> str:
        """``YYYY-MM-DD``, or the XML Schema gMonthDay ``--MM-DD`` when the year is unknown."""
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.isoformat()

    def as_shown(self) -> str:
        """The date as the site writes it: ``Jun 29, 2023``, or ``Apr 7`` without a year."""
        shown = f"{MONTHS[self.month - 1]} {self.day}"
        return shown if self.year is None else f"{shown}, {self.year}"

    def _key(self) -> tuple[int, int, int]:
        return (10_000 if self.year is None else self.year, self.month, self.day)

    @staticmethod
    def order(date: PaperDate | None) -> tuple[int, int, int]:
        """A sort key in the dates' order for a date that may be missing: a paper with
        no date sorts before every dated one."""
        return (0, 0, 0) if date is None else date._key()

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PaperDate):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, PaperDate):
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, PaperDate):
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, PaperDate):
            return NotImplemented
        return self._key() >= other._key()

    def to_date(self, reference_year: int | None = None) -> datetime.date:
        """As a :class:`datetime.date`; a yearless date needs ``reference_year``
        (``ValueError`` without one, or when that year has no such day)."""
        year = self.year if self.year is not None else reference_year
        if year is None:
            raise ValueError(f"{self} has no year; give reference_year")
        return datetime.date(year, self.month, self.day)

    @classmethod
    def fromisoformat(cls, text: str) -> PaperDate:
        """Inverse of :meth:`isoformat`."""
        if text.startswith("--"):
            month, day = text[2:].split("-")
            return cls(year=None, month=int(month), day=int(day))
        year, month, day = text.split("-")
        return cls(year=int(year), month=int(month), day=int(day))


class Severity(str, enum.Enum):
    """How bad a :class:`Diagnostic` is. ``error`` means data was not read as intended."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


class DiagnosticCode(str, enum.Enum):
    """The codes the core gives diagnostics. Each layout documents its own codes too
    (``Layout.codes``); a diagnostic's ``code`` is a plain string equal to one of them."""

    ENCODING = "encoding"
    """Bytes that are not UTF-8 (or not in the ``encoding`` given)."""
    NO_LAYOUT = "no-layout"
    """The text fits none of the registered layouts."""
    SEVERAL_DUMPS = "several-dumps"
    """The text holds more than one dump; ``parse_all`` reads each on its own."""
    SYNTAX = "syntax"
    """A layout's grammar could not read a line (a bug in that layout)."""
    BINARY = "binary"
    """The file is binary (its start is full of NUL bytes, or mostly undecodable), not a
    text dump."""
    STRAY_BYTES = "stray-bytes"
    """NUL bytes or other control characters (C0 but tab and line ends, and DEL) inside
    the text, shown as U+FFFD; the rest of the dump is read."""
    EMPTY = "empty"
    """The dump has no text (an empty or blank file)."""
    GLUED = "glued-dumps"
    """A dump starts in the middle of a line: files joined without a final newline."""

    def __str__(self) -> str:
        return self.value


@frozen
class Diagnostic:
    """A problem found in the input, with the lines it covers (1-based, inclusive)."""

    severity: Severity = field(converter=Severity)
    code: str = field(converter=str)  # a DiagnosticCode or a layout's code, as a string
    message: str
    line: int = field(validator=_positive_line)
    column: int = field(default=1, validator=_positive_line)
    end_line: int = field(default=0)

    def __attrs_post_init__(self) -> None:
        if self.end_line == 0:
            object.__setattr__(self, "end_line", self.line)
        elif self.end_line < self.line:
            raise ValueError(f"diagnostic ends ({self.end_line}) before it starts ({self.line})")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self, source: str | None = None) -> str:
        """``source:line:col: severity: message``, the form compilers and editors understand."""
        return f"{source or '<input>'}:{self.line}:{self.column}: {self.severity}: {self.message}"


def _authors(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _view(name: str) -> Any:
    """``profileparse.frames`` or ``profileparse.display``: they build on this module, so
    the model's methods that hand over to them load them by name, on first use."""
    return importlib.import_module(f"profileparse.{name}")


@frozen
class Paper:
    """One paper record as the dump shows it."""

    title: str | None = None
    authors: tuple[str, ...] = field(default=(), converter=_authors)
    et_al: bool = False
    affiliation: str | None = None
    category: str | None = None
    date: PaperDate | None = None
    has_code: bool = False
    score: float | None = field(default=None, validator=_optional_non_negative)
    abstract: str | None = None
    span: Span | None = None

    def _repr_html_(self) -> str:
        """The paper as a small escaped HTML table, for notebooks."""
        html: str = _view("display").paper_html(self)
        return html


# The slots of Span and Paper, set directly by trusted_span and trusted_paper.
_NEW = object.__new__
_START_LINE, _END_LINE = Span.start_line.__set__, Span.end_line.__set__  # type: ignore[attr-defined]
(
    _TITLE, _AUTHORS, _ET_AL, _AFFILIATION, _CATEGORY, _DATE, _HAS_CODE, _SCORE, _ABSTRACT,
    _SPAN,
) = (getattr(Paper, a.name).__set__ for a in fields(Paper))  # fmt: skip


def trusted_span(start_line: int, end_line: int) -> Span:
    """``Span(start_line, end_line)`` from lines already checked (1-based, in order),
    without ``Span()``'s checks: the layouts' fast paths make one for every record, and
    this takes half the time. ``tests/test_model.py`` holds it to ``Span()``."""
    span: Span = _NEW(Span)
    _START_LINE(span, start_line)
    _END_LINE(span, end_line)
    return span


def trusted_paper(
    title: str | None,
    authors: tuple[str, ...],
    et_al: bool,
    affiliation: str | None,
    category: str | None,
    date: PaperDate | None,
    has_code: bool,
    score: float | None,
    abstract: str | None,
    span: Span | None,
) -> Paper:
    """``Paper(...)`` from values already of the model's types and ranges (``authors`` a
    tuple, ``score`` None or not negative), without ``Paper()``'s converter and check:
    the layouts' fast paths make one for every record, and this takes half the time.
    ``tests/test_model.py`` holds it to ``Paper()``."""
    paper: Paper = _NEW(Paper)
    _TITLE(paper, title)
    _AUTHORS(paper, authors)
    _ET_AL(paper, et_al)
    _AFFILIATION(paper, affiliation)
    _CATEGORY(paper, category)
    _DATE(paper, date)
    _HAS_CODE(paper, has_code)
    _SCORE(paper, score)
    _ABSTRACT(paper, abstract)
    _SPAN(paper, span)
    return paper


@frozen
class Profile:
    """The researcher-profile header of a ``profile`` dump."""

    name: str | None = None
    category: str | None = None
    h_index: int | None = field(default=None, validator=_optional_non_negative)
    paper_count: int | None = field(default=None, validator=_optional_non_negative)
    citations: int | None = field(default=None, validator=_optional_non_negative)
    novelty: int | None = field(
        default=None, validator=validators.optional([validators.ge(0), validators.le(100)])
    )
    ai_score: int | None = field(default=None, validator=_optional_non_negative)
    listed_papers: int | None = field(default=None, validator=_optional_non_negative)
    span: Span | None = None


def as_papers(value: Iterable[Paper]) -> tuple[Paper, ...]:
    return tuple(value)


def as_diagnostics(value: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    return tuple(value)


@frozen
class Document:
    """Everything parsed from one dump: header, papers, and the problems found."""

    source: str | None = None
    layout: str | None = None
    profile: Profile | None = None
    papers: tuple[Paper, ...] = field(default=(), converter=as_papers)
    diagnostics: tuple[Diagnostic, ...] = field(default=(), converter=as_diagnostics)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def ok(self) -> bool:
        """True when no error diagnostic was raised (warnings are allowed)."""
        return not self.errors

    def to_arrow(self) -> Any:
        """The papers as a ``pyarrow.Table``, one row per paper (see
        :func:`profileparse.frames.to_arrow`); needs the ``frames`` extra."""
        return _view("frames").to_arrow([self])

    def to_pandas(self) -> Any:
        """The papers as a ``pandas.DataFrame``, one row per paper (see
        :func:`profileparse.frames.to_pandas`); needs the ``frames`` extra."""
        return _view("frames").to_pandas([self])

    def _repr_html_(self) -> str:
        """The header's facts and a table of the papers, escaped, for notebooks."""
        html: str = _view("display").document_html(self)
        return html

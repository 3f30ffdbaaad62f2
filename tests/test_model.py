"""The attrs model: validators and conversions."""

from __future__ import annotations

import attrs
import pytest

from profileparse import Diagnostic, Document, Paper, PaperDate, Profile, Span
from profileparse.serialize import from_data, to_data


def test_paper_date_validates_and_formats() -> None:
    assert PaperDate(2023, 6, 29).isoformat() == "2023-06-29"
    assert PaperDate(None, 2, 29).isoformat() == "--02-29"
    assert PaperDate.fromisoformat("--04-07") == PaperDate(None, 4, 7)
    with pytest.raises(ValueError, match="out of range"):
        PaperDate(2023, 2, 29)
    with pytest.raises(ValueError, match="month"):
        PaperDate(2023, 13, 1)


def test_numbers_are_validated() -> None:
    with pytest.raises(ValueError, match="novelty"):
        Profile(novelty=101)
    with pytest.raises(ValueError, match="h_index"):
        Profile(h_index=-1)
    with pytest.raises(ValueError, match="score"):
        Paper(score=-0.5)
    with pytest.raises(ValueError, match="before it starts"):
        Span(3, 2)
    with pytest.raises(ValueError, match="1-based"):
        Diagnostic("error", "x", "m", line=0)


def test_lists_become_tuples_and_round_trip_through_plain_data() -> None:
    paper = Paper(title="T", authors=["A B", "C D"], date=PaperDate(None, 1, 30), span=Span(1, 3))
    assert paper.authors == ("A B", "C D")
    doc = Document(
        source="x.txt",
        layout="inline",
        papers=[paper],
        diagnostics=[Diagnostic("warning", "w", "m", 2)],
    )
    data = to_data(doc)
    assert data["papers"][0]["date"] == "--01-30"
    assert data["diagnostics"][0] == {
        "severity": "warning",
        "code": "w",
        "message": "m",
        "line": 2,
        "column": 1,
        "end_line": 2,
    }
    assert from_data(data) == doc
    assert list(data) == ["source", "layout", "profile", "papers", "diagnostics"]


def test_paper_dates_print_sort_and_convert() -> None:
    import datetime

    from profileparse import PaperDate

    dated, yearless = PaperDate(2023, 6, 29), PaperDate(None, 4, 7)
    assert (str(dated), str(yearless)) == ("2023-06-29", "--04-07")
    assert sorted([yearless, dated, PaperDate(2020, 1, 1)]) == [
        PaperDate(2020, 1, 1),
        dated,
        yearless,
    ]
    assert dated < yearless and not yearless < dated and dated <= dated
    assert dated.to_date() == datetime.date(2023, 6, 29)
    assert yearless.to_date(reference_year=2026) == datetime.date(2026, 4, 7)
    with pytest.raises(ValueError, match="no year"):
        yearless.to_date()
    with pytest.raises(ValueError, match="day is out of range"):
        PaperDate(None, 2, 29).to_date(reference_year=2023)


def test_every_error_is_a_profileparse_error() -> None:
    import profileparse as pp

    for error in (
        pp.ParseError,
        pp.PluginError,
        pp.CorpusError,
        pp.CorpusLockedError,
        pp.UnknownLayoutError,
        pp.UnknownFormatError,
        pp.FormatOptionError,
    ):
        assert issubclass(error, pp.ProfileparseError)
    with pytest.raises(pp.UnknownLayoutError, match="known layouts"):
        pp.parse("Abstract:x", layout="nope")
    assert pp.DiagnosticCode.ENCODING == "encoding"


def test_trusted_constructors_make_what_the_classes_make() -> None:
    """The fast paths' constructors set every field, in the classes' order, to what the
    attrs constructors would; the results compare, hash and refuse changes alike."""
    from profileparse.model import trusted_paper, trusted_span

    span = Span(3, 7)
    assert trusted_span(3, 7) == span and hash(trusted_span(3, 7)) == hash(span)
    values = {
        "title": "CMATH", "authors": ("Tianwen Wei", "Jian Luan"), "et_al": True,
        "affiliation": "xiaomi", "category": "CL", "date": PaperDate(2023, 6, 29),
        "has_code": True, "score": 56.3, "abstract": "We present ...", "span": span,
    }  # fmt: skip
    assert [a.name for a in attrs.fields(Paper)] == list(values)
    made = trusted_paper(*values.values())
    assert made == Paper(**values) and hash(made) == hash(Paper(**values))
    assert repr(made) == repr(Paper(**values))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.title = "other"  # type: ignore[misc]
    blank = trusted_paper(None, (), False, None, None, None, False, None, None, None)
    assert blank == Paper()

"""The public API: parse, parse_file, detect_layout, dumps, ParseError."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

import pytest

import profileparse
from profileparse import Document, PaperDate, ParseError
from tests.conftest import SEEDS

PROFILE = """Ada Lovelace

CL
h-index3
2papers
1,024citations
Novelty50%
AI Score70

2 Papers

56.3CLApr 7Code
Notes on the Analytical Engine

Ada Lovelace, Charles Babbage

We describe an engine that computes.

LGFeb 29
A Leap-Day Paper

Ada Lovelace

An abstract about leap days.
"""


def test_parse_returns_a_frozen_document_with_tuples() -> None:
    doc = profileparse.parse(PROFILE, source="ada.txt")
    assert isinstance(doc, Document)
    assert doc.layout == "profile" and doc.source == "ada.txt"
    assert doc.profile is not None and doc.profile.citations == 1024
    assert isinstance(doc.papers, tuple) and isinstance(doc.papers[0].authors, tuple)
    first = doc.papers[0]
    assert (first.score, first.category, first.has_code) == (56.3, "CL", True)
    assert first.date == PaperDate(year=None, month=4, day=7)
    with pytest.raises(AttributeError):
        doc.layout = "inline"  # type: ignore[misc]


def test_yearless_dates_stay_yearless_unless_a_reference_year_is_given() -> None:
    doc = profileparse.parse(PROFILE)
    assert [p.date.isoformat() for p in doc.papers if p.date] == ["--04-07", "--02-29"]
    dated = profileparse.parse(PROFILE, reference_year=2025)
    # 2025 has no Feb 29: that date stays yearless rather than becoming wrong.
    assert [p.date.isoformat() for p in dated.papers if p.date] == ["2025-04-07", "--02-29"]
    leap = profileparse.parse(PROFILE, reference_year=2024)
    assert [p.date.isoformat() for p in leap.papers if p.date] == ["2024-04-07", "2024-02-29"]


def test_detect_layout(seeds: list[Path]) -> None:
    layouts = [profileparse.detect_layout(p.read_text(encoding="utf-8")) for p in seeds]
    assert layouts == ["profile", "profile", "inline", "profile", "abstracts"]
    with pytest.raises(ParseError) as info:
        profileparse.detect_layout("just some prose\nwith no records\n")
    assert info.value.line == 1 and info.value.code == "no-layout"


def test_text_that_fits_no_layout_is_a_diagnostic_not_a_traceback() -> None:
    doc = profileparse.parse("hello\nworld\n")
    assert doc.layout is None and doc.papers == ()
    (diag,) = doc.diagnostics
    assert (diag.severity, diag.code, diag.line, diag.end_line) == ("error", "no-layout", 1, 2)
    with pytest.raises(ParseError, match="does not look like"):
        profileparse.parse("hello\nworld\n", strict=True)


def test_empty_or_blank_text_is_an_empty_document_with_a_warning() -> None:
    for text in ("", "\n \n\t\n"):
        doc = profileparse.parse(text, strict=True)  # a warning never raises
        assert doc.papers == () and doc.ok
        assert [(d.code, d.severity, d.line) for d in doc.diagnostics] == [("empty", "warning", 1)]


def test_strict_raises_parse_error_with_line_column_and_text() -> None:
    broken = PROFILE.replace("LGFeb 29", "LG Feb 29th")
    lenient = profileparse.parse(broken)
    assert [d.code for d in lenient.errors] == ["bad-meta"]
    assert len(lenient.papers) == 2  # the damaged record is kept with what it has
    with pytest.raises(ParseError) as info:
        profileparse.parse(broken, strict=True, source="ada.txt")
    err = info.value
    assert isinstance(err, ValueError)
    assert (err.line, err.column, err.text) == (19, 1, "LG Feb 29th")
    assert str(err).startswith("ada.txt:19:1: error: malformed meta line")
    assert "LG Feb 29th" in str(err)


def test_strict_does_not_raise_on_warnings(seeds: list[Path]) -> None:
    text = seeds[1].read_text(encoding="utf-8").replace("10 Papers", "9 Papers")
    doc = profileparse.parse(text, strict=True)  # more records than listed: nothing lost
    assert [(d.severity, d.code) for d in doc.diagnostics] == [("warning", "paper-count")]
    with pytest.raises(profileparse.ParseError, match="1 record was lost in the copy"):
        profileparse.parse_file(seeds[0], strict=True)


def test_explicit_layout_and_unknown_layout() -> None:
    doc = profileparse.parse("Abstract: one\nAbstract: two\n", layout="abstracts")
    assert [p.abstract for p in doc.papers] == ["one", "two"]
    with pytest.raises(ValueError, match="unknown layout 'nope'; known layouts: abstracts"):
        profileparse.parse("x", layout="nope")


def test_dumps_json_and_options() -> None:
    doc = profileparse.parse(PROFILE)
    compact = profileparse.dumps(doc, "json", indent=None)
    assert "\n" not in compact.rstrip("\n")
    assert json.loads(compact)["papers"][0]["date"] == "--04-07"
    with pytest.raises(ValueError, match="unknown format"):
        profileparse.dumps(doc, "nope")
    with pytest.raises(ValueError, match="format 'json'"):
        profileparse.dumps(doc, "json", colour=True)


def test_parse_file_reports_undecodable_bytes_and_parses_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(
        "Abstract:fine\nAbstract:caf\xe9 au lait\nAbstract:na\xefve\n".encode("latin-1")
    )
    doc = profileparse.parse_file(path)
    assert [p.abstract for p in doc.papers] == ["fine", "caf\ufffd au lait", "na\ufffdve"]
    assert [(d.code, d.line, d.column) for d in doc.errors] == [
        ("encoding", 2, 13),
        ("encoding", 3, 12),
    ]
    assert "byte 0xe9 at offset 26" in doc.errors[0].message
    with pytest.raises(ParseError) as info:
        profileparse.parse_file(path, strict=True)
    assert (info.value.line, info.value.column, info.value.code) == (2, 13, "encoding")
    assert str(path) in str(info.value)


def test_parse_file_reads_utf16_with_a_bom(tmp_path: Path, seeds: list[Path]) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(seeds[2].read_text(encoding="utf-8").encode("utf-16"))
    assert profileparse.parse_file(path).papers == profileparse.parse_file(seeds[2]).papers


def test_parse_file_rejects_unknown_options(seeds: list[Path]) -> None:
    with pytest.raises(TypeError, match="colour"):
        profileparse.parse_file(seeds[0], colour=True)


def test_parse_rejects_bytes() -> None:
    with pytest.raises(TypeError, match="str"):
        profileparse.parse(b"Abstract: x")  # type: ignore[arg-type]


def test_parse_all_splits_dumps_pasted_together(seeds: list[Path]) -> None:
    tianwen, wang, inline, _, abstracts = (p.read_text(encoding="utf-8") for p in seeds)
    text = tianwen + "\n\n" + wang + "\n" + abstracts
    docs = profileparse.parse_all(text, source="pasted.txt")
    assert [(d.layout, d.profile.name if d.profile else None, len(d.papers)) for d in docs] == [
        ("profile", "Tianwen Wei", 15),
        ("profile", "Xiaokun Wang", 10),
        ("abstracts", None, 4),
    ]
    # Line numbers are those of the whole text.
    second_start = len(tianwen.split("\n")) + 2
    assert docs[1].profile is not None and docs[1].profile.span is not None
    assert docs[1].profile.span.start_line == second_start
    assert docs[1].papers == profileparse.parse_all(text)[1].papers
    assert profileparse.parse_all(inline + "\n" + abstracts)[0].layout == "inline"


def test_parse_says_when_a_text_holds_several_dumps(seeds: list[Path]) -> None:
    text = seeds[1].read_text(encoding="utf-8") + "\n" + seeds[3].read_text(encoding="utf-8")
    doc = profileparse.parse(text)
    (note,) = [d for d in doc.diagnostics if d.code == "several-dumps"]
    assert note.severity == "warning" and note.line == 81
    assert "2 dumps" in note.message
    assert [
        d.code for d in profileparse.parse(seeds[1].read_text(encoding="utf-8")).diagnostics
    ] == []


def test_an_abstract_that_begins_with_the_word_abstract_is_not_a_new_dump(
    seeds: list[Path],
) -> None:
    text = (
        seeds[1]
        .read_text(encoding="utf-8")
        .replace("\nWe present Skywork R1V2", "\nAbstract: We present Skywork R1V2")
    )
    assert profileparse.dump_starts(text) == [1]
    (doc,) = profileparse.parse_all(text)
    assert len(doc.papers) == 10 and doc.diagnostics == ()


def test_parsing_leaves_the_garbage_collector_as_it_found_it() -> None:
    text = (SEEDS / "000_6faa1e42dd226781.txt").read_text(encoding="utf-8")
    assert gc.isenabled()
    profileparse.parse(text)
    assert gc.isenabled()
    gc.disable()
    try:
        profileparse.parse(text)
        assert not gc.isenabled()
    finally:
        gc.enable()


class _Node:
    link: object = None


def test_parsing_thaws_nothing_frozen_and_leaves_cycles_to_the_collector() -> None:
    """Objects made while parsing go to the collector's oldest generation: what the
    program froze stays frozen, and a cycle made before the parse is still freed."""
    text = (SEEDS / "000_6faa1e42dd226781.txt").read_text(encoding="utf-8")
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        profileparse.parse(text)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
    node = _Node()
    node.link = node
    gone = weakref.ref(node)
    del node
    profileparse.parse(text)
    assert gone() is not None  # (a cycle: only the collector frees it)
    gc.collect()
    assert gone() is None


def test_import_loads_nothing_until_a_name_is_used() -> None:
    """`import profileparse` stays cheap: the dependencies, the plugins and even typing
    load on first use of a name."""
    import subprocess
    import sys

    heavy = ("typing", "attrs", "lark", "pluggy", "click", "profileparse.model")
    script = f"import sys, profileparse; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_each_door_says_what_it_takes_and_reads_several_dumps_by_its_rule(
    seeds: list[Path], tmp_path: Path
) -> None:
    """text, bytes, a file and a stream, with the same keyword options; parse,
    parse_file and iter_papers read two pasted dumps as one with a warning, parse_all
    and parse_bytes read each."""
    first, second = seeds[1].read_bytes(), seeds[3].read_bytes()
    data = first + b"\n" + second
    path = tmp_path / "two.txt"
    path.write_bytes(data)
    text = data.decode("utf-8")
    one = profileparse.parse(text, source="two.txt")
    assert [d.code for d in one.diagnostics if d.code == "several-dumps"] == ["several-dumps"]
    assert profileparse.parse_file(path, source="two.txt") == one
    each = profileparse.parse_all(text, source="two.txt")
    assert profileparse.parse_bytes(data, source="two.txt") == each
    assert [d.layout for d in each] == [
        profileparse.parse(first.decode("utf-8")).layout,
        profileparse.parse(second.decode("utf-8")).layout,
    ]
    stream = profileparse.iter_papers(path)
    assert len(list(stream)) == len(one.papers)
    cp1252 = "Abstract:Caf\xe9 au lait.\n".encode("cp1252")
    (latin,) = profileparse.parse_bytes(cp1252, encoding="cp1252")
    assert latin.papers[0].abstract == "Café au lait." and latin.ok
    (bad,) = profileparse.parse_bytes(cp1252)
    assert [d.code for d in bad.errors] == ["encoding"]
    with pytest.raises(TypeError, match="takes bytes, not str"):
        profileparse.parse_bytes(text)  # type: ignore[arg-type]

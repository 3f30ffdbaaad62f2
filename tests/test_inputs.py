"""Input as people really have it, and damaged records: nothing is lost or misread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

import profileparse
from profileparse import Document
from tests.conftest import seed_paths, unaccounted


def _content(doc: Document) -> tuple[object, ...]:
    """What a document says, without the line numbers it came from."""
    papers = tuple(attrs.evolve(p, span=None) for p in doc.papers)
    profile = attrs.evolve(doc.profile, span=None) if doc.profile else None
    return doc.layout, profile, papers


def _lines(text: str) -> list[str]:
    return text.split("\n")


VARIANTS: dict[str, Callable[[str], str]] = {
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "bom": lambda t: "\ufeff" + t,
    "trailing-spaces": lambda t: "\n".join(line + " \t " for line in _lines(t)),
    "final-newline": lambda t: t + "\n",
    "extra-blank-lines": lambda t: "\n\n" + t.replace("\n\n", "\n\n\n\n") + "\n\n\n",
    "missing-blank-lines": lambda t: "\n".join(line for line in _lines(t) if line.strip()),
    "indented": lambda t: "\n".join("  " + line for line in _lines(t)),
    "all-at-once": lambda t: (
        "\ufeff"
        + "\n".join(line + "  " for line in _lines(t) if line.strip()).replace("\n", "\r\n")
    ),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("seed", seed_paths(), ids=lambda p: p.stem[:3])
def test_variants_parse_to_the_same_content(seed: Path, variant: str) -> None:
    text = seed.read_text(encoding="utf-8")
    original = profileparse.parse(text)
    changed = profileparse.parse(VARIANTS[variant](text))
    assert _content(changed) == _content(original)
    assert [d.code for d in changed.diagnostics] == [d.code for d in original.diagnostics]


@pytest.mark.parametrize("seed", seed_paths(), ids=lambda p: p.stem[:3])
def test_deleting_any_line_loses_nothing_and_keeps_neighbours(seed: Path) -> None:
    lines = seed.read_text(encoding="utf-8").split("\n")
    original = profileparse.parse("\n".join(lines))
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        text = "\n".join(lines[:index] + lines[index + 1 :])
        doc = profileparse.parse(text, layout=original.layout)
        assert unaccounted(doc, text) == [], f"deleting line {index + 1}"
        # Records before the deleted line are untouched.
        before = [p for p in original.papers if p.span and p.span.end_line < index + 1]
        assert _content(doc)[2][: len(before)] == tuple(attrs.evolve(p, span=None) for p in before)


@pytest.mark.parametrize("seed", seed_paths(), ids=lambda p: p.stem[:3])
def test_duplicating_any_line_loses_nothing(seed: Path) -> None:
    lines = seed.read_text(encoding="utf-8").split("\n")
    layout = profileparse.parse("\n".join(lines)).layout
    for index, line in enumerate(lines):
        if line.strip():
            text = "\n".join(lines[: index + 1] + lines[index:])
            assert unaccounted(profileparse.parse(text, layout=layout), text) == []


def test_a_record_missing_its_authors_keeps_title_and_abstract() -> None:
    seed = next(p for p in seed_paths() if p.name.startswith("001_"))
    lines = seed.read_text(encoding="utf-8").split("\n")
    authors_line = lines.index("Peiyu Wang, Yichen Wei, Yi Peng et al.")
    doc = profileparse.parse("\n".join(lines[:authors_line] + lines[authors_line + 1 :]))
    assert len(doc.papers) == 10
    damaged = doc.papers[2]
    assert damaged.title == "Skywork R1V2: Multimodal Hybrid Reinforcement Learning for Reasoning"
    assert damaged.authors == () and damaged.abstract and damaged.abstract.startswith("We present")
    assert [(d.code, d.line) for d in doc.errors] == [
        ("missing-authors", 26)
    ]  # the record's meta line
    assert doc.papers[3].title and doc.papers[3].title.startswith("Skywork UniPic")


def test_stray_text_in_an_abstracts_dump_is_reported_not_dropped() -> None:
    doc = profileparse.parse("Abstract: one\nsome pasted text\nAbstract: two\n")
    assert [p.abstract for p in doc.papers] == ["one", "two"]
    assert [(d.code, d.line) for d in doc.diagnostics] == [("extra-line", 2)]


def test_unicode_and_tex_survive() -> None:
    text = (
        "CLJun 29, 2023\n$\\mathcal{O}(n)$ Bounds for Ünïcödé ParsingStéphane Chrétien, "
        'Zhaoqin "Richie" Li\nWe show $x_1 \\leq 2$ holds.\n'
    )
    (paper,) = profileparse.parse(text).papers
    assert paper.title == "$\\mathcal{O}(n)$ Bounds for Ünïcödé Parsing"
    assert paper.authors == ("Stéphane Chrétien", 'Zhaoqin "Richie" Li')
    assert paper.abstract == "We show $x_1 \\leq 2$ holds."


@pytest.mark.parametrize("field", ["title", "authors", "abstract"])
def test_a_record_missing_one_field_is_assembled_right(field: str) -> None:
    seed = next(p for p in seed_paths() if p.name.startswith("001_"))
    lines = seed.read_text(encoding="utf-8").split("\n")
    original = profileparse.parse("\n".join(lines))
    target = original.papers[2]
    assert target.span is not None
    # The record's lines: meta, title, blank, authors, blank, abstract.
    offset = {"title": 1, "authors": 3, "abstract": 5}[field]
    index = target.span.start_line - 1 + offset
    damaged = profileparse.parse("\n".join(lines[:index] + lines[index + 1 :]))
    paper = damaged.papers[2]
    kept = {"title": paper.title, "authors": paper.authors, "abstract": paper.abstract}
    want = {"title": target.title, "authors": target.authors, "abstract": target.abstract}
    empty = {"title": None, "authors": (), "abstract": None}
    assert kept == {**want, field: empty[field]}
    assert [d.code for d in damaged.errors] == [f"missing-{field}"]
    strip = lambda p: attrs.evolve(p, span=None)  # noqa: E731
    assert [strip(p) for p in damaged.papers[:2]] == [strip(p) for p in original.papers[:2]]
    assert [strip(p) for p in damaged.papers[3:]] == [strip(p) for p in original.papers[3:]]

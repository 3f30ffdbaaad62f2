"""Which records the corpus takes for the same paper: namesakes stay apart, the result
does not depend on the order dumps arrive in, and quality holds on overlapping dumps
rendered from real records."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

import profileparse
from profileparse.cli import main
from profileparse.corpus import Corpus
from tests.render import corpus_quality, load_records, write_overlapping_dumps

ABSTRACT = (
    "We study the analytical engine and the programs it can run, with a careful account "
    "of its store, its mill and the cards that drive them. "
)
OTHER = (
    "Sorting networks are compared on many inputs, and a new bound on their depth is "
    "proved with a counting argument that extends to merging networks. "
)


def _doc(
    title: str, authors: str, abstract: str, date: str = "Jun 29, 2023"
) -> profileparse.Document:
    return profileparse.parse(f"CL{date}\n{title}{authors}\n{abstract}\n")


def _titles(c: Corpus) -> list[tuple[str, int]]:
    return c.db.execute(
        "SELECT p.title, COUNT(*) FROM papers p JOIN sightings s ON s.paper_id = p.id "
        "GROUP BY p.id ORDER BY 2 DESC, 1"
    ).fetchall()


def test_a_namesake_with_other_authors_and_abstract_is_another_paper() -> None:
    c = Corpus()
    c.add(_doc("Notes on the Analytical Engine", "Ada Lovelace, Charles Babbage", ABSTRACT))
    c.add(_doc("Notes on the Analytical Engine", "Grace Hopper", OTHER))
    assert c.stats().papers == 2
    keys = c.db.execute("SELECT title_key FROM papers").fetchall()
    assert keys[0] == keys[1]  # the same title, two papers


def test_the_same_title_joins_on_a_shared_author_or_a_matching_abstract() -> None:
    c = Corpus()
    c.add(_doc("Notes on the Analytical Engine", "Ada Lovelace, Charles Babbage", ABSTRACT))
    c.add(_doc("Notes on the analytical engine", "Charles Babbage", OTHER))  # shared author
    c.add(_doc("NOTES ON THE ANALYTICAL ENGINE", "A. A. Lovelace", ABSTRACT))  # same abstract
    assert _titles(c) == [("Notes on the Analytical Engine", 3)]


def test_accents_do_not_make_another_author() -> None:
    c = Corpus()
    c.add(_doc("Convex Spectral Functions", "Stéphane Chrétien", ABSTRACT))
    c.add(_doc("Convex Spectral Functions", "Stephane Chretien", OTHER))
    assert c.stats().papers == 1


def test_a_paper_merges_what_its_sightings_show() -> None:
    c = Corpus()
    c.add(profileparse.parse(f"CLJun 29Code\nNotes on the EngineAda Lovelace et al.\n{ABSTRACT}\n"))
    c.add(_doc("Notes on the Engine", "Ada Lovelace, Charles Babbage, Luigi Menabrea", ABSTRACT))
    (paper,) = c.papers()
    assert paper.date == profileparse.PaperDate(2023, 6, 29)  # the year from the second
    assert paper.has_code  # the Code flag from the first
    assert paper.authors == ("Ada Lovelace", "Charles Babbage", "Luigi Menabrea")
    assert not paper.et_al


def _iterdump(c: Corpus) -> list[str]:
    return list(c.db.iterdump())


@pytest.fixture(scope="module")
def overlapping(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("overlapping")
    write_overlapping_dumps(folder, 40, load_records(3000), seed=7)
    return folder


def test_the_tables_do_not_depend_on_the_order_dumps_are_added_in(
    overlapping: Path, seeds: list[Path]
) -> None:
    paths = sorted(overlapping.glob("*.txt")) + seeds
    at_once = Corpus()
    at_once.add_files(paths)
    expected = _iterdump(at_once)
    assert at_once.stats().papers > 300

    one_by_one = Corpus()
    for path in reversed(paths):
        one_by_one.add_files([path])
    assert _iterdump(one_by_one) == expected

    shuffled = list(paths)
    random.Random(3).shuffle(shuffled)
    halves = Corpus()
    halves.add_files(shuffled[::2])
    halves.add_files(shuffled[1::2])
    assert _iterdump(halves) == expected

    again = halves.add_files(paths)
    assert again.added == [] and _iterdump(halves) == expected


def test_an_update_of_a_stored_corpus_equals_a_build_in_one_go(
    overlapping: Path, tmp_path: Path
) -> None:
    paths = sorted(overlapping.glob("*.txt"))
    whole = Corpus()
    whole.add_files(paths)
    db = tmp_path / "c.sqlite"
    with Corpus(db) as first:
        first.add_files(paths[:25])
    with Corpus(db) as second:  # the index is rebuilt from the file
        second.add_files(paths[25:])
        assert _iterdump(second) == _iterdump(whole)


def test_parallel_parsing_gives_the_same_corpus(overlapping: Path, tmp_path: Path) -> None:
    dumps = []
    for jobs in ("1", "2"):
        db = tmp_path / f"j{jobs}.sqlite"
        result = CliRunner().invoke(main, ["corpus", str(overlapping), "-o", str(db), "-j", jobs])
        assert result.exit_code == 0, result.output
        dumps.append(list(sqlite3.connect(db).iterdump()))
    assert dumps[0] == dumps[1]


def test_quality_on_overlapping_dumps_of_real_records(overlapping: Path, tmp_path: Path) -> None:
    db = tmp_path / "q.sqlite"
    with Corpus(db) as c:
        c.add_files(sorted(overlapping.glob("*.txt")))
    truth = json.loads((overlapping / "truth.json").read_text(encoding="utf-8"))
    scores = corpus_quality(db, truth)
    assert scores["titled"] > 500 and scores["abstract_only"] > 20
    assert scores["precision"] >= 0.995
    assert scores["recall"] >= 0.995
    assert scores["abstracts_linked_right"] >= 0.99


# Read inline as "...ShiftPaul F R" + "Wilson" (arXiv spells the name without a space).
MISREAD = "Robustness to Subpopulation Shift"
ABSTRACT_RANK = (
    "We learn rankings by embedding queries and documents, and transfer what one domain "
    "teaches to another with a small amount of labelled data."
)


def _inline_dump() -> profileparse.Document:
    text = f"CLJun 3, 2025\n{MISREAD}Paul F RWilson, Viet Nguyen\n{ABSTRACT_RANK}\n"
    return profileparse.parse(text, source="inline.txt")


def _profile_dump() -> profileparse.Document:
    text = (
        "Viet Nguyen\n\nCL\nh-index3\n1papers\n10citations\nNovelty50%\nAI Score40\n\n1 Papers\n\n"
        f"CLJun 3, 2025\n{MISREAD}\n\nPaul F RWilson, Viet Nguyen\n\n{ABSTRACT_RANK}\n"
    )
    return profileparse.parse(text, source="profile.txt")


def test_the_corpus_repairs_an_inline_split_from_a_profile_dump() -> None:
    inline = _inline_dump()
    assert inline.layout == "inline" and inline.papers[0].title != MISREAD  # misread alone
    dumps = []
    for order in ([inline, _profile_dump()], [_profile_dump(), inline]):
        with Corpus() as c:
            for doc in order:
                c.add(doc)
            rows = c.db.execute(
                "SELECT d.source, s.repaired, s.link, p.title FROM sightings s "
                "JOIN documents d ON d.id = s.document_id JOIN papers p ON p.id = s.paper_id "
                "ORDER BY d.source"
            ).fetchall()
            assert rows == [
                ("inline.txt", 1, "title", MISREAD),
                ("profile.txt", 0, "title", MISREAD),
            ]
            assert c.stats().papers == 1
            (authors,) = c.db.execute("SELECT COUNT(*) FROM authorships").fetchone()
            assert authors == 2  # Paul F RWilson and Viet Nguyen, not "Wilson"
            dumps.append(_iterdump(c))
    assert dumps[0] == dumps[1]


def test_a_repaired_corpus_reopens_the_same(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    with Corpus(db) as c:
        c.add(_inline_dump())
    with Corpus(db) as c:
        c.add(_profile_dump())
        first = _iterdump(c)
    with Corpus() as c:
        c.add(_profile_dump())
        c.add(_inline_dump())
        assert _iterdump(c) == first


def test_misread_records_that_met_each_other_first_are_repaired_too(tmp_path: Path) -> None:
    """Two inline dumps misread the same text the same way and become one paper before a
    profile dump shows the split: both are still repaired, as when the profile came first."""
    first = attrs.evolve(_inline_dump(), source="inline-1.txt")
    second = attrs.evolve(_inline_dump(), source="inline-2.txt")
    dumps = []
    for order in (
        [first, second, _profile_dump()],
        [_profile_dump(), first, second],
        [first, _profile_dump(), second],
    ):
        with Corpus() as c:
            for doc in order:
                c.add(doc)
            rows = c.db.execute(
                "SELECT d.source, s.repaired, p.title FROM sightings s "
                "JOIN documents d ON d.id = s.document_id JOIN papers p ON p.id = s.paper_id "
                "ORDER BY d.source"
            ).fetchall()
            assert rows == [
                ("inline-1.txt", 1, MISREAD),
                ("inline-2.txt", 1, MISREAD),
                ("profile.txt", 0, MISREAD),
            ]
            dumps.append(_iterdump(c))
    assert dumps[0] == dumps[1] == dumps[2]
    db = tmp_path / "c.sqlite"  # the misread pair stored, the profile dump added later
    with Corpus(db) as c:
        c.add(first)
        c.add(second)
    with Corpus(db) as c:
        c.add(_profile_dump())
        assert _iterdump(c) == dumps[0]

"""The corpus: dedupe across dumps, abstract linking, owners, SQLite and Parquet."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import profileparse
from profileparse.cli import main
from profileparse.corpus import Corpus, infer_owner, normalise_title
from tests.conftest import EVERY_SEED_EXIT


@pytest.fixture
def corpus(seeds: list[Path]) -> Corpus:
    c = Corpus(":memory:")
    c.add_files(seeds)
    return c


def _sightings(c: Corpus, title: str) -> list[tuple[str, str]]:
    return c.db.execute(
        "SELECT d.source, s.link FROM sightings s JOIN papers p ON p.id = s.paper_id "
        "JOIN documents d ON d.id = s.document_id WHERE p.title = ? ORDER BY d.source",
        (title,),
    ).fetchall()


SKYWORK = "Skywork: A More Open Bilingual Foundation Model"


def test_the_skywork_paper_is_one_paper_with_four_sightings(corpus: Corpus) -> None:
    rows = corpus.db.execute("SELECT COUNT(*) FROM papers WHERE title = ?", (SKYWORK,))
    assert rows.fetchone() == (1,)
    assert [s for s, _ in _sightings(corpus, SKYWORK)] == [
        "000_6faa1e42dd226781.txt", "001_a1e2e71e1a973e1e.txt",
        "003_a349c96aeee06787.txt", "004_9533bcb3dca15aed.txt",
    ]  # fmt: skip


def test_the_four_abstracts_of_seed_004_link_to_their_papers(corpus: Corpus) -> None:
    rows = corpus.db.execute(
        "SELECT s.start_line, p.title, s.similarity FROM sightings s "
        "JOIN papers p ON p.id = s.paper_id JOIN documents d ON d.id = s.document_id "
        "WHERE d.source LIKE '004_%' ORDER BY s.start_line"
    ).fetchall()
    assert [(line, title[:30]) for line, title, _ in rows] == [
        (1, "Skywork R1V2: Multimodal Hybri"),
        (2, "Skywork R1V: Pioneering Multim"),
        (3, "Skywork-MoE: A Deep Dive into "),
        (4, "Skywork: A More Open Bilingual"),
    ]
    revised = rows[0][2]
    assert 85 <= revised < 100  # the R1V2 abstract differs in a few numbers, still linked
    stats = corpus.stats()
    assert (stats.abstract_only, stats.linked_abstracts, stats.unlinked_abstracts) == (4, 4, 0)


def test_owners(corpus: Corpus) -> None:
    rows = corpus.db.execute(
        "SELECT d.source, p.name, p.inferred, p.confidence, p.h_index FROM profiles p "
        "JOIN documents d ON d.id = p.document_id ORDER BY d.source"
    ).fetchall()
    assert [(s[:3], n, i, h) for s, n, i, _, h in rows] == [
        ("000", "Tianwen Wei", 0, 19), ("001", "Xiaokun Wang", 0, 19),
        ("002", "Kaiyue Wen", 1, None), ("003", "Biye Li", 0, 22),
    ]  # fmt: skip
    confidence = rows[2][3]
    assert 0.5 < confidence < 1.0


def test_adding_the_same_dumps_again_changes_nothing(seeds: list[Path], tmp_path: Path) -> None:
    db = tmp_path / "corpus.sqlite"
    runner = CliRunner()
    first = runner.invoke(main, ["corpus", str(seeds[0].parent), "-o", str(db)])
    assert first.exit_code == EVERY_SEED_EXIT
    before = "\n".join(sqlite3.connect(db).iterdump())
    again = runner.invoke(main, ["corpus", str(seeds[0].parent), "-o", str(db)])
    assert again.exit_code == EVERY_SEED_EXIT and "0 new dump(s)" in again.stderr
    assert "\n".join(sqlite3.connect(db).iterdump()) == before


def test_adding_a_dump_updates_and_links_late_arrivals(seeds: list[Path]) -> None:
    c = Corpus(":memory:")
    c.add_files([seeds[4]])  # abstracts first: nothing to link them to yet
    assert c.stats().linked_abstracts == 0
    assert len(c.unlinked()) == 4
    c.add_files([seeds[3]])  # Biye Li's profile holds two of the four papers
    assert c.stats().linked_abstracts == 2
    c.add_files([seeds[1]])  # Xiaokun Wang's holds all four
    assert c.stats().linked_abstracts == 4 and c.unlinked() == []


def test_threshold_option_and_unlinked_report(seeds: list[Path], tmp_path: Path) -> None:
    db = tmp_path / "strict.sqlite"
    result = CliRunner().invoke(
        main, ["corpus", *map(str, seeds), "-o", str(db), "--threshold", "99"]
    )
    assert result.exit_code == EVERY_SEED_EXIT
    assert "004_9533bcb3dca15aed.txt:1: abstract not linked" in result.stderr
    stats = CliRunner().invoke(main, ["corpus", "stats", str(db)])
    assert "linked abstracts         3" in stats.stdout
    assert "unlinked abstracts       1" in stats.stdout


def test_schema_has_foreign_keys_and_they_hold(corpus: Corpus) -> None:
    assert corpus.db.execute("PRAGMA foreign_key_check").fetchall() == []
    fks = corpus.db.execute("PRAGMA foreign_key_list(sightings)").fetchall()
    assert {row[2] for row in fks} == {"documents", "papers"}


def test_near_identical_titles_merge_only_when_abstracts_agree() -> None:
    def doc(title: str, abstract: str) -> profileparse.Document:
        return profileparse.parse(f"CLJun 29, 2023\n{title}Ada Lovelace\n{abstract}\n")

    abstract = "We study the analytical engine and its programs in detail. " * 3
    c = Corpus(":memory:")
    c.add(doc("Notes on the Analytical Engine", abstract))
    c.add(doc("Notes on the analytical engine!", abstract))  # same key
    c.add(doc("Notes on the Analytycal Engine", abstract))  # a typo: similar title
    c.add(doc("Notes on the Analytycal Engines", "A different paper altogether. " * 5))
    assert c.stats().papers == 2
    rows = c.db.execute(
        "SELECT s.title_key, s.link, s.similarity, p.title_key, p.id FROM sightings s "
        "JOIN papers p ON p.id = s.paper_id"
    ).fetchall()
    engine = [r for r in rows if r[3] != "notes on the analytycal engines"]
    assert len(engine) == 3
    for key, link, similarity, paper_key, _ in engine:
        if key == paper_key:
            assert (link, similarity) == ("title", None)
        else:  # joined through a near-identical title, and says how near
            assert link == "similar-title" and similarity >= 92
    assert {link for _, link, *_ in engine} == {"title", "similar-title"}
    assert normalise_title("  Notes, on THE engine ") == "notes on the engine"


def test_infer_owner_needs_a_clear_winner() -> None:
    p = profileparse.Paper
    assert infer_owner([p(authors=("A B", "C D")), p(authors=("A B",)), p(authors=("E F",))]) == (
        "A B", 0.667,
    )  # fmt: skip
    assert infer_owner([p(authors=("A B",)), p(authors=("C D",))]) is None


def test_parquet_reads_back_with_pyarrow(seeds: list[Path], tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "parquet"
    result = CliRunner().invoke(main, ["corpus", *map(str, seeds), "-o", str(out) + "/"])
    assert result.exit_code == EVERY_SEED_EXIT, result.output
    # Other tools read the current version through the `current` link.
    papers = pq.read_table(out / "current" / "papers.parquet")
    sightings = pq.read_table(out / "current" / "sightings.parquet")
    assert (papers.num_rows, sightings.num_rows) == (51, 60)
    assert "Skywork: A More Open Bilingual Foundation Model" in papers.column("title").to_pylist()


def test_corpus_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["corpus", "stats", str(tmp_path / "none.sqlite")]).exit_code == 2
    assert runner.invoke(main, ["corpus", str(tmp_path)]).exit_code == 2


def test_unrelated_abstracts_do_not_link(corpus: Corpus) -> None:
    import random

    from tests.render import Variations, load_records, render_abstracts

    records = load_records(50)
    text = render_abstracts(records, random.Random(0), Variations()).text
    before = corpus.stats().linked_abstracts
    corpus.add(profileparse.parse(text, source="unrelated.txt"))
    assert corpus.stats().linked_abstracts == before
    assert len(corpus.unlinked()) == 50

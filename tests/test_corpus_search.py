"""The corpus for people: its views, its full-text search (``corpus search``), and its
bibliography with ``--reference-year``."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from profileparse.corpus import Corpus
from tests.conftest import EVERY_SEED_EXIT, HERE, invoke, run_profileparse

DOCS = HERE.parent / "docs"


@pytest.fixture
def seeds_db(seeds: list[Path], tmp_path: Path) -> Path:
    db = tmp_path / "seeds.sqlite"
    built = invoke("corpus", "build", str(seeds[0].parent), "-o", str(db))
    assert built.exit_code == EVERY_SEED_EXIT
    return db


def _titles(table: str) -> list[str]:
    """The titles of a ``corpus search`` table, in its order (cut titles end in …)."""
    return [re.split(r"\s{2,}", line.strip())[2] for line in table.splitlines()]


def test_search_finds_a_paper_by_words_of_its_title_and_abstract(seeds_db: Path) -> None:
    found = run_profileparse("corpus", "search", str(seeds_db), "mixture experts upcycling")
    assert found.returncode == 0, found.stderr
    titles = _titles(found.stdout)
    assert len(titles) == 1 and titles[0].startswith("Skywork-MoE: A Deep Dive")
    # "upcycling" is in its abstract only: the title alone would not find it.
    with Corpus(seeds_db, readonly=True) as corpus:
        (paper,) = corpus.search("mixture experts upcycling").papers
        assert paper.abstract is not None and "upcycling" in paper.abstract.lower()
        assert "upcycling" not in (paper.title or "").lower()


def test_search_by_author_finds_the_papers_on_their_profile(seeds_db: Path) -> None:
    """Skywork R1V2's author list is cut ("Peiyu Wang, Yichen Wei, Yi Peng et al."), but
    it is on Xiaokun Wang's profile: the profile's owner is one of its authors."""
    found = run_profileparse("corpus", "search", str(seeds_db), "--author", "Xiaokun Wang")
    assert found.returncode == 0, found.stderr
    titles = _titles(found.stdout)
    assert any(t.startswith("Skywork R1V2") for t in titles)
    with Corpus(seeds_db, readonly=True) as corpus:
        by_author = corpus.search(author="xiaokun wang").papers  # any case
        r1v2 = [p for p in by_author if p.title and p.title.startswith("Skywork R1V2")]
        assert len(r1v2) == 1 and "Xiaokun Wang" not in r1v2[0].authors
        # Every paper of the profile, and the ones elsewhere that name the author.
        assert len(by_author) == 10
        narrowed = corpus.search("hybrid reinforcement", author="Xiaokun Wang").papers
        assert [p.title for p in narrowed] == [r1v2[0].title]
        assert corpus.search("hybrid reinforcement", author="Tianwen Wei").papers == ()


def test_search_writes_any_export_format(seeds_db: Path) -> None:
    import bibtexparser

    found = invoke("corpus", "search", str(seeds_db), "skywork", "-f", "bibtex", "--limit", "3")
    assert found.exit_code == 0, found.output
    library = bibtexparser.parse_string(found.stdout)
    assert len(library.entries) == 3 and not library.failed_blocks
    assert all("skywork" in entry["title"].lower() for entry in library.entries)
    as_json = json.loads(invoke("corpus", "search", str(seeds_db), "skywork", "-f", "json").stdout)
    papers = as_json["papers"]
    assert len(papers) > 3
    assert all("skywork" in (p["title"] + (p["abstract"] or "")).lower() for p in papers)


def test_search_ranks_the_closest_match_first(seeds_db: Path) -> None:
    with Corpus(seeds_db, readonly=True) as corpus:
        titles = [p.title or "" for p in corpus.search("skywork reward").papers]
    assert len(titles) > 1
    assert "Reward" in titles[0]  # both words in the title before one in the abstract


def test_search_without_a_match_or_a_query(seeds_db: Path) -> None:
    nothing = invoke("corpus", "search", str(seeds_db), "zebrafish")
    assert nothing.exit_code == 0 and nothing.stdout == ""
    assert nothing.stderr == "no paper matches\n"
    bare = invoke("corpus", "search", str(seeds_db))
    assert bare.exit_code == 2 and "give a QUERY, an --author, or both" in bare.output
    quotes = invoke("corpus", "search", str(seeds_db), '" OR "')
    assert quotes.exit_code == 0 and nothing.stderr == "no paper matches\n"  # words, not syntax
    empty = invoke("corpus", "search", str(seeds_db), '"*"')
    assert empty.exit_code == 2 and "nothing to search for" in empty.output
    missing = invoke("corpus", "search", str(seeds_db.parent / "nope.sqlite"), "x")
    assert missing.exit_code == 2 and "no corpus at" in missing.output


def _fts_rows(db: sqlite3.Connection) -> list[tuple[int, str, str]]:
    return db.execute("SELECT rowid, title, authors FROM papers_fts ORDER BY rowid").fetchall()


def _view_rows(db: sqlite3.Connection) -> list[tuple[int, str, str]]:
    return db.execute(
        "SELECT paper_id, title, coalesce(authors, '') FROM paper_authors ORDER BY paper_id"
    ).fetchall()


def test_the_search_table_keeps_step_with_every_update(seeds: list[Path], tmp_path: Path) -> None:
    """Adding dumps one build at a time: after each, the search table holds every paper
    with its current title and authors, and finds what was just added."""
    path = tmp_path / "c.sqlite"
    with Corpus(path) as corpus:
        corpus.add_files([seeds[4]])  # abstracts only: their papers are not known yet
        assert corpus.search("Skywork").papers == ()
        corpus.add_files([seeds[1]])  # Xiaokun Wang's profile
        assert any(p.title and "R1V2" in p.title for p in corpus.search("R1V2").papers)
        for seed in (seeds[0], seeds[2], seeds[3]):
            corpus.add_files([seed])
            assert _fts_rows(corpus.db) == _view_rows(corpus.db)
        before = list(corpus.db.iterdump())
        corpus.add_files(seeds)  # nothing new: nothing changes
        assert list(corpus.db.iterdump()) == before
    with Corpus() as at_once:
        at_once.add_files(seeds)
        assert list(at_once.db.iterdump()) == before  # the same bytes, search table too


def test_a_parquet_corpus_searches_too(seeds: list[Path], seeds_db: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    folder = tmp_path / "corpus"
    built = invoke("corpus", "build", str(seeds[0].parent), "-o", f"{folder}/")
    assert built.exit_code == EVERY_SEED_EXIT
    found = invoke("corpus", "search", str(folder), "mixture experts upcycling")
    assert found.exit_code == 0
    assert (
        found.stdout
        == invoke("corpus", "search", str(seeds_db), "mixture experts upcycling").stdout
    )


def test_the_views_read_as_documented(seeds_db: Path) -> None:
    """Every example query of docs/corpus.md runs on the seeds' corpus, and those over
    the views and the search table find rows."""
    text = (DOCS / "corpus.md").read_text(encoding="utf-8")
    queries = [
        q for q in re.findall(r"```sql\n(.*?)```", text, re.S) if q.lstrip().startswith("SELECT")
    ]
    ours = ("author_papers", "paper_authors", "snapshots", "papers_fts")
    assert {name for name in ours if any(name in q for q in queries)} == set(ours)
    with sqlite3.connect(seeds_db) as db:
        for query in queries:
            rows = db.execute(query).fetchall()
            assert rows or not any(name in query for name in ours), query


def test_author_papers_lists_an_authors_papers_across_dumps(seeds_db: Path) -> None:
    """The view gives what the five-table join gives: each dump that shows a paper of
    the author's, with the author's place in its author list."""
    with sqlite3.connect(seeds_db) as db:
        rows = db.execute(
            "SELECT title, path, author_position FROM author_papers "
            "WHERE author = 'Tianwen Wei' AND title LIKE 'Skywork-MoE%' ORDER BY path"
        ).fetchall()
        joined = db.execute(
            "SELECT p.title, d.path, a.position + 1 FROM authors au "
            "JOIN authorships a ON a.author_id = au.id JOIN papers p ON p.id = a.paper_id "
            "JOIN sightings s ON s.paper_id = p.id JOIN documents d ON d.id = s.document_id "
            "WHERE au.name = 'Tianwen Wei' AND p.title LIKE 'Skywork-MoE%' ORDER BY d.path"
        ).fetchall()
    assert rows == joined
    # His own profile among them, and another researcher's; first author in each.
    paths = [path for _, path, _ in rows]
    assert "seeds/000_6faa1e42dd226781.txt" in paths and len(paths) > 1
    assert {position for _, _, position in rows} == {1}


def test_datasette_opens_the_corpus_as_it_is(seeds_db: Path) -> None:
    """The file as a build leaves it, in Datasette (its own app, without a server): the
    views are listed and answer, and the search table is there."""
    import asyncio

    from datasette.app import Datasette

    async def ask() -> tuple[dict, dict]:
        app = Datasette([str(seeds_db)], immutables=[])
        listing = await app.client.get("/seeds.json")
        rows = await app.client.get(
            "/seeds/author_papers.json",
            params={"author": "Xiaokun Wang", "_shape": "array", "_size": "max"},
        )
        return listing.json(), {"status": rows.status_code, "rows": rows.json()}

    listing, answer = asyncio.run(ask())
    views = {view["name"] for view in listing["views"]}
    assert {"paper_authors", "author_papers", "snapshots"} <= views
    assert "papers_fts" in {table["name"] for table in listing["tables"]}
    titles = {row["title"] for row in answer["rows"]}
    assert answer["status"] == 200 and any(t.startswith("Skywork R1V2") for t in titles)


def test_export_with_a_reference_year_dates_every_paper(seeds_db: Path) -> None:
    import bibtexparser

    without = bibtexparser.parse_string(
        invoke("corpus", "export", str(seeds_db), "-f", "bibtex").stdout
    )
    yearless = [e for e in without.entries if "year" not in e.fields_dict]
    assert yearless  # the site shows recent papers without a year
    exported = run_profileparse(
        "corpus", "export", str(seeds_db), "-f", "bibtex", "--reference-year", "2026"
    )
    assert exported.returncode == 0, exported.stderr
    library = bibtexparser.parse_string(exported.stdout)
    assert not library.failed_blocks and len(library.entries) == len(without.entries)
    assert all("year" in entry.fields_dict for entry in library.entries)
    by_title = {e["title"]: e for e in library.entries}
    assert {by_title[e["title"]]["year"] for e in yearless} == {"2026"}
    # The corpus keeps them yearless: the year is given at export only.
    with sqlite3.connect(seeds_db) as db:
        assert db.execute("SELECT COUNT(*) FROM papers WHERE date LIKE '--%'").fetchone()[0]


def test_build_with_a_reference_year_stores_it(seeds: list[Path], tmp_path: Path) -> None:
    db = tmp_path / "dated.sqlite"
    built = invoke("corpus", "build", str(seeds[1]), "-o", str(db), "--reference-year", "2025")
    assert built.exit_code == 0, built.output
    with sqlite3.connect(db) as conn:
        dates = [row[0] for row in conn.execute("SELECT date FROM papers WHERE date IS NOT NULL")]
    assert dates and not [d for d in dates if d.startswith("--")]
    assert "2025-04-07" in dates  # shown as "Apr 7"

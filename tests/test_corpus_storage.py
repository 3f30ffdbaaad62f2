"""The corpus on disk: schema version and migration, Parquet updated in place, export
through the format plugins, and clean failures from every corpus command."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner, Result

from profileparse.cli import main
from profileparse.corpus import SCHEMA_VERSION, Corpus, CorpusError
from tests.conftest import EVERY_SEED_EXIT

DATA = Path(__file__).parent / "data"
SKYWORK = "Skywork: A More Open Bilingual Foundation Model"


def _run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    # A command may exit 0, 1 or 2, but never with a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def seeds_db(seeds: list[Path], tmp_path: Path) -> Path:
    db = tmp_path / "seeds.sqlite"
    built = _run("corpus", str(seeds[0].parent), "-o", str(db))
    assert built.exit_code == EVERY_SEED_EXIT
    assert built.stderr.startswith("000_6faa1e42dd226781.txt: 1 parse error(s)")
    return db


def test_a_first_version_corpus_is_migrated_when_opened(seeds: list[Path], tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    shutil.copy(DATA / "corpus-v1.sqlite", old)
    with Corpus(old) as c:
        assert c.db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        stats = c.stats()
        assert (stats.documents, stats.papers, stats.sightings) == (5, 51, 60)
        assert (stats.linked_abstracts, stats.unlinked_abstracts) == (4, 0)
        assert c.add_files(seeds).added == []  # the dumps it was built from are known
    fresh = Corpus()
    fresh.add_files(seeds)
    # The first version took seed 000's lost record for a warning; this one, an error.
    assert fresh.stats() == attrs.evolve(
        Corpus(old, readonly=True).stats(), documents_with_errors=1
    )


def test_a_first_version_corpus_opened_read_only_is_not_written(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    shutil.copy(DATA / "corpus-v1.sqlite", old)
    before = _digest(old)
    result = _run("corpus", "stats", str(old))
    assert result.exit_code == 0 and "papers                   51" in result.stdout
    assert _digest(old) == before


def test_export_writes_one_entry_per_paper(seeds_db: Path, tmp_path: Path) -> None:
    from bibtexparser import parse_string

    bib = tmp_path / "papers.bib"
    assert _run("corpus", "export", str(seeds_db), "-f", "bibtex", "-o", str(bib)).exit_code == 0
    library = parse_string(bib.read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    keys = [entry.key for entry in library.entries]
    assert len(keys) == 51 and len(set(keys)) == 51
    titles = [entry["title"] for entry in library.entries]
    assert titles.count("{" + SKYWORK + "}") + titles.count(SKYWORK) == 1


def test_export_through_other_formats(seeds_db: Path) -> None:
    import jsonschema
    import rispy

    from tests.render import DATA

    ris = _run("corpus", "export", str(seeds_db), "-f", "ris")
    assert ris.exit_code == 0 and len(rispy.loads(ris.stdout)) == 51
    csl = json.loads(_run("corpus", "export", str(seeds_db), "-f", "csl-json").stdout)
    schema = json.loads((DATA / "csl-data.json").read_text(encoding="utf-8"))
    jsonschema.validate(csl, schema)
    assert len(csl) == 51
    rows = _run("corpus", "export", str(seeds_db), "-f", "jsonl").stdout.splitlines()
    assert len(rows) == 51
    bad = _run("corpus", "export", str(seeds_db), "-f", "nope")
    assert bad.exit_code == 2 and "unknown format" in bad.output


def test_the_api_exports_too(seeds_db: Path) -> None:
    with Corpus(seeds_db, readonly=True) as c:
        doc = c.document()
        assert len(doc.papers) == 51
        assert c.export("bibtex").count("@misc{") == 51


@pytest.mark.parametrize("content", [b"", b"not a database at all\n", b"SQLite format 3\0junk"])
def test_stats_and_export_on_a_file_that_is_not_a_corpus(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "thing.sqlite"
    path.write_bytes(content)
    for args in (["stats", str(path)], ["export", str(path), "-f", "bibtex"]):
        result = _run("corpus", *args)
        assert result.exit_code == 1
        assert len(result.output.strip().splitlines()) == 1
        assert "not a profileparse corpus" in result.output or "cannot open" in result.output
        assert path.read_bytes() == content


def test_stats_on_another_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    before = _digest(path)
    result = _run("corpus", "stats", str(path))
    assert result.exit_code == 1 and "other tables" in result.output
    assert _digest(path) == before
    with pytest.raises(CorpusError):
        Corpus(path)


def test_stats_on_a_folder_that_is_not_a_corpus(tmp_path: Path) -> None:
    result = _run("corpus", "stats", str(tmp_path))
    assert result.exit_code == 1 and "not a profileparse corpus" in result.output


def test_dumps_with_errors_are_listed_and_fail_the_build(seeds: list[Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text(
        seeds[1].read_text(encoding="utf-8").replace("Oct 30, 2023", "Oct 99, 2023", 1)
    )
    db = tmp_path / "c.sqlite"
    result = _run("corpus", str(seeds[3]), str(broken), "-o", str(db))
    assert result.exit_code == 1
    assert "broken.txt: 1 parse error(s)" in result.stderr
    assert "2 new dump(s) added (1 with parse errors)" in result.stderr
    assert _run("corpus", "stats", str(db)).stdout.splitlines()[1].split()[-1] == "1"


def test_a_different_threshold_for_an_existing_corpus_is_refused(
    seeds: list[Path], seeds_db: Path
) -> None:
    result = _run("corpus", "build", str(seeds[0]), "-o", str(seeds_db), "--threshold", "90")
    assert result.exit_code == 1 and "built with threshold 85" in result.output


def _versions(folder: Path) -> dict[str, tuple[int, str]]:
    """HEAD and every file of every version folder: (mtime, digest)."""
    files = [folder / "HEAD", *folder.glob("v*/*.parquet")]
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, _digest(p)) for p in files}


def test_parquet_is_updated_in_place(seeds: list[Path], tmp_path: Path, seeds_db: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    folder = tmp_path / "parquet"
    assert _run("corpus", *map(str, seeds[:3]), "-o", f"{folder}/").exit_code == EVERY_SEED_EXIT
    assert pq.read_table(folder / "current" / "documents.parquet").num_rows == 3
    assert _run("corpus", *map(str, seeds[3:]), "-o", str(folder)).exit_code == 0
    head = (folder / "HEAD").read_text(encoding="utf-8").strip()
    assert (folder / "current").resolve() == (folder / head).resolve()
    with Corpus(folder, readonly=True) as parquet, Corpus(seeds_db, readonly=True) as sqlite:
        assert parquet.tables() == sqlite.tables()
    with Corpus.from_parquet(folder) as copy, Corpus(seeds_db, readonly=True) as sqlite:
        assert copy.tables() == sqlite.tables()
    stamps = _versions(folder)
    again = _run("corpus", *map(str, seeds), "-o", str(folder))
    assert again.exit_code == EVERY_SEED_EXIT and "0 new dump(s)" in again.stderr
    assert _versions(folder) == stamps  # nothing new: no new version
    stats = _run("corpus", "stats", str(folder))
    assert stats.exit_code == 0 and "papers                   51" in stats.stdout


def test_parquet_keeps_the_current_version_and_the_one_before(
    seeds: list[Path], tmp_path: Path
) -> None:
    pytest.importorskip("pyarrow")
    folder = tmp_path / "parquet"
    for seed in seeds:
        expected = EVERY_SEED_EXIT if seed == seeds[0] else 0  # seed 000 lost a record
        assert _run("corpus", str(seed), "-o", f"{folder}/").exit_code == expected
    versions = sorted(p.name for p in folder.glob("v*"))
    head = (folder / "HEAD").read_text(encoding="utf-8").strip()
    assert len(versions) == 2 and versions[-1] == head
    # The version before is still whole, and reads as a corpus of its own.
    with Corpus(folder / versions[0], readonly=True) as before:
        assert before.stats().documents == len(seeds) - 1


def test_a_first_version_parquet_corpus_is_migrated(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    folder = tmp_path / "v1"
    folder.mkdir()
    db = sqlite3.connect(DATA / "corpus-v1.sqlite")
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        cur = db.execute(f"SELECT * FROM {name}")
        columns = [c[0] for c in cur.description]
        rows = cur.fetchall()
        table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
        pq.write_table(table, folder / f"{name}.parquet")
    with Corpus.from_parquet(folder) as c:
        assert (c.stats().papers, c.stats().linked_abstracts) == (51, 4)


def _target(tmp_path: Path, storage: str) -> str:
    """A new corpus's path: a SQLite file, or a Parquet folder (trailing slash)."""
    if storage == "parquet":
        pytest.importorskip("pyarrow")
        return f"{tmp_path / 'corpus'}/"
    return str(tmp_path / "corpus.sqlite")


@pytest.mark.parametrize("storage", ["sqlite", "parquet"])
def test_a_reader_sees_the_corpus_before_the_write_at_once(
    seeds: list[Path], tmp_path: Path, storage: str
) -> None:
    import time

    path = _target(tmp_path, storage)
    with Corpus(path) as writer:
        writer.add_files(seeds[:2])
        before = writer.tables()
        with writer.writing():
            writer.add_files(seeds[2:])
            assert writer.stats().documents == len(seeds)  # the writer sees its own rows
            start = time.monotonic()
            with Corpus(path, readonly=True) as reader:
                assert reader.tables() == before
            assert time.monotonic() - start < 5  # no waiting for the writer
        with Corpus(path, readonly=True) as reader:
            assert reader.stats().documents == len(seeds)


@pytest.mark.parametrize("storage", ["sqlite", "parquet"])
def test_a_write_that_raises_changes_nothing(
    seeds: list[Path], tmp_path: Path, storage: str
) -> None:
    path = _target(tmp_path, storage)
    with Corpus(path) as corpus:
        corpus.add_files(seeds[:2])
        before = corpus.tables()

        def add_then_fail() -> None:
            with corpus.writing():
                corpus.add_files(seeds[2:])
                raise KeyError("stop")

        with pytest.raises(KeyError):
            add_then_fail()
        assert corpus.tables() == before
        # The writer's index was dropped with the transaction: adding again works.
        assert len(corpus.add_files(seeds[2:]).added) == len(seeds) - 2
    with Corpus(path, readonly=True) as reader, Corpus() as fresh:
        fresh.add_files(seeds)
        assert reader.tables() == fresh.tables()


def test_a_second_writer_waits_and_then_reads_what_the_first_wrote(
    seeds: list[Path], tmp_path: Path
) -> None:
    from profileparse.corpus import CorpusLockedError

    path = tmp_path / "c.sqlite"
    waited: list[bool] = []
    with (
        Corpus(path) as first,
        Corpus(path, wait=0.2, on_wait=lambda: waited.append(True)) as second,
    ):
        with first.writing():
            first.add_files(seeds[:3])
            with pytest.raises(CorpusLockedError, match="another build is still writing"):
                second.add_files(seeds[3:])
        assert waited == [True]
        second.add_files(seeds[2:])  # the first's commit is seen: seed 3 is not new
    with Corpus(path, readonly=True) as reader, Corpus() as fresh:
        fresh.add_files(seeds)
        assert reader.tables() == fresh.tables()


def _integrity(path: Path) -> list[tuple[str]]:
    with sqlite3.connect(path) as db:
        return db.execute("pragma integrity_check").fetchall()


#: A current corpus taken back to version 3: no paths or dates taken, no views, no search.
_BACK_TO_3 = (
    "DROP VIEW paper_authors; DROP VIEW author_papers; DROP VIEW snapshots;"
    "DROP TABLE papers_fts;"
    "ALTER TABLE documents DROP COLUMN path; ALTER TABLE documents DROP COLUMN taken;"
    "PRAGMA user_version = 3;"
)


def _without_places(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The tables but the documents' paths and dates taken (an older corpus has none)."""
    documents = [
        {k: v for k, v in row.items() if k not in ("path", "taken")} for row in tables["documents"]
    ]
    return {**tables, "documents": documents}


def test_a_version_3_corpus_is_migrated(seeds_db: Path, tmp_path: Path) -> None:
    """Paths are the file names (all version 3 kept), dates taken unknown; the views and
    the search table are there, the search table filled."""
    old = tmp_path / "v3.sqlite"
    shutil.copy(seeds_db, old)
    with sqlite3.connect(old, isolation_level=None) as db:
        db.executescript("BEGIN;" + _BACK_TO_3 + "COMMIT;")
    with Corpus(old) as corpus, Corpus(seeds_db, readonly=True) as fresh:
        assert _without_places(corpus.tables()) == _without_places(fresh.tables())
        documents = corpus.tables()["documents"]
        assert [row["path"] for row in documents] == [row["source"] for row in documents]
        assert {row["taken"] for row in documents} == {None}
        found = corpus.db.execute("SELECT COUNT(*) FROM papers_fts").fetchone()
        assert found == corpus.db.execute("SELECT COUNT(*) FROM papers").fetchone()
        (found,) = corpus.search("mixture experts upcycling").papers
        assert found.title is not None and found.title.startswith("Skywork-MoE")
    with sqlite3.connect(old) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        views = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert {"paper_authors", "author_papers", "snapshots"} <= views
    assert _integrity(old) == [("ok",)]


def test_a_version_2_corpus_is_migrated(seeds_db: Path, tmp_path: Path) -> None:
    old = tmp_path / "v2.sqlite"
    shutil.copy(seeds_db, old)
    with sqlite3.connect(old, isolation_level=None) as db:  # authorships as version 2 had it
        db.executescript(
            "BEGIN;"
            + _BACK_TO_3
            + "CREATE TABLE v2 (paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,"
            " author_id INTEGER NOT NULL REFERENCES authors(id), position INTEGER NOT NULL,"
            " PRIMARY KEY (paper_id, position)) WITHOUT ROWID;"
            "INSERT INTO v2 SELECT paper_id, author_id, position FROM authorships;"
            "DROP TABLE authorships; ALTER TABLE v2 RENAME TO authorships;"
            "CREATE INDEX authorships_author ON authorships(author_id);"
            "PRAGMA user_version = 2; COMMIT;"
        )
    before = _digest(old)
    with Corpus(old, readonly=True) as reader, Corpus(seeds_db, readonly=True) as fresh:
        # migrated in memory
        assert _without_places(reader.tables()) == _without_places(fresh.tables())
    assert _digest(old) == before
    with Corpus(old) as corpus, Corpus(seeds_db, readonly=True) as fresh:
        assert _without_places(corpus.tables()) == _without_places(fresh.tables())
    with sqlite3.connect(old) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        columns = [row[1] for row in db.execute("PRAGMA table_info(authorships)")]
    assert columns == ["paper_id", "position", "author_id"]
    assert _integrity(old) == [("ok",)]


def test_a_corpus_at_a_url_reads_dumps_at_urls(seeds: list[Path], seeds_db: Path) -> None:
    """Sources and target through fsspec (its in-memory file system here; s3:// in
    tests/test_scale_out.py): the same tables as a local build, read back by stats and
    export, and a rerun adds nothing."""
    fsspec = pytest.importorskip("fsspec")
    pytest.importorskip("pyarrow")
    fs = fsspec.filesystem("memory")
    for seed in seeds:
        fs.pipe_file(f"/urls/dumps/{seed.name}", seed.read_bytes())
    try:
        built = _run("corpus", "build", "memory://urls/dumps/", "-o", "memory://urls/corpus")
        assert built.exit_code == EVERY_SEED_EXIT, built.output
        at_url = Corpus("memory://urls/corpus", readonly=True)
        with at_url, Corpus(seeds_db, readonly=True) as local:
            tables = at_url.tables()
            assert _without_places(tables) == _without_places(local.tables())
            documents = tables["documents"]  # a URL is its path; no date taken known
            for row in documents:  # (as the listing gives it: memory:///urls/...)
                assert row["path"].startswith("memory://")
                assert row["path"].endswith(f"/urls/dumps/{row['source']}")
            assert {row["taken"] for row in documents} == {None}
        assert sorted(fs.ls("/urls/corpus", detail=False)) == [
            "/urls/corpus/HEAD",
            "/urls/corpus/v00000001",
        ]
        stats = _run("corpus", "stats", "memory://urls/corpus/")
        assert stats.exit_code == 0 and "papers                   51" in stats.stdout
        bib = _run("corpus", "export", "memory://urls/corpus", "-f", "bibtex")
        assert bib.exit_code == 0 and bib.stdout.count("@misc{") == 51
        again = _run("corpus", "build", "memory://urls/dumps/*.txt", "-o", "memory://urls/corpus")
        assert again.exit_code == EVERY_SEED_EXIT and "0 new dump(s)" in again.stderr
        missing = _run("corpus", "build", "memory://urls/none/", "-o", "memory://urls/corpus")
        assert missing.exit_code == 2 and "no .txt dumps" in missing.output
        sqlite_at_url = _run(
            "corpus", "build", str(seeds[0]), "-o", "memory://urls/c.sqlite", "--format", "sqlite"
        )
        assert (
            sqlite_at_url.exit_code == 1
            and "a SQLite corpus is a local file" in sqlite_at_url.output
        )
    finally:
        fs.rm("/urls", recursive=True)


def test_sources_can_be_globs(seeds: list[Path], tmp_path: Path, seeds_db: Path) -> None:
    db = tmp_path / "c.sqlite"
    pattern = str(seeds[0].parent / "*.txt")
    assert _run("corpus", "build", pattern, "-o", str(db)).exit_code == EVERY_SEED_EXIT
    with Corpus(db, readonly=True) as globbed, Corpus(seeds_db, readonly=True) as folder:
        assert globbed.tables() == folder.tables()
    nothing = _run("corpus", "build", str(tmp_path / "*.nope"), "-o", str(db))
    assert nothing.exit_code == 2 and "no file matches" in nothing.output

"""Papers and corpus tables as Arrow tables and pandas DataFrames, and the HTML views
notebooks show (``_repr_html_``)."""

from __future__ import annotations

import csv
import datetime
import io
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import polars
import pyarrow as pa
import pytest

import profileparse
from profileparse import Document, Paper
from profileparse.corpus import Corpus
from profileparse.display import MAX_AUTHORS, MAX_ROWS
from profileparse.frames import PAPER_COLUMNS


def _seed(seeds: list[Path], number: str) -> Path:
    (path,) = (p for p in seeds if p.name.startswith(number))
    return path


@pytest.fixture(scope="module")
def doc001(seeds: list[Path]) -> Document:
    return profileparse.parse_file(_seed(seeds, "001"))


@pytest.fixture(scope="module")
def doc000(seeds: list[Path]) -> Document:
    return profileparse.parse_file(_seed(seeds, "000"))


# -- papers ---------------------------------------------------------------------------


def test_one_document_is_one_row_per_paper_with_lists_and_nullable_integers(
    doc001: Document,
) -> None:
    frame = doc001.to_pandas()
    assert len(frame) == len(doc001.papers) == 10
    assert list(frame.columns) == list(PAPER_COLUMNS)
    assert all(
        isinstance(names, list) and all(isinstance(n, str) for n in names)
        for names in frame["authors"]
    )
    assert [tuple(names) for names in frame["authors"]] == [p.authors for p in doc001.papers]
    for column in ("year", "month", "day", "start_line", "end_line"):
        assert pd.api.types.is_integer_dtype(frame[column]), column
        assert str(frame[column].dtype) == "Int64"
    assert set(frame["profile_name"]) == {doc001.profile.name if doc001.profile else None}
    assert set(frame["source"]) == {doc001.source}


def test_a_yearless_date_keeps_its_month_and_day_and_has_no_full_date(
    doc001: Document,
) -> None:
    frame = doc001.to_pandas()
    yearless = [i for i, p in enumerate(doc001.papers) if p.date and p.date.year is None]
    dated = [i for i, p in enumerate(doc001.papers) if p.date and p.date.year is not None]
    assert yearless and dated  # the seed has both kinds
    for i in yearless:
        date = doc001.papers[i].date
        assert date is not None
        assert pd.isna(frame["year"][i]) and frame["date"][i] is None
        assert (frame["month"][i], frame["day"][i]) == (date.month, date.day)
    for i in dated:
        date = doc001.papers[i].date
        assert date is not None
        assert frame["date"][i] == datetime.date(date.year or 0, date.month, date.day)
        assert frame["year"][i] == date.year


def test_several_documents_are_one_frame_in_their_order(doc001: Document, doc000: Document) -> None:
    frame = profileparse.to_pandas([doc001, doc000])
    assert len(frame) == 25
    assert list(frame["source"]) == [doc001.source] * 10 + [doc000.source] * 15
    assert list(frame["title"]) == [p.title for p in (*doc001.papers, *doc000.papers)]


def test_the_frame_says_what_the_csv_export_says(seeds: list[Path]) -> None:
    """The command line's CSV of every seed and the frame of the same seeds agree, cell
    by cell (the CSV joins authors with '; ' and writes the date as one ISO text)."""
    paths = [str(p) for p in seeds]
    done = subprocess.run(
        [sys.executable, "-m", "profileparse", "parse", *paths, "-f", "csv"],
        capture_output=True,
        text=True,
    )
    written = list(csv.DictReader(io.StringIO(done.stdout)))
    frame = profileparse.to_pandas([profileparse.parse_file(p) for p in paths])
    assert len(written) == len(frame) > 0
    for row, (_, framed) in zip(written, frame.iterrows(), strict=True):
        assert row["title"] == ("" if pd.isna(framed["title"]) else framed["title"])
        assert row["authors"] == "; ".join(framed["authors"])
        if pd.isna(framed["month"]):
            assert row["date"] == ""
        else:
            year = "-" if pd.isna(framed["year"]) else f"{framed['year']:04d}"
            iso = f"{year}-{framed['month']:02d}-{framed['day']:02d}"
            assert row["date"].lstrip("'") == iso
        assert row["start_line"] == str(framed["start_line"])


def test_arrow_types_and_polars_reading_them(doc001: Document) -> None:
    table = doc001.to_arrow()
    assert table.num_rows == 10
    assert table.schema.field("authors").type == pa.list_(pa.string())
    assert table.schema.field("date").type == pa.date32()
    assert table.schema.field("year").type == pa.int64()
    assert profileparse.to_arrow([]).schema == table.schema  # no papers, same columns
    frame = polars.from_arrow(table)
    assert frame.height == 10
    assert frame["authors"].to_list() == [list(p.authors) for p in doc001.papers]


# -- corpus tables ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_file(seeds: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "seeds.sqlite"
    built = subprocess.run(
        [sys.executable, "-m", "profileparse", "corpus", "build", "-o", str(path)]
        + [str(p) for p in seeds],
        capture_output=True,
        text=True,
    )
    assert path.is_file(), built.stderr
    return path


def test_corpus_tables_as_frames_hold_what_sqlite_holds(corpus_file: Path) -> None:
    db = sqlite3.connect(corpus_file)
    with Corpus(corpus_file, readonly=True) as corpus:
        for table in ("documents", "papers", "authors", "authorships", "sightings"):
            cursor = db.execute(f"SELECT * FROM {table}")
            names = [c[0] for c in cursor.description]
            rows = cursor.fetchall()
            frame = corpus.to_pandas(table)
            assert list(frame.columns) == names, table
            assert len(frame) == len(rows) > 0, table
            arrow = corpus.to_arrow(table)
            assert sorted(map(tuple, (r.values() for r in arrow.to_pylist()))) == sorted(rows)
        papers = corpus.to_pandas("papers")
        assert pd.api.types.is_integer_dtype(papers["id"])
        assert len(papers) == corpus.stats().papers
        assert len(corpus.to_pandas("documents")) == 5
        with pytest.raises(ValueError, match=r"no table 'nope'; its tables: .*papers"):
            corpus.to_arrow("nope")
    db.close()


# -- HTML for notebooks -------------------------------------------------------------------


class _Elements(HTMLParser):
    """The start tags and the text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


HOSTILE = "<script>alert('dump')</script>"


def test_script_in_a_dump_arrives_escaped(seeds: list[Path]) -> None:
    text = _seed(seeds, "001").read_text(encoding="utf-8")
    title = "Skywork: A More Open Bilingual Foundation Model"
    assert title in text
    text = text.replace(title, f"{HOSTILE} Skywork", 1).replace(
        "In this technical report", f"{HOSTILE} In this technical report", 1
    )
    doc = profileparse.parse(text)
    assert doc.papers[0].title == f"{HOSTILE} Skywork"
    for html in (doc._repr_html_(), doc.papers[0]._repr_html_()):
        seen = _read(html)
        assert "table" in seen.tags and "details" in seen.tags
        assert "script" not in seen.tags
        assert sum(HOSTILE in piece for piece in seen.text) == 2  # title and abstract


def test_document_view_cuts_rows_and_authors_and_folds_abstracts(seeds: list[Path]) -> None:
    inline = profileparse.parse_file(_seed(seeds, "002"))
    assert len(inline.papers) > MAX_ROWS
    seen = _read(inline._repr_html_())
    assert seen.tags.count("tr") == MAX_ROWS + 1  # the header row and MAX_ROWS papers
    assert f"… and {len(inline.papers) - MAX_ROWS} more" in seen.text
    many = [f"Author {i}" for i in range(MAX_AUTHORS + 3)]
    doc = Document(papers=[Paper(title="T", authors=many, abstract="A long abstract.")])
    shown = "".join(_read(doc._repr_html_()).text)
    assert f"Author {MAX_AUTHORS - 1}" in shown and f"Author {MAX_AUTHORS}" not in shown
    assert "(+3 more)" in shown
    assert "<details><summary>abstract</summary>A long abstract.</details>" in doc._repr_html_()
    assert "more</p>" not in doc._repr_html_()


def test_corpus_view_counts_and_lists_its_papers(corpus_file: Path) -> None:
    with Corpus(corpus_file, readonly=True) as corpus:
        html = corpus._repr_html_()
        stats = corpus.stats()
        first = next(corpus.papers())
    seen = _read(html)
    assert "table" in seen.tags
    text = "".join(seen.text)
    assert f"papers {stats.papers}" in text and f"documents {stats.documents}" in text
    assert first.title is not None and first.title in text
    assert f"… and {stats.papers - MAX_ROWS} more" in text

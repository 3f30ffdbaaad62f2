"""Many dumps into one deduplicated, queryable dataset (SQLite; Parquet as an extra).

Tables (see docs/corpus.md for the full schema and example queries):

- ``documents``: one row per dump added (its content hash makes adding it twice a no-op);
- ``profiles``: each dump's owner, from its header or inferred for header-less dumps;
- ``papers``: one row per real paper, however many dumps show it;
- ``authors`` and ``authorships``: who wrote which paper, in order;
- ``sightings``: every record of every dump (which dump, which lines), linked to its
  paper; abstract-only records are linked by abstract similarity, with the score.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from attrs import frozen

from profileparse.model import Document, Paper

__all__ = ["DEFAULT_THRESHOLD", "SCHEMA", "Corpus", "CorpusStats", "normalise_title"]

#: Minimum abstract similarity (0-100, rapidfuzz ratio) to link an abstract-only record
#: or to merge two near-identical titles.
DEFAULT_THRESHOLD = 85.0
#: Minimum title similarity for two different titles to be the same paper (their
#: abstracts must then also match).
TITLE_THRESHOLD = 92.0

SCHEMA = """
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    source TEXT,
    layout TEXT,
    sha256 TEXT NOT NULL UNIQUE,
    papers INTEGER NOT NULL,
    errors INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS profiles (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
    name TEXT,
    category TEXT,
    h_index INTEGER,
    paper_count INTEGER,
    citations INTEGER,
    novelty INTEGER,
    ai_score INTEGER,
    listed_papers INTEGER,
    inferred INTEGER NOT NULL DEFAULT 0,
    confidence REAL NOT NULL DEFAULT 1.0
);
CREATE TABLE IF NOT EXISTS papers (
    id INTEGER PRIMARY KEY,
    title TEXT,
    title_key TEXT UNIQUE,
    abstract TEXT,
    category TEXT,
    date TEXT,
    has_code INTEGER NOT NULL DEFAULT 0,
    et_al INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS authors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS authorships (
    paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES authors(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (paper_id, position)
);
CREATE TABLE IF NOT EXISTS sightings (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    paper_id INTEGER REFERENCES papers(id),
    start_line INTEGER,
    end_line INTEGER,
    title TEXT,
    abstract TEXT,
    score REAL,
    affiliation TEXT,
    link TEXT NOT NULL,
    similarity REAL
);
CREATE INDEX IF NOT EXISTS sightings_paper ON sightings(paper_id);
CREATE INDEX IF NOT EXISTS sightings_document ON sightings(document_id);
CREATE INDEX IF NOT EXISTS authorships_author ON authorships(author_id);
"""

_NOT_WORD = re.compile(r"[\W_]+")


def normalise_title(title: str) -> str:
    """A key under which the same title written slightly differently compares equal:
    Unicode-normalised, case-folded, punctuation and spacing removed."""
    text = unicodedata.normalize("NFKC", title).casefold()
    return _NOT_WORD.sub(" ", text).strip()


def _normalise_abstract(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@frozen
class CorpusStats:
    """Counts for ``profileparse corpus stats``."""

    documents: int
    profiles: int
    inferred_owners: int
    papers: int
    sightings: int
    abstract_only: int
    linked_abstracts: int
    unlinked_abstracts: int
    authors: int


class Corpus:
    """A corpus in a SQLite database (``":memory:"`` for a throwaway one).

    ``add(document)`` is idempotent: a document whose text was added before (same
    content hash) changes nothing. Abstract-only records are linked to titled papers by
    abstract similarity (``threshold``, 0-100); links are revisited whenever dumps are
    added, so an abstract seen before its paper is linked once the paper arrives.
    """

    def __init__(
        self, path: str | os.PathLike[str] = ":memory:", *, threshold: float = DEFAULT_THRESHOLD
    ) -> None:
        if not 0 <= threshold <= 100:
            raise ValueError(f"threshold must be between 0 and 100, got {threshold}")
        self.path = os.fspath(path)
        self.threshold = threshold
        self.db = sqlite3.connect(self.path)
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- adding -------------------------------------------------------------------

    def add_files(self, paths: Iterable[str | os.PathLike[str]]) -> list[str]:
        """Add every dump in these files (a file may hold several); returns the sources
        that were new."""
        from profileparse.parsing import _parse_parts, decode

        added = []
        for path in paths:
            text, found = decode(Path(path).read_bytes())
            source = os.path.basename(os.fspath(path))
            for index, document in enumerate(_parse_parts(text, None, source, False, None, found)):
                key = f"{_sha256(text)}:{index}"
                if self.add(document, key=key):
                    added.append(source)
        return added

    def add(self, document: Document, *, key: str | None = None) -> bool:
        """Add one parsed dump; False when it was already in the corpus."""
        from profileparse.serialize import to_data

        digest = key or _sha256(repr(to_data(document)))
        if self.db.execute("SELECT 1 FROM documents WHERE sha256 = ?", (digest,)).fetchone():
            return False
        with self.db:
            cur = self.db.execute(
                "INSERT INTO documents (source, layout, sha256, papers, errors) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    document.source,
                    document.layout,
                    digest,
                    len(document.papers),
                    len(document.errors),
                ),
            )
            document_id = cur.lastrowid
            assert document_id is not None
            self._add_owner(document_id, document)
            for paper in document.papers:
                self._add_sighting(document_id, paper)
            self._link_abstracts()
        return True

    def _add_owner(self, document_id: int, document: Document) -> None:
        profile = document.profile
        if profile is not None:
            self.db.execute(
                "INSERT INTO profiles (document_id, name, category, h_index, paper_count, "
                "citations, novelty, ai_score, listed_papers, inferred, confidence) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1.0)",
                (
                    document_id,
                    profile.name,
                    profile.category,
                    profile.h_index,
                    profile.paper_count,
                    profile.citations,
                    profile.novelty,
                    profile.ai_score,
                    profile.listed_papers,
                ),
            )
            return
        owner = infer_owner(document.papers)
        if owner is not None:
            name, confidence = owner
            self.db.execute(
                "INSERT INTO profiles (document_id, name, inferred, confidence) "
                "VALUES (?, ?, 1, ?)",
                (document_id, name, confidence),
            )

    def _add_sighting(self, document_id: int, paper: Paper) -> None:
        paper_id, link, similarity = None, "abstract-only", None
        if paper.title:
            paper_id, link, similarity = self._paper_for(paper)
        span = paper.span
        self.db.execute(
            "INSERT INTO sightings (document_id, paper_id, start_line, end_line, title, "
            "abstract, score, affiliation, link, similarity) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                document_id,
                paper_id,
                span.start_line if span else None,
                span.end_line if span else None,
                paper.title,
                paper.abstract,
                paper.score,
                paper.affiliation,
                link,
                similarity,
            ),
        )

    def _paper_for(self, paper: Paper) -> tuple[int, str, float | None]:
        """The paper a titled record is a sighting of, creating it when it is new."""
        assert paper.title is not None
        key = normalise_title(paper.title)
        row = self.db.execute("SELECT id FROM papers WHERE title_key = ?", (key,)).fetchone()
        if row is not None:
            self._complete(row[0], paper)
            return row[0], "title", None
        near = self._near_title(paper)
        if near is not None:
            paper_id, similarity = near
            self._complete(paper_id, paper)
            return paper_id, "similar-title", similarity
        cur = self.db.execute(
            "INSERT INTO papers (title, title_key, abstract, category, date, has_code, et_al) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                paper.title,
                key,
                paper.abstract,
                paper.category,
                paper.date.isoformat() if paper.date else None,
                int(paper.has_code),
                int(paper.et_al),
            ),
        )
        new_id = cur.lastrowid
        assert new_id is not None
        for position, name in enumerate(paper.authors):
            self.db.execute("INSERT OR IGNORE INTO authors (name) VALUES (?)", (name,))
            (author_id,) = self.db.execute(
                "SELECT id FROM authors WHERE name = ?", (name,)
            ).fetchone()
            self.db.execute(
                "INSERT INTO authorships (paper_id, author_id, position) VALUES (?, ?, ?)",
                (new_id, author_id, position),
            )
        return new_id, "new", None

    def _near_title(self, paper: Paper) -> tuple[int, float] | None:
        """A paper whose title is nearly the same and whose abstract agrees."""
        from rapidfuzz import fuzz, process

        assert paper.title is not None
        rows = self.db.execute("SELECT id, title_key, abstract FROM papers").fetchall()
        if not rows or not paper.abstract:
            return None
        key = normalise_title(paper.title)
        for _, score, index in process.extract(
            key, [r[1] for r in rows], scorer=fuzz.ratio, score_cutoff=TITLE_THRESHOLD, limit=5
        ):
            paper_id, _, abstract = rows[index]
            if (
                abstract
                and fuzz.ratio(_normalise_abstract(abstract), _normalise_abstract(paper.abstract))
                >= self.threshold
            ):
                return paper_id, float(score)
        return None

    def _complete(self, paper_id: int, paper: Paper) -> None:
        """Fill fields an earlier sighting lacked (a later dump may show more)."""
        self.db.execute(
            "UPDATE papers SET abstract = COALESCE(abstract, ?), "
            "category = COALESCE(category, ?), has_code = MAX(has_code, ?) WHERE id = ?",
            (paper.abstract, paper.category, int(paper.has_code), paper_id),
        )
        if paper.date is not None and paper.date.year is not None:
            self.db.execute(
                "UPDATE papers SET date = ? WHERE id = ? AND (date IS NULL OR date LIKE '--%')",
                (paper.date.isoformat(), paper_id),
            )

    def _link_abstracts(self) -> None:
        """Link every abstract-only sighting to the titled paper with the most similar
        abstract, when that similarity reaches the threshold."""
        from rapidfuzz import fuzz, process

        pending = self.db.execute(
            "SELECT id, abstract FROM sightings "
            "WHERE link = 'abstract-only' AND abstract IS NOT NULL"
        ).fetchall()
        if not pending:
            return
        papers = self.db.execute(
            "SELECT id, abstract FROM papers WHERE abstract IS NOT NULL ORDER BY id"
        ).fetchall()
        choices = [_normalise_abstract(a) for _, a in papers]
        for sighting_id, abstract in pending:
            best = process.extractOne(
                _normalise_abstract(abstract),
                choices,
                scorer=fuzz.ratio,
                score_cutoff=self.threshold,
            )
            if best is not None:
                _, score, index = best
                self.db.execute(
                    "UPDATE sightings SET paper_id = ?, link = 'abstract', similarity = ? "
                    "WHERE id = ?",
                    (papers[index][0], round(float(score), 2), sighting_id),
                )

    # -- reading ------------------------------------------------------------------

    def stats(self) -> CorpusStats:
        def one(sql: str) -> int:
            value: int = self.db.execute(sql).fetchone()[0]
            return value

        abstract_only = one("SELECT COUNT(*) FROM sightings WHERE title IS NULL")
        linked = one("SELECT COUNT(*) FROM sightings WHERE link = 'abstract'")
        return CorpusStats(
            documents=one("SELECT COUNT(*) FROM documents"),
            profiles=one("SELECT COUNT(*) FROM profiles WHERE inferred = 0"),
            inferred_owners=one("SELECT COUNT(*) FROM profiles WHERE inferred = 1"),
            papers=one("SELECT COUNT(*) FROM papers"),
            sightings=one("SELECT COUNT(*) FROM sightings"),
            abstract_only=abstract_only,
            linked_abstracts=linked,
            unlinked_abstracts=abstract_only - linked,
            authors=one("SELECT COUNT(*) FROM authors"),
        )

    def unlinked(self) -> list[tuple[str | None, int | None, str]]:
        """Abstract-only records that matched no paper: (source, line, abstract start)."""
        rows = self.db.execute(
            "SELECT d.source, s.start_line, s.abstract FROM sightings s "
            "JOIN documents d ON d.id = s.document_id "
            "WHERE s.link = 'abstract-only' ORDER BY d.id, s.start_line"
        ).fetchall()
        return [(source, line, (abstract or "")[:80]) for source, line, abstract in rows]

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every table as a list of row dicts (for exports)."""
        out = {}
        for (name,) in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall():
            cur = self.db.execute(f"SELECT * FROM {name} ORDER BY rowid")
            columns = [c[0] for c in cur.description]
            out[name] = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
        return out

    def to_parquet(self, folder: str | os.PathLike[str]) -> list[Path]:
        """Write each table as ``<table>.parquet`` (needs the ``parquet`` extra)."""
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise RuntimeError(
                "Parquet output needs pyarrow: pip install 'profileparse[parquet]'"
            ) from None
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        written = []
        for name, rows in self.tables().items():
            columns = [c[1] for c in self.db.execute(f"PRAGMA table_info({name})")]
            table = pa.table({c: [row[c] for row in rows] for c in columns})
            path = target / f"{name}.parquet"
            pq.write_table(table, path)
            written.append(path)
        return written


def infer_owner(papers: Iterable[Paper]) -> tuple[str, float] | None:
    """The author shown on most of a header-less dump's papers, and the share of papers
    they are on (a dump of someone's profile lists their papers)."""
    papers = list(papers)
    counts: Counter[str] = Counter()
    for paper in papers:
        counts.update(set(paper.authors))
    if not counts:
        return None
    (name, count), *rest = [*counts.most_common(2), ("", 0)]
    runner_up = rest[0][1]
    if count < 2 or count == runner_up:
        return None
    return name, round(count / len(papers), 3)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

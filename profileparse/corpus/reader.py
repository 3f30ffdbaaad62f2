"""Reading a corpus's tables back: counts, unlinked records, merged papers, rows.

Each function reads inside one read transaction, so it sees one committed state of the
corpus even while another process writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from attrs import frozen

from profileparse.corpus import schema
from profileparse.model import Paper, PaperDate

__all__ = [
    "CorpusStats",
    "Snapshot",
    "history",
    "papers",
    "snapshot",
    "stats",
    "tables",
    "unlinked",
]


@frozen
class CorpusStats:
    """Counts for ``profileparse corpus stats``."""

    documents: int
    documents_with_errors: int
    profiles: int
    inferred_owners: int
    papers: int
    sightings: int
    abstract_only: int
    linked_abstracts: int
    unlinked_abstracts: int
    authors: int


@contextmanager
def snapshot(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One committed state of ``db`` for the reads inside (a read transaction, unless
    the caller already holds a transaction)."""
    if db.in_transaction:
        yield db
        return
    db.execute("BEGIN")
    try:
        yield db
    finally:
        if db.in_transaction:
            db.execute("COMMIT")


def stats(db: sqlite3.Connection) -> CorpusStats:
    with snapshot(db):

        def one(sql: str) -> int:
            value: int = db.execute(sql).fetchone()[0]
            return value

        abstract_only = one("SELECT COUNT(*) FROM sightings WHERE title_key IS NULL")
        linked = one("SELECT COUNT(*) FROM sightings WHERE link = 'abstract'")
        return CorpusStats(
            documents=one("SELECT COUNT(*) FROM documents"),
            documents_with_errors=one("SELECT COUNT(*) FROM documents WHERE errors > 0"),
            profiles=one("SELECT COUNT(*) FROM profiles WHERE inferred = 0"),
            inferred_owners=one("SELECT COUNT(*) FROM profiles WHERE inferred = 1"),
            papers=one("SELECT COUNT(*) FROM papers"),
            sightings=one("SELECT COUNT(*) FROM sightings"),
            abstract_only=abstract_only,
            linked_abstracts=linked,
            unlinked_abstracts=abstract_only - linked,
            authors=one("SELECT COUNT(*) FROM authors"),
        )


def unlinked(db: sqlite3.Connection) -> list[tuple[str | None, int | None, str]]:
    """Abstract-only records that matched no paper: (source, line, abstract start)."""
    with snapshot(db):
        rows = db.execute(
            "SELECT d.source, s.start_line, s.abstract FROM sightings s "
            "JOIN documents d ON d.id = s.document_id "
            "WHERE s.link = 'abstract-only' ORDER BY d.source, d.key, s.position"
        ).fetchall()
    return [(source, line, (abstract or "")[:80]) for source, line, abstract in rows]


def papers(db: sqlite3.Connection, ids: list[int] | None = None) -> list[Paper]:
    """Every paper once, sorted by title (see ``Corpus.papers``); or the papers ``ids``
    names, in that order."""
    chosen = ""
    params: tuple[str, ...] = ()
    if ids is not None:
        chosen = " WHERE {id} IN (SELECT value FROM json_each(?))"
        params = (json.dumps(ids),)
    with snapshot(db):
        authors: dict[int, list[str]] = {}
        for paper_id, name in db.execute(
            "SELECT a.paper_id, au.name FROM authorships a JOIN authors au ON au.id = a.author_id"
            + chosen.format(id="a.paper_id")
            + " ORDER BY a.paper_id, a.position",
            params,
        ):
            authors.setdefault(paper_id, []).append(name)
        rows = db.execute(
            "SELECT id, title, abstract, category, date, has_code, et_al FROM papers"
            + chosen.format(id="id")
            + " ORDER BY title_key, id",
            params,
        ).fetchall()
    if ids is not None:
        place = {paper_id: n for n, paper_id in enumerate(ids)}
        rows.sort(key=lambda row: place[row[0]])
    return [
        Paper(
            title=title,
            authors=tuple(authors.get(paper_id, ())),
            et_al=bool(et_al),
            category=category,
            date=PaperDate.fromisoformat(date) if date else None,
            has_code=bool(has_code),
            abstract=abstract,
        )
        for paper_id, title, abstract, category, date, has_code, et_al in rows
    ]


@frozen
class Snapshot:
    """One dump of a researcher's profile: when it was taken (an ISO date or date-time,
    None when unknown), where it lives and what its header said."""

    document_id: int
    name: str
    taken: str | None
    path: str | None
    source: str | None
    h_index: int | None
    paper_count: int | None
    listed_papers: int | None
    citations: int | None
    novelty: int | None
    ai_score: int | None
    #: The records the dump holds (its header's paper count may differ).
    records: int

    @property
    def taken_on(self) -> str | None:
        """The day it was taken, ``YYYY-MM-DD``."""
        return self.taken[:10] if self.taken else None


def history(db: sqlite3.Connection, name: str) -> list[Snapshot]:
    """The dumps whose profile is ``name`` (case-insensitive), oldest first (those with
    no date taken last), then by path."""
    with snapshot(db):
        rows = db.execute(
            "SELECT document_id, name, taken, path, source, h_index, paper_count, "
            "listed_papers, citations, novelty, ai_score, records FROM snapshots "
            "WHERE name = ? COLLATE NOCASE ORDER BY taken IS NULL, taken, path, document_id",
            (name.strip(),),
        ).fetchall()
    return [Snapshot(*row) for row in rows]


def tables(db: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    """Every table as a list of row dicts by column name, rows in primary-key order."""
    out = {}
    with snapshot(db):
        for name in schema.TABLES:
            cur = db.execute(f"SELECT * FROM {name} ORDER BY {', '.join(schema.KEYS[name])}")
            names = [c[0] for c in cur.description]
            out[name] = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    return out

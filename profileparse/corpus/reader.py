"""Reading a corpus's tables back: counts, unlinked records, merged papers, rows.

Each function reads inside one read transaction, so it sees one committed state of the
corpus even while another process writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from attrs import frozen

from profileparse.corpus import schema
from profileparse.model import Paper, PaperDate

__all__ = ["CorpusStats", "papers", "snapshot", "stats", "tables", "unlinked"]


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


def papers(db: sqlite3.Connection) -> list[Paper]:
    """Every paper once, sorted by title (see ``Corpus.papers``)."""
    with snapshot(db):
        authors: dict[int, list[str]] = {}
        for paper_id, name in db.execute(
            "SELECT a.paper_id, au.name FROM authorships a JOIN authors au ON au.id = a.author_id "
            "ORDER BY a.paper_id, a.position"
        ):
            authors.setdefault(paper_id, []).append(name)
        rows = db.execute(
            "SELECT id, title, abstract, category, date, has_code, et_al FROM papers "
            "ORDER BY title_key, id"
        ).fetchall()
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


def tables(db: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    """Every table as a list of row dicts by column name, rows in primary-key order."""
    out = {}
    with snapshot(db):
        for name in schema.TABLES:
            cur = db.execute(f"SELECT * FROM {name} ORDER BY {', '.join(schema.KEYS[name])}")
            names = [c[0] for c in cur.description]
            out[name] = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    return out

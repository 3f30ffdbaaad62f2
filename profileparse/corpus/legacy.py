"""Reading a first-version corpus (schema 1) back as dumps, so it can be matched again
under the current rules.

Schema 1 kept each titled record's title, abstract, score and affiliation, but its
authors, date, category and Code flag only once per paper; a migrated record takes
those from its paper. Document keys are kept, so adding the same files again after the
migration is still a no-op.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from profileparse.model import Document, Paper, PaperDate, Profile, Span

__all__ = ["LEGACY_SCHEMA", "LEGACY_TABLES", "LegacyDump", "read_v1"]

#: A dump read back: the document, its key in the corpus and its error count.
LegacyDump = tuple[Document, str, int]

#: Children first, so foreign keys never point at a dropped table.
LEGACY_TABLES = ("sightings", "authorships", "authors", "papers", "profiles", "documents")

LEGACY_SCHEMA = """
CREATE TABLE documents (id INTEGER PRIMARY KEY, source TEXT, layout TEXT,
    sha256 TEXT NOT NULL UNIQUE, papers INTEGER NOT NULL, errors INTEGER NOT NULL);
CREATE TABLE profiles (id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL UNIQUE,
    name TEXT, category TEXT, h_index INTEGER, paper_count INTEGER, citations INTEGER,
    novelty INTEGER, ai_score INTEGER, listed_papers INTEGER,
    inferred INTEGER NOT NULL DEFAULT 0, confidence REAL NOT NULL DEFAULT 1.0);
CREATE TABLE papers (id INTEGER PRIMARY KEY, title TEXT, title_key TEXT UNIQUE,
    abstract TEXT, category TEXT, date TEXT, has_code INTEGER NOT NULL DEFAULT 0,
    et_al INTEGER NOT NULL DEFAULT 0);
CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE authorships (paper_id INTEGER NOT NULL, author_id INTEGER NOT NULL,
    position INTEGER NOT NULL, PRIMARY KEY (paper_id, position));
CREATE TABLE sightings (id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL,
    paper_id INTEGER, start_line INTEGER, end_line INTEGER, title TEXT, abstract TEXT,
    score REAL, affiliation TEXT, link TEXT NOT NULL, similarity REAL);
"""


def read_v1(db: sqlite3.Connection) -> list[LegacyDump]:
    """Every dump in a schema-1 corpus: the document, its key and its error count."""
    authors: dict[int, list[str]] = {}
    for paper_id, name in db.execute(
        "SELECT a.paper_id, au.name FROM authorships a JOIN authors au ON au.id = a.author_id "
        "ORDER BY a.paper_id, a.position"
    ):
        authors.setdefault(paper_id, []).append(name)
    papers = {
        row[0]: row for row in db.execute("SELECT id, category, date, has_code, et_al FROM papers")
    }
    records: dict[int, list[Paper]] = {}
    for document_id, paper_id, start, end, title, abstract, score, affiliation in db.execute(
        "SELECT document_id, paper_id, start_line, end_line, title, abstract, score, "
        "affiliation FROM sightings ORDER BY id"
    ):
        fields: dict[str, Any] = {}
        if title and paper_id in papers:
            _, category, date, has_code, et_al = papers[paper_id]
            fields = {
                "authors": authors.get(paper_id, ()),
                "et_al": bool(et_al),
                "category": category,
                "date": PaperDate.fromisoformat(date) if date else None,
                "has_code": bool(has_code),
            }
        records.setdefault(document_id, []).append(
            Paper(
                title=title,
                abstract=abstract,
                score=score,
                affiliation=affiliation,
                span=Span(start, end) if start is not None and end is not None else None,
                **fields,
            )
        )
    profiles = {
        row[0]: Profile(*row[1:])
        for row in db.execute(
            "SELECT document_id, name, category, h_index, paper_count, citations, novelty, "
            "ai_score, listed_papers FROM profiles WHERE inferred = 0"
        )
    }
    return [
        (
            Document(
                source=source,
                layout=layout,
                profile=profiles.get(document_id),
                papers=records.get(document_id, ()),
            ),
            key,
            errors,
        )
        for document_id, source, layout, key, errors in db.execute(
            "SELECT id, source, layout, sha256, errors FROM documents ORDER BY id"
        )
    ]

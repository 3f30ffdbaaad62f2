"""The corpus's SQLite schema, its version, and opening a file as a corpus.

The schema version is stored in ``PRAGMA user_version``. Version 1 (profileparse 0.1's
first corpus, ``user_version`` 0) is migrated when such a file is opened: its records
are read back and matched again under the current rules (see ``migrate.py``).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from profileparse.errors import CorpusError

__all__ = ["SCHEMA", "SCHEMA_VERSION", "TABLES", "connect", "schema_version"]

SCHEMA_VERSION = 2

#: Row ids are derived from content (see keys.stable_id), so the same dumps make the
#: same tables whatever order they were added in.
SCHEMA = """
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    source TEXT,
    layout TEXT,
    key TEXT NOT NULL UNIQUE,
    papers INTEGER NOT NULL,
    errors INTEGER NOT NULL
);
CREATE TABLE profiles (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
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
CREATE TABLE papers (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    abstract TEXT,
    category TEXT,
    date TEXT,
    has_code INTEGER NOT NULL DEFAULT 0,
    et_al INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE authorships (
    paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES authors(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (paper_id, position)
) WITHOUT ROWID;
CREATE TABLE sightings (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    paper_id INTEGER REFERENCES papers(id),
    start_line INTEGER,
    end_line INTEGER,
    title TEXT,
    title_key TEXT,
    authors TEXT NOT NULL,
    et_al INTEGER NOT NULL,
    date TEXT,
    category TEXT,
    has_code INTEGER NOT NULL,
    score REAL,
    affiliation TEXT,
    abstract TEXT,
    link TEXT NOT NULL,
    similarity REAL,
    inferred INTEGER NOT NULL DEFAULT 0,
    repaired INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX papers_title_key ON papers(title_key);
CREATE INDEX sightings_paper ON sightings(paper_id);
CREATE INDEX sightings_document ON sightings(document_id);
CREATE INDEX authorships_author ON authorships(author_id);
"""

TABLES = ("settings", "documents", "profiles", "papers", "authors", "authorships", "sightings")


def schema_version(db: sqlite3.Connection) -> int:
    """The version of the corpus in ``db``: 0 for an empty database, 1 for a first-version
    corpus; raises :class:`CorpusError` when ``db`` holds something else."""
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        (version,) = db.execute("PRAGMA user_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise CorpusError(f"not a profileparse corpus ({exc})") from None
    if not tables:
        return 0
    if version == 0 and {"documents", "papers", "sightings"} <= tables:
        return 1
    if version == SCHEMA_VERSION and set(TABLES) <= tables:
        return SCHEMA_VERSION
    if version > SCHEMA_VERSION:
        raise CorpusError(
            f"this corpus has schema version {version}, newer than this profileparse "
            f"understands ({SCHEMA_VERSION}); upgrade profileparse"
        )
    raise CorpusError("not a profileparse corpus (the database holds other tables)")


def connect(path: str | os.PathLike[str], *, readonly: bool) -> sqlite3.Connection:
    """Open ``path`` in autocommit mode (the corpus runs its own transactions). Read-only
    opening never creates or writes the file."""
    name = os.fspath(path)
    try:
        if name == ":memory:":
            db = sqlite3.connect(name, isolation_level=None)
        elif readonly:
            if not Path(name).is_file():
                raise CorpusError("no such corpus file")
            uri = Path(name).resolve().as_uri() + "?mode=ro"
            db = sqlite3.connect(uri, uri=True, isolation_level=None)
        else:
            db = sqlite3.connect(name, isolation_level=None)
        db.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as exc:
        raise CorpusError(f"cannot open the corpus ({exc})") from None
    return db

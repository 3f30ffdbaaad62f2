"""The corpus's tables: their SQL, the schema version, and what version a database is.

The schema version is stored in ``PRAGMA user_version``; ``migrations.py`` brings an
older corpus up to :data:`SCHEMA_VERSION`.
"""

from __future__ import annotations

import functools
import sqlite3

from profileparse.errors import CorpusError

__all__ = ["KEYS", "SCHEMA", "SCHEMA_VERSION", "TABLES", "columns", "create", "schema_version"]

SCHEMA_VERSION = 3

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
    position INTEGER NOT NULL,
    author_id INTEGER NOT NULL REFERENCES authors(id),
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

#: Each table's primary key: the order rows are read and written in.
KEYS = {
    "settings": ("name",),
    "documents": ("id",),
    "profiles": ("document_id",),
    "papers": ("id",),
    "authors": ("id",),
    "authorships": ("paper_id", "position"),
    "sightings": ("id",),
}

#: The oldest version :func:`schema_version` tells apart (1: the first corpus, whose
#: ``user_version`` was 0).
FIRST_VERSION = 1


#: What SQLite says of a file that is no database, or a damaged one.
_NOT_A_DATABASE = ("SQLITE_NOTADB", "SQLITE_CORRUPT")


def create(db: sqlite3.Connection) -> None:
    """Create the current schema's tables in an empty database (inside the caller's
    transaction) and stamp its version."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def columns(db: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """A table's columns in ``db``: (name, declared type) in table order."""
    return [(row[1], row[2]) for row in db.execute(f"PRAGMA table_info({table})")]


@functools.cache
def declared_columns() -> dict[str, list[tuple[str, str]]]:
    """Each table's columns as the current schema declares them: (name, SQL type)."""
    db = sqlite3.connect(":memory:")
    create(db)
    out = {name: columns(db, name) for name in TABLES}
    db.close()
    return out


def schema_version(db: sqlite3.Connection) -> int:
    """The version of the corpus in ``db``: 0 for an empty database, 1 for a first-version
    corpus; raises :class:`CorpusError` when ``db`` holds something else or a version
    newer than this profileparse knows."""
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        (version,) = db.execute("PRAGMA user_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "SQLITE_NOTADB") not in _NOT_A_DATABASE:
            raise  # the file could not be read: the caller says why
        raise CorpusError(f"not a profileparse corpus ({exc})") from None
    if not tables:
        return 0
    if version == 0 and {"documents", "papers", "sightings"} <= tables:
        return FIRST_VERSION
    if version > SCHEMA_VERSION:
        raise CorpusError(
            f"this corpus has schema version {version}, newer than this profileparse "
            f"understands ({SCHEMA_VERSION}); upgrade profileparse"
        )
    if version > FIRST_VERSION and set(TABLES) <= tables:
        return int(version)
    raise CorpusError("not a profileparse corpus (the database holds other tables)")

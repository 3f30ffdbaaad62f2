"""The corpus's tables: their SQL, the schema version, and what version a database is.

The schema version is stored in ``PRAGMA user_version``; ``migrations.py`` brings an
older corpus up to :data:`SCHEMA_VERSION`.
"""

from __future__ import annotations

import functools
import sqlite3

from profileparse.corpus.search import FTS_SCHEMA
from profileparse.errors import CorpusError

__all__ = [
    "KEYS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "TABLES",
    "VIEWS",
    "columns",
    "create",
    "create_views",
    "schema_version",
]

SCHEMA_VERSION = 4

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
    errors INTEGER NOT NULL,
    path TEXT,
    taken TEXT
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

#: Views for reading the corpus without its joins (see docs/corpus.md for queries).
#: ``paper_authors``: each paper with its authors in order, one readable row;
#: ``author_papers``: every author's papers, one row per dump that shows the paper (a
#: profile's owner is an author of each paper on it, however short its author list:
#: ``author_position`` is then NULL);
#: ``snapshots``: each dump with its owner, when it was taken and its header's metrics.
VIEWS = """
CREATE VIEW paper_authors AS
SELECT p.id AS paper_id, p.title, p.date, p.category,
    (SELECT group_concat(name, ', ') FROM (
        SELECT au.name FROM authorships a JOIN authors au ON au.id = a.author_id
        WHERE a.paper_id = p.id ORDER BY a.position)) AS authors,
    (SELECT COUNT(*) FROM authorships a WHERE a.paper_id = p.id) AS author_count,
    p.et_al, p.has_code,
    (SELECT COUNT(*) FROM sightings s WHERE s.paper_id = p.id) AS sightings,
    p.abstract
FROM papers p;
CREATE VIEW author_papers AS
SELECT au.name AS author, a.position + 1 AS author_position, p.id AS paper_id, p.title,
    p.date, d.id AS document_id, pr.name AS profile, d.source, d.path, d.taken
FROM authors au
JOIN authorships a ON a.author_id = au.id
JOIN papers p ON p.id = a.paper_id
JOIN sightings s ON s.paper_id = p.id
JOIN documents d ON d.id = s.document_id
LEFT JOIN profiles pr ON pr.document_id = d.id
UNION ALL
SELECT pr.name, NULL, p.id, p.title, p.date, d.id, pr.name, d.source, d.path, d.taken
FROM profiles pr
JOIN documents d ON d.id = pr.document_id
JOIN sightings s ON s.document_id = d.id
JOIN papers p ON p.id = s.paper_id
WHERE pr.inferred = 0 AND NOT EXISTS (
    SELECT 1 FROM authorships a JOIN authors au ON au.id = a.author_id
    WHERE a.paper_id = p.id AND au.name = pr.name);
CREATE VIEW snapshots AS
SELECT d.id AS document_id, pr.name, substr(d.taken, 1, 10) AS taken_on, d.taken, d.path,
    d.source, pr.h_index, pr.paper_count, pr.listed_papers, pr.citations, pr.novelty,
    pr.ai_score, d.papers AS records, d.errors, pr.inferred
FROM documents d LEFT JOIN profiles pr ON pr.document_id = d.id;
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
    """Create the current schema's tables, views and search table in an empty database
    (inside the caller's transaction) and stamp its version."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    create_views(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def create_views(db: sqlite3.Connection) -> None:
    """Create the views and the (empty) full-text search table."""
    for statement in VIEWS.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute(FTS_SCHEMA)


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

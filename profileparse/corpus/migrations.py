"""Numbered migrations: every older corpus is brought to the current schema here, and
only here, inside the caller's write transaction.

Each step ``N`` takes a corpus at version ``N`` to ``N + 1`` with SQL alone. The first
version is the exception: it kept too little per record to convert in place, so its
dumps are read back (``legacy.read_v1``) and handed to the caller to add again under
the current rules.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from profileparse.corpus import schema, search
from profileparse.corpus.legacy import LEGACY_TABLES, LegacyDump, read_v1

__all__ = ["STEPS", "upgrade"]


def _authorships_key_first(db: sqlite3.Connection) -> None:
    """2 -> 3: ``authorships`` with its key's columns side by side, (paper_id, position,
    author_id). SQLite 3.40's ``pragma integrity_check`` wrongly reports NULLs in a
    WITHOUT ROWID table whose NOT NULL column sits between the key's columns."""
    db.execute(
        "CREATE TABLE authorships_new ("
        "paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE, "
        "position INTEGER NOT NULL, "
        "author_id INTEGER NOT NULL REFERENCES authors(id), "
        "PRIMARY KEY (paper_id, position)) WITHOUT ROWID"
    )
    db.execute(
        "INSERT INTO authorships_new (paper_id, position, author_id) "
        "SELECT paper_id, position, author_id FROM authorships"
    )
    db.execute("DROP TABLE authorships")
    db.execute("ALTER TABLE authorships_new RENAME TO authorships")
    db.execute("CREATE INDEX authorships_author ON authorships(author_id)")


def _places_views_search(db: sqlite3.Connection) -> None:
    """3 -> 4: each dump's path (its file name, all an older corpus knew) and when it
    was taken (unknown); the views; the full-text search table, filled."""
    db.execute("ALTER TABLE documents ADD COLUMN path TEXT")
    db.execute("ALTER TABLE documents ADD COLUMN taken TEXT")
    db.execute("UPDATE documents SET path = source")
    schema.create_views(db)
    search.rebuild(db)


#: Version -> the step that takes a corpus from it to the next version.
STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {
    2: _authorships_key_first,
    3: _places_views_search,
}


def upgrade(db: sqlite3.Connection) -> tuple[bool, list[LegacyDump]]:
    """Bring the corpus in ``db`` to :data:`schema.SCHEMA_VERSION` (creating it in an
    empty database). Returns whether anything changed, and the dumps of a first-version
    corpus, which the caller adds again."""
    version = schema.schema_version(db)
    if version == schema.SCHEMA_VERSION:
        return False, []
    if version == 0:
        schema.create(db)
        return True, []
    if version == schema.FIRST_VERSION:
        dumps = read_v1(db)
        for table in LEGACY_TABLES:
            db.execute(f"DROP TABLE IF EXISTS {table}")
        schema.create(db)
        return True, dumps
    for step in range(version, schema.SCHEMA_VERSION):
        STEPS[step](db)
    db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
    return True, []

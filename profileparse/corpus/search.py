"""Full-text search over a corpus's papers: an SQLite FTS5 table, ``papers_fts``, one
row per paper (its rowid is the paper's id) over its title, abstract, authors and the
owners of the profiles that list it.

Every write transaction that changed the corpus makes it again before it commits (as
do a migration and a Parquet corpus loaded into memory), so it always holds what
``papers`` and ``authorships`` hold. Matches come best first (FTS5's bm25 rank).
"""

from __future__ import annotations

import re
import sqlite3

from profileparse.errors import CorpusError

__all__ = ["FTS_SCHEMA", "find", "match_expression", "rebuild"]

#: The search table. ``unicode61`` folds case and accents: ``Zürich`` finds ``Zurich``.
FTS_SCHEMA = (
    "CREATE VIRTUAL TABLE papers_fts USING fts5("
    "title, abstract, authors, owners, tokenize = 'unicode61 remove_diacritics 2')"
)

#: A paper's row: its authors in order, joined by commas, and the owners of the profiles
#: that list it (a profile lists its owner's papers, often with the author list cut).
_ROWS = """
INSERT INTO papers_fts (rowid, title, abstract, authors, owners)
SELECT p.id, p.title, coalesce(p.abstract, ''), coalesce((
    SELECT group_concat(name, ', ') FROM (
        SELECT au.name FROM authorships a JOIN authors au ON au.id = a.author_id
        WHERE a.paper_id = p.id ORDER BY a.position)), ''), coalesce((
    SELECT group_concat(name, ', ') FROM (
        SELECT DISTINCT pr.name FROM sightings s JOIN profiles pr ON pr.document_id = s.document_id
        WHERE s.paper_id = p.id AND pr.inferred = 0 ORDER BY pr.name)), '')
FROM papers p
"""


def rebuild(db: sqlite3.Connection) -> None:
    """Make the search table again from the papers, in id order: the same papers give
    the same table, byte for byte, whatever order they were written in (an index
    updated in place would keep traces of its history)."""
    db.execute("DROP TABLE IF EXISTS papers_fts")
    db.execute(FTS_SCHEMA)
    db.execute(_ROWS + " ORDER BY p.id")


#: A word as the search takes it: letters and digits (anything else separates words).
_WORD = re.compile(r"\w+", re.UNICODE)


def match_expression(query: str) -> str | None:
    """``query`` as an FTS5 expression: every word must appear (in the title, the
    abstract or an author's name), each word a prefix too (``upcycl`` finds
    ``upcycling``). Operators and quotes in ``query`` are taken as plain words, so any
    text is a valid query. None when ``query`` has no word."""
    words = _WORD.findall(query)
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


def find(
    db: sqlite3.Connection,
    query: str | None = None,
    *,
    author: str | None = None,
    limit: int | None = None,
) -> list[int]:
    """The ids of the papers matching ``query`` (every word of it) and written by
    ``author`` (a name as the corpus stores it, case-insensitive; None: anyone; the
    owner of a profile wrote every paper on it), best first: by bm25 rank for a query,
    newest first without one."""
    expression = match_expression(query) if query else None
    if query and expression is None:
        raise CorpusError(f"nothing to search for in {query!r}: give a word or a name")
    if expression is None and author is None:
        raise CorpusError("give a query, an author, or both")
    where: list[str] = []
    params: list[object] = []
    if expression is not None:
        where.append("papers_fts MATCH ?")
        params.append(expression)
    if author is not None:
        where.append("p.id IN (SELECT paper_id FROM author_papers WHERE author = ? COLLATE NOCASE)")
        params.append(author.strip())
    if expression is not None:
        sql = (
            "SELECT p.id FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid "
            f"WHERE {' AND '.join(where)} ORDER BY papers_fts.rank, p.title_key, p.id"
        )
    else:
        sql = (
            f"SELECT p.id FROM papers p WHERE {where[0]} "
            "ORDER BY p.date IS NULL, p.date LIKE '--%' DESC, p.date DESC, p.title_key, p.id"
        )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    try:
        return [row[0] for row in db.execute(sql, params)]
    except sqlite3.OperationalError as exc:
        if "no such table: papers_fts" in str(exc):
            raise CorpusError("this corpus has no search table; build it again") from None
        raise

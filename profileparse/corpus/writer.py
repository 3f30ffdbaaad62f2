"""Writing dumps into a corpus's tables: records matched to papers, rows written by
column name.

The writer works on a connection its caller holds in a write transaction. It keeps the
in-memory index of the records (``matching.Matcher``) between transactions; the caller
drops it with :meth:`CorpusWriter.reset` when the tables may have changed under it
(another process wrote, or a transaction was rolled back).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

import attrs
from attrs import define, field, frozen

from profileparse.corpus.keys import normalise_title, stable_id
from profileparse.corpus.legacy import LegacyDump
from profileparse.corpus.matching import (
    Cluster,
    Matcher,
    PendingAbstract,
    Sighting,
    title_similarity,
)
from profileparse.corpus.owners import infer_owner
from profileparse.model import Document, Paper, Profile

__all__ = [
    "BATCH",
    "CorpusWriter",
    "DumpRows",
    "authorship_rows",
    "insert",
    "paper_authors",
    "paper_row",
    "record_link",
    "rows_of",
    "stored_sighting",
]

#: Dumps staged in memory before their rows are written.
BATCH = 500

_DOCUMENT = ("id", "source", "layout", "key", "papers", "errors", "path", "taken")
#: A profile row: the header's fields as the model has them, and how sure the owner is.
_HEADER = tuple(f.name for f in attrs.fields(Profile) if f.name != "span")
_PROFILE = ("document_id", *_HEADER, "inferred", "confidence")
_SIGHTING = (
    "id",
    "document_id",
    "position",
    "paper_id",
    "start_line",
    "end_line",
    "title",
    "title_key",
    "authors",
    "et_al",
    "date",
    "category",
    "has_code",
    "score",
    "affiliation",
    "abstract",
    "link",
    "similarity",
    "inferred",
    "repaired",
)


def insert(table: str, columns: Iterable[str]) -> str:
    """``INSERT INTO table (columns) VALUES (:columns)``: rows are dicts by column name."""
    names = list(columns)
    return (
        f"INSERT INTO {table} ({', '.join(names)}) "
        f"VALUES ({', '.join(':' + name for name in names)})"
    )


@frozen
class DumpRows:
    """One dump as the corpus stores it, before matching: its ``documents`` row, its
    ``profiles`` row (None when no owner is known), a ``sightings`` row per record
    (``paper_id``, ``link`` and ``similarity`` not set yet), and what matching takes
    of each record: a :class:`Sighting` for a titled one, the abstract of an
    abstract-only one, or None. ``inferred``: the layout inferred the title/author
    boundary. Both build engines start from these."""

    document: dict[str, Any]
    profile: dict[str, Any] | None
    sightings: list[dict[str, Any]]
    records: list[Sighting | str | None]
    inferred: bool


def rows_of(
    document: Document,
    key: str,
    errors: int | None = None,
    *,
    place: str | None = None,
    taken: str | None = None,
) -> DumpRows:
    """The rows of one parsed dump identified by ``key`` (see :class:`DumpRows`), found
    at ``place`` (its path from the build's root; default: its source) and taken at
    ``taken`` (an ISO date or date-time)."""
    document_id = stable_id("document", key)
    inferred = _infers_titles(document.layout)
    sightings: list[dict[str, Any]] = []
    records: list[Sighting | str | None] = []
    for position, paper in enumerate(document.papers):
        sighting_id = stable_id(key, str(position))
        title_key = normalise_title(paper.title) if paper.title else None
        span = paper.span
        sightings.append(
            {
                "id": sighting_id,
                "document_id": document_id,
                "position": position,
                "paper_id": None,
                "start_line": span.start_line if span else None,
                "end_line": span.end_line if span else None,
                "title": paper.title,
                "title_key": title_key,
                "authors": json.dumps(list(paper.authors), ensure_ascii=False),
                "et_al": int(paper.et_al),
                "date": paper.date.isoformat() if paper.date else None,
                "category": paper.category,
                "has_code": int(paper.has_code),
                "score": paper.score,
                "affiliation": paper.affiliation,
                "abstract": paper.abstract,
                "link": "abstract-only",
                "similarity": None,
                "inferred": int(inferred and paper.title is not None),
                "repaired": 0,
            }
        )
        if title_key is not None and paper.title:
            records.append(_sighting(sighting_id, paper, title_key))
        else:
            records.append(paper.abstract or None)
    return DumpRows(
        document={
            "id": document_id,
            "source": document.source,
            "layout": document.layout,
            "key": key,
            "papers": len(document.papers),
            "errors": len(document.errors) if errors is None else errors,
            "path": document.source if place is None else place,
            "taken": taken,
        },
        profile=_owner_row(document_id, document),
        sightings=sightings,
        records=records,
        inferred=inferred,
    )


def _owner_row(document_id: int, document: Document) -> dict[str, Any] | None:
    """The ``profiles`` row: the header's owner, or the one inferred from the papers."""
    profile = document.profile
    row: dict[str, Any] = dict.fromkeys(_PROFILE)
    row["document_id"] = document_id
    if profile is not None:
        row.update({name: getattr(profile, name) for name in _HEADER})
        row.update(inferred=0, confidence=1.0)
        return row
    owner = infer_owner(document.papers)
    if owner is None:
        return None
    row.update(name=owner[0], inferred=1, confidence=owner[1])
    return row


@define
class _Staged:
    """Rows waiting to be written, and the records they map to."""

    documents: list[dict[str, Any]] = field(factory=list)
    profiles: list[dict[str, Any]] = field(factory=list)
    sightings: list[tuple[Cluster | PendingAbstract | None, dict[str, Any]]] = field(factory=list)
    keys: set[str] = field(factory=set)


class CorpusWriter:
    """Stages dumps, matches their records and writes the rows that changed."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self._matcher: Matcher | None = None
        self._staged = _Staged()

    def reset(self) -> None:
        """Forget the index and anything staged (the tables changed under us)."""
        self._matcher = None
        self._staged = _Staged()

    @property
    def pending(self) -> int:
        """Dumps staged and not written yet."""
        return len(self._staged.documents)

    def restage(self, db: sqlite3.Connection, dumps: Iterable[LegacyDump]) -> None:
        """Add dumps read back from an older corpus (with their keys and error counts)."""
        for document, key, errors in dumps:
            self.stage(db, document, key, errors)
        self.flush(db)

    def stage(
        self,
        db: sqlite3.Connection,
        document: Document,
        key: str,
        errors: int | None = None,
        *,
        place: str | None = None,
        taken: str | None = None,
    ) -> bool:
        """Match one dump's records; False when the corpus already has the dump.
        ``place`` and ``taken``: see :func:`rows_of`."""
        if (
            key in self._staged.keys
            or db.execute("SELECT 1 FROM documents WHERE key = ?", (key,)).fetchone()
        ):
            return False
        matcher = self._load_matcher(db)
        dump = rows_of(document, key, errors, place=place, taken=taken)
        self._staged.keys.add(key)
        self._staged.documents.append(dump.document)
        if dump.profile is not None:
            self._staged.profiles.append(dump.profile)
        for row, record in zip(dump.sightings, dump.records, strict=True):
            target: Cluster | PendingAbstract | None = None
            if isinstance(record, Sighting):
                target, fixed_key = matcher.add_record(record, inferred=dump.inferred)
                if fixed_key is not None:  # matched under the split another dump shows
                    row["title_key"], row["repaired"] = fixed_key, 1
            elif record is not None:
                target = matcher.add_abstract_only(row["id"], record)
            self._staged.sightings.append((target, row))
        return True

    def flush(self, db: sqlite3.Connection) -> None:
        """Write what is staged: new rows, and every paper whose records changed."""
        staged, self._staged = self._staged, _Staged()
        if not staged.documents or self._matcher is None:
            return
        matcher = self._matcher
        papers, pending = matcher.take_changes()
        db.create_function("title_similarity", 2, title_similarity, deterministic=True)
        db.execute("PRAGMA defer_foreign_keys = ON")
        db.executemany(insert("documents", _DOCUMENT), staged.documents)
        db.executemany(insert("profiles", _PROFILE), staged.profiles)
        sightings = []
        for target, row in staged.sightings:
            if isinstance(target, Cluster):  # abstract-only ones are linked below
                row["paper_id"] = target.root().paper_id
            sightings.append(row)
        db.executemany(insert("sightings", _SIGHTING), sightings)
        removed_authors: set[int] = set()
        # Records re-read with a repaired title/author split leave their own paper.
        db.executemany(
            "UPDATE sightings SET paper_id = :paper_id, title_key = :title_key, "
            "repaired = :repaired WHERE id = :id",
            [
                {"paper_id": c.root().paper_id, "title_key": key, "repaired": r, "id": sid}
                for sid, (c, key, r) in sorted(matcher.repaired.items())
            ],
        )
        matcher.repaired.clear()
        for dead in matcher.take_dead():
            for old in sorted(dead.stored_ids):
                removed_authors |= _drop_paper(db, old)
        for cluster in papers:
            removed_authors |= self._write_paper(db, cluster)
        db.executemany(
            "UPDATE sightings SET paper_id = :paper_id, link = :link, similarity = :similarity "
            "WHERE id = :id",
            [
                {
                    "paper_id": paper_id,
                    "link": "abstract" if paper_id else "abstract-only",
                    "similarity": p.similarity if paper_id is not None else None,
                    "id": sid,
                }
                for p in pending
                for paper_id in [p.paper_id()]
                for sid in p.sightings
            ],
        )
        db.executemany(
            "DELETE FROM authors WHERE id = :id AND NOT EXISTS "
            "(SELECT 1 FROM authorships WHERE author_id = :id)",
            [{"id": a} for a in sorted(removed_authors)],
        )

    def _write_paper(self, db: sqlite3.Connection, cluster: Cluster) -> set[int]:
        """Write one paper row and its authorships; returns author ids it stopped using."""
        paper_id = cluster.paper_id
        removed: set[int] = set()
        for old in sorted(cluster.stored_ids - {paper_id}):
            db.execute(
                "UPDATE sightings SET paper_id = :new WHERE paper_id = :old",
                {"new": paper_id, "old": old},
            )
            removed |= _drop_paper(db, old)
        cluster.stored_ids = {paper_id}
        best = cluster.best[1]
        row = paper_row(cluster)
        db.execute(
            insert("papers", row)
            + " ON CONFLICT(id) DO UPDATE SET "
            + ", ".join(f"{name} = excluded.{name}" for name in row if name != "id"),
            row,
        )
        removed |= _drop_authorships(db, paper_id)
        authors = paper_authors(cluster)
        db.executemany("INSERT OR IGNORE INTO authors (id, name) VALUES (:id, :name)", authors)
        authorships = authorship_rows(paper_id, authors)
        db.executemany(insert("authorships", ("paper_id", "position", "author_id")), authorships)
        ids = [author["id"] for author in authors]
        db.execute(
            "UPDATE sightings SET "
            "link = CASE WHEN title_key = :key THEN 'title' ELSE 'similar-title' END, "
            "similarity = CASE WHEN title_key = :key THEN NULL "
            "ELSE title_similarity(title_key, :key) END "
            "WHERE paper_id = :paper_id AND title_key IS NOT NULL",
            {"key": best.title_key, "paper_id": paper_id},
        )
        return removed - set(ids)

    def _load_matcher(self, db: sqlite3.Connection) -> Matcher:
        """The in-memory index, rebuilt from the stored records when the writer has none."""
        if self._matcher is not None:
            return self._matcher
        matcher = Matcher(self.threshold)
        cursor = db.execute(
            "SELECT id, paper_id, title, title_key, authors, et_al, date, category, has_code, "
            "abstract, inferred, repaired FROM sightings WHERE title_key IS NOT NULL "
            "ORDER BY repaired"  # a repaired record needs the records it was repaired from
        )
        names = [column[0] for column in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            matcher.restore_record(
                stored_sighting(row, row["title_key"]),
                row["paper_id"],
                inferred=bool(row["inferred"]),
                repaired=bool(row["repaired"]),
            )
        for sid, abstract, paper_id in db.execute(
            "SELECT id, abstract, paper_id FROM sightings "
            "WHERE title_key IS NULL AND abstract IS NOT NULL"
        ):
            matcher.restore_abstract_only(sid, abstract, paper_id)
        matcher.finish_restore()
        self._matcher = matcher
        return matcher


def paper_row(cluster: Cluster) -> dict[str, Any]:
    """A paper's ``papers`` row, from its records as the cluster folded them."""
    best = cluster.best[1]
    return {
        "id": cluster.paper_id,
        "title": best.title,
        "title_key": best.title_key,
        "abstract": best.abstract,
        "category": cluster.category[1] if cluster.category else None,
        "date": cluster.date[1] if cluster.date else None,
        "has_code": int(cluster.has_code),
        "et_al": int(best.et_al),
    }


def paper_authors(cluster: Cluster) -> list[dict[str, Any]]:
    """A paper's ``authors`` rows, in the paper's author order."""
    return [{"id": stable_id("author", name), "name": name} for name in cluster.authors()]


def authorship_rows(paper_id: int, authors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"paper_id": paper_id, "position": position, "author_id": author["id"]}
        for position, author in enumerate(authors)
    ]


def record_link(title_key: str, paper_key: str) -> dict[str, Any]:
    """How a titled record is tied to its paper: by its title, or a similar one."""
    if title_key == paper_key:
        return {"link": "title", "similarity": None}
    return {"link": "similar-title", "similarity": title_similarity(title_key, paper_key)}


def _drop_authorships(db: sqlite3.Connection, paper_id: int) -> set[int]:
    """Delete a paper's authorships; the author ids they named."""
    return {
        r[0]
        for r in db.execute(
            "DELETE FROM authorships WHERE paper_id = ? RETURNING author_id", (paper_id,)
        ).fetchall()
    }


def _drop_paper(db: sqlite3.Connection, paper_id: int) -> set[int]:
    """Delete a paper that was merged into another or dissolved; its author ids."""
    removed = _drop_authorships(db, paper_id)
    db.execute("DELETE FROM papers WHERE id = ?", (paper_id,))
    return removed


def stored_sighting(row: dict[str, Any], title_key: str) -> Sighting:
    """A titled record as its ``sightings`` row stores it (the authors as JSON), under
    ``title_key``."""
    return Sighting(
        row["id"],
        row["title"],
        title_key,
        tuple(json.loads(row["authors"])),
        bool(row["et_al"]),
        row["date"],
        row["category"],
        bool(row["has_code"]),
        row["abstract"],
    )


def _sighting(sighting_id: int, paper: Paper, title_key: str) -> Sighting:
    assert paper.title is not None
    return Sighting(
        sighting_id,
        paper.title,
        title_key,
        paper.authors,
        paper.et_al,
        paper.date.isoformat() if paper.date else None,
        paper.category,
        paper.has_code,
        paper.abstract,
    )


def _infers_titles(layout: str | None) -> bool:
    """Whether a layout infers the title/author boundary from glued text."""
    from profileparse.registry import get_registry

    entry = get_registry().layouts.get(layout or "")
    return entry is not None and entry.item.infers_titles

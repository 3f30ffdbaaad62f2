"""The corpus: dumps in, deduplicated tables out, in SQLite."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from attrs import define, field, frozen
from rapidfuzz import fuzz

from profileparse.corpus import schema
from profileparse.corpus.files import read_dumps
from profileparse.corpus.keys import normalise_title, stable_id
from profileparse.corpus.matching import Cluster, Matcher, PendingAbstract, Sighting
from profileparse.corpus.owners import infer_owner
from profileparse.errors import CorpusError
from profileparse.model import Document, Paper, PaperDate

__all__ = ["DEFAULT_THRESHOLD", "AddResult", "Corpus", "CorpusStats"]

#: Minimum abstract similarity (0-100, rapidfuzz ratio) to link an abstract-only record
#: or to merge two near-identical titles.
DEFAULT_THRESHOLD = 85.0
#: Dumps written per transaction.
_BATCH = 500


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


@define
class AddResult:
    """What :meth:`Corpus.add_files` did: the sources of the dumps that were new, the
    dumps that had parse errors (source and count), and the files that could not be read
    (their error messages)."""

    added: list[str] = field(factory=list)
    with_errors: list[tuple[str, int]] = field(factory=list)
    failed: list[str] = field(factory=list)


@define
class _Staged:
    """Rows waiting for the next transaction, and the records they map to."""

    documents: list[tuple[Any, ...]] = field(factory=list)
    profiles: list[tuple[Any, ...]] = field(factory=list)
    sightings: list[tuple[Any, ...]] = field(factory=list)
    keys: set[str] = field(factory=set)


class Corpus:
    """A corpus in a SQLite file (``":memory:"`` for a throwaway one).

    Adding is idempotent (a dump already in the corpus changes nothing) and the tables
    do not depend on the order dumps are added in. ``threshold`` (0-100) is the abstract
    similarity that links an abstract-only record or merges near-identical titles; a
    corpus keeps the threshold it was built with. ``readonly=True`` never writes the
    file (a first-version corpus is then migrated in memory only).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = ":memory:",
        *,
        threshold: float | None = None,
        readonly: bool = False,
    ) -> None:
        if threshold is not None and not 0 <= threshold <= 100:
            raise ValueError(f"threshold must be between 0 and 100, got {threshold}")
        self.path = os.fspath(path)
        self.readonly = False  # until the file is opened (and migrated, if it must be)
        db = schema.connect(path, readonly=readonly)
        version = schema.schema_version(db)
        if readonly and version == 0:
            db.close()
            raise CorpusError("not a profileparse corpus (the file is empty)")
        self.db = db
        self._matcher: Matcher | None = None
        self._staged = _Staged()
        db.create_function("title_similarity", 2, _title_similarity, deterministic=True)
        if version == 1:
            from profileparse.corpus.migrate import LEGACY_TABLES, read_v1

            legacy = read_v1(db)
            if readonly:
                db.close()
                self.db = db = sqlite3.connect(":memory:", isolation_level=None)
                db.create_function("title_similarity", 2, _title_similarity, deterministic=True)
            self._create(threshold, drop=() if readonly else LEGACY_TABLES)
            self._restage(legacy)
        elif version == 0:
            self._create(threshold, drop=())
        self.threshold = self._settle_threshold(threshold)
        self.readonly = readonly

    def _create(self, threshold: float | None, drop: Sequence[str]) -> None:
        with self._transaction():
            for table in drop:
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in schema.SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
            self.db.execute(
                "INSERT INTO settings (name, value) VALUES ('threshold', ?)",
                (str(DEFAULT_THRESHOLD if threshold is None else float(threshold)),),
            )
        self._matcher = Matcher(DEFAULT_THRESHOLD if threshold is None else float(threshold))

    def _restage(self, dumps: Iterable[tuple[Document, str, int]]) -> None:
        """Add dumps read back from an older corpus (with their keys and error counts)."""
        for document, key, errors in dumps:
            self._stage(document, key, errors)
        self._flush()

    def _replace_rows(self, rows: dict[str, list[dict[str, Any]]], threshold: float | None) -> None:
        """Fill this empty corpus with stored rows (from Parquet files)."""
        from profileparse.corpus.parquet import _insert

        with self._transaction():
            self.db.execute("PRAGMA defer_foreign_keys = ON")
            self.db.execute("DELETE FROM settings")
            _insert(self.db, {name: rows.get(name, []) for name in schema.TABLES})
        self._matcher = None
        self.threshold = self._settle_threshold(threshold)

    def _settle_threshold(self, wanted: float | None) -> float:
        row = self.db.execute("SELECT value FROM settings WHERE name = 'threshold'").fetchone()
        stored = float(row[0]) if row else DEFAULT_THRESHOLD
        if wanted is not None and float(wanted) != stored:
            raise CorpusError(
                f"this corpus was built with threshold {stored:g}; build a new corpus to use "
                f"{float(wanted):g}"
            )
        return stored

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- adding -------------------------------------------------------------------

    def add(self, document: Document, *, key: str | None = None) -> bool:
        """Add one parsed dump; False when it was already in the corpus. ``key``
        identifies the dump (default: a hash of its parsed content)."""
        added = self._stage(document, key or _content_key(document))
        self._flush()
        return added

    def add_files(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        jobs: int = 1,
        progress: Callable[[str], None] | None = None,
        encoding: str | None = None,
    ) -> AddResult:
        """Add every dump in these files (a file may hold several). Files are parsed in
        ``jobs`` processes and read in ``encoding`` (default UTF-8); ``progress`` is
        called with each file's path once it is read."""
        from functools import partial

        from profileparse.pool import ordered_map

        result = AddResult()
        names = [os.fspath(p) for p in paths]
        for read in ordered_map(partial(read_dumps, encoding=encoding), names, jobs):
            if read.failure is not None:
                result.failed.append(read.failure)
            for document, key in read.dumps:
                if document.errors:
                    result.with_errors.append((document.source or read.path, len(document.errors)))
                if self._stage(document, key):
                    result.added.append(document.source or read.path)
                if len(self._staged.documents) >= _BATCH:
                    self._flush()
            if progress is not None:
                progress(read.path)
        self._flush()
        return result

    def _stage(self, document: Document, key: str, errors: int | None = None) -> bool:
        if self.readonly:
            raise CorpusError("this corpus was opened read-only")
        if (
            key in self._staged.keys
            or self.db.execute("SELECT 1 FROM documents WHERE key = ?", (key,)).fetchone()
        ):
            return False
        matcher = self._load_matcher()
        document_id = stable_id("document", key)
        self._staged.keys.add(key)
        self._staged.documents.append(
            (
                document_id,
                document.source,
                document.layout,
                key,
                len(document.papers),
                len(document.errors) if errors is None else errors,
            )
        )
        self._stage_owner(document_id, document)
        inferred = _infers_titles(document.layout)
        for position, paper in enumerate(document.papers):
            sighting_id = stable_id(key, str(position))
            target: Cluster | PendingAbstract | None = None
            title_key = None
            repaired = False
            if paper.title:
                title_key = normalise_title(paper.title)
                sighting = _sighting(sighting_id, paper, title_key)
                target, fixed_key = matcher.add_record(sighting, inferred=inferred)
                if fixed_key is not None:  # matched under the split another dump shows
                    title_key, repaired = fixed_key, True
            elif paper.abstract:
                target = matcher.add_abstract_only(sighting_id, paper.abstract)
            span = paper.span
            self._staged.sightings.append(
                (
                    target,
                    sighting_id,
                    document_id,
                    position,
                    span.start_line if span else None,
                    span.end_line if span else None,
                    paper.title,
                    title_key,
                    json.dumps(list(paper.authors), ensure_ascii=False),
                    int(paper.et_al),
                    paper.date.isoformat() if paper.date else None,
                    paper.category,
                    int(paper.has_code),
                    paper.score,
                    paper.affiliation,
                    paper.abstract,
                    int(inferred and paper.title is not None),
                    int(repaired),
                )
            )
        return True

    def _stage_owner(self, document_id: int, document: Document) -> None:
        profile = document.profile
        if profile is not None:
            self._staged.profiles.append(
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
                    0,
                    1.0,
                )
            )
            return
        owner = infer_owner(document.papers)
        if owner is not None:
            name, confidence = owner
            self._staged.profiles.append(
                (document_id, name, None, None, None, None, None, None, None, 1, confidence)
            )

    def _flush(self) -> None:
        staged, self._staged = self._staged, _Staged()
        if not staged.documents or self._matcher is None:
            return
        papers, pending = self._matcher.take_changes()
        db = self.db
        with self._transaction():
            db.execute("PRAGMA defer_foreign_keys = ON")
            db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)", staged.documents)
            db.executemany(
                "INSERT INTO profiles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", staged.profiles
            )
            db.executemany(
                "INSERT INTO sightings VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'abstract-only', NULL, ?, ?)",
                [(*row[1:4], _paper_of(row[0]), *row[4:]) for row in staged.sightings],
            )
            removed_authors: set[int] = set()
            # Records re-read with a repaired title/author split leave their own paper.
            db.executemany(
                "UPDATE sightings SET paper_id = ?, title_key = ?, repaired = 1 WHERE id = ?",
                [
                    (cluster.root().paper_id, title_key, sid)
                    for sid, (cluster, title_key) in sorted(self._matcher.repaired.items())
                ],
            )
            self._matcher.repaired.clear()
            for dead in self._matcher.take_dead():
                for old in sorted(dead.stored_ids):
                    removed_authors.update(
                        r[0]
                        for r in db.execute(
                            "DELETE FROM authorships WHERE paper_id = ? RETURNING author_id",
                            (old,),
                        ).fetchall()
                    )
                    db.execute("DELETE FROM papers WHERE id = ?", (old,))
            for cluster in papers:
                removed_authors |= self._write_paper(cluster)
            db.executemany(
                "UPDATE sightings SET paper_id = ?, link = ?, similarity = ? WHERE id = ?",
                [
                    (paper_id, "abstract" if paper_id else "abstract-only", similarity, sid)
                    for p in pending
                    for paper_id, similarity in [_link_of(p)]
                    for sid in p.sightings
                ],
            )
            db.executemany(
                "DELETE FROM authors WHERE id = ?1 AND NOT EXISTS "
                "(SELECT 1 FROM authorships WHERE author_id = ?1)",
                [(a,) for a in sorted(removed_authors)],
            )

    def _write_paper(self, cluster: Cluster) -> set[int]:
        """Write one paper row and its authorships; returns author ids it stopped using."""
        db = self.db
        paper_id = cluster.paper_id
        removed: set[int] = set()
        for old in sorted(cluster.stored_ids - {paper_id}):
            db.execute("UPDATE sightings SET paper_id = ? WHERE paper_id = ?", (paper_id, old))
            removed.update(
                r[0]
                for r in db.execute(
                    "DELETE FROM authorships WHERE paper_id = ? RETURNING author_id", (old,)
                ).fetchall()
            )
            db.execute("DELETE FROM papers WHERE id = ?", (old,))
        cluster.stored_ids = {paper_id}
        best = cluster.best[1]
        db.execute(
            "INSERT INTO papers (id, title, title_key, abstract, category, date, has_code, et_al) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "title = excluded.title, title_key = excluded.title_key, "
            "abstract = excluded.abstract, category = excluded.category, date = excluded.date, "
            "has_code = excluded.has_code, et_al = excluded.et_al",
            (
                paper_id,
                best.title,
                best.title_key,
                best.abstract,
                cluster.category[1] if cluster.category else None,
                cluster.date[1] if cluster.date else None,
                int(cluster.has_code),
                int(best.et_al),
            ),
        )
        removed.update(
            r[0]
            for r in db.execute(
                "DELETE FROM authorships WHERE paper_id = ? RETURNING author_id", (paper_id,)
            ).fetchall()
        )
        names = cluster.authors()
        ids = [stable_id("author", name) for name in names]
        db.executemany(
            "INSERT OR IGNORE INTO authors (id, name) VALUES (?, ?)", zip(ids, names, strict=True)
        )
        db.executemany(
            "INSERT INTO authorships (paper_id, author_id, position) VALUES (?, ?, ?)",
            [(paper_id, author_id, position) for position, author_id in enumerate(ids)],
        )
        db.execute(
            "UPDATE sightings SET "
            "link = CASE WHEN title_key = ?1 THEN 'title' ELSE 'similar-title' END, "
            "similarity = CASE WHEN title_key = ?1 THEN NULL "
            "ELSE title_similarity(title_key, ?1) END "
            "WHERE paper_id = ?2 AND title_key IS NOT NULL",
            (best.title_key, paper_id),
        )
        return removed - set(ids)

    def _load_matcher(self) -> Matcher:
        """The in-memory index, rebuilt from the stored records the first time a dump is
        added to a corpus that was opened from a file."""
        if self._matcher is not None:
            return self._matcher
        matcher = Matcher(self.threshold)
        for row in self.db.execute(
            "SELECT id, paper_id, title, title_key, authors, et_al, date, category, has_code, "
            "abstract, inferred, repaired FROM sightings WHERE title_key IS NOT NULL "
            "ORDER BY repaired"  # a repaired record needs the records it was repaired from
        ):
            sid, paper_id, title, title_key, authors, et_al, date, category, code, abstract = row[
                :10
            ]
            matcher.restore_record(
                Sighting(
                    sid,
                    title,
                    title_key,
                    tuple(json.loads(authors)),
                    bool(et_al),
                    date,
                    category,
                    bool(code),
                    abstract,
                ),
                paper_id,
                inferred=bool(row[10]),
                repaired=bool(row[11]),
            )
        for sid, abstract, paper_id in self.db.execute(
            "SELECT id, abstract, paper_id FROM sightings "
            "WHERE title_key IS NULL AND abstract IS NOT NULL"
        ):
            matcher.restore_abstract_only(sid, abstract, paper_id)
        matcher.finish_restore()
        self._matcher = matcher
        return matcher

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db)

    # -- reading ------------------------------------------------------------------

    def stats(self) -> CorpusStats:
        def one(sql: str) -> int:
            value: int = self.db.execute(sql).fetchone()[0]
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

    def unlinked(self) -> list[tuple[str | None, int | None, str]]:
        """Abstract-only records that matched no paper: (source, line, abstract start)."""
        rows = self.db.execute(
            "SELECT d.source, s.start_line, s.abstract FROM sightings s "
            "JOIN documents d ON d.id = s.document_id "
            "WHERE s.link = 'abstract-only' ORDER BY d.source, d.key, s.position"
        ).fetchall()
        return [(source, line, (abstract or "")[:80]) for source, line, abstract in rows]

    def papers(self) -> Iterator[Paper]:
        """Every paper once, merged from its sightings: the best-shown record's title,
        abstract and authors (then any other author seen), a full date when any sighting
        has the year, the Code flag when any has it. Sorted by title."""
        authors: dict[int, list[str]] = {}
        for paper_id, name in self.db.execute(
            "SELECT a.paper_id, au.name FROM authorships a JOIN authors au ON au.id = a.author_id "
            "ORDER BY a.paper_id, a.position"
        ):
            authors.setdefault(paper_id, []).append(name)
        for paper_id, title, abstract, category, date, has_code, et_al in self.db.execute(
            "SELECT id, title, abstract, category, date, has_code, et_al FROM papers "
            "ORDER BY title_key, id"
        ):
            yield Paper(
                title=title,
                authors=tuple(authors.get(paper_id, ())),
                et_al=bool(et_al),
                category=category,
                date=PaperDate.fromisoformat(date) if date else None,
                has_code=bool(has_code),
                abstract=abstract,
            )

    def document(self) -> Document:
        """The deduplicated papers as one :class:`~profileparse.Document`, ready for any
        export format."""
        return Document(source=Path(self.path).name, papers=tuple(self.papers()))

    def export(self, format: str = "json", **options: Any) -> str:
        """The deduplicated papers in an export format (``bibtex``, ``ris``, ...)."""
        from profileparse import dumps

        return dumps(self.document(), format, **options)

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every table as a list of row dicts, rows in primary-key order."""
        out = {}
        for name in schema.TABLES:
            cur = self.db.execute(f"SELECT * FROM {name} ORDER BY 1, 2")
            columns = [c[0] for c in cur.description]
            out[name] = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
        return out

    def to_parquet(self, folder: str | os.PathLike[str]) -> list[Path]:
        """Write each table as ``<table>.parquet`` (needs the ``parquet`` extra)."""
        from profileparse.corpus.parquet import save

        return save(self, Path(folder))

    @classmethod
    def from_parquet(
        cls, folder: str | os.PathLike[str], *, threshold: float | None = None
    ) -> Corpus:
        """An in-memory corpus holding what a Parquet corpus folder holds (an empty one
        for a folder with no corpus in it yet)."""
        from profileparse.corpus.parquet import load

        return load(Path(folder), threshold)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN")

    def __exit__(self, kind: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if kind is not None else "COMMIT")


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


def _paper_of(target: Cluster | PendingAbstract | None) -> int | None:
    """A new sighting's paper id when it is written (abstract-only ones are set after)."""
    return target.root().paper_id if isinstance(target, Cluster) else None


def _link_of(pending: PendingAbstract) -> tuple[int | None, float | None]:
    paper_id = pending.paper_id()
    return paper_id, (pending.similarity if paper_id is not None else None)


def _title_similarity(a: str, b: str) -> float:
    return round(float(fuzz.ratio(a, b)), 2)


def _content_key(document: Document) -> str:
    import hashlib

    from profileparse.serialize import to_data

    return hashlib.sha256(repr(to_data(document)).encode("utf-8")).hexdigest()

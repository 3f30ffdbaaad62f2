"""The corpus: dumps in, deduplicated tables out, in a SQLite file or a Parquet folder.

:class:`Corpus` is the front: it opens a storage (``storage.py``), runs the migrations
(``migrations.py``) and hands connections to the writer (``writer.py``) and the reader
(``reader.py``). Every write is one transaction under the corpus's write lock.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import define, field

from profileparse.corpus import migrations, reader, schema, search
from profileparse.corpus.reader import CorpusStats, Snapshot
from profileparse.corpus.settings import DEFAULT_THRESHOLD, stored_threshold, threshold_to_use
from profileparse.corpus.storage import DEFAULT_WAIT, Storage, is_parquet, storage_errors
from profileparse.corpus.writer import BATCH, CorpusWriter
from profileparse.errors import CorpusError
from profileparse.model import Document, Paper

if TYPE_CHECKING:
    from profileparse.corpus.files import FileDumps

__all__ = ["DEFAULT_WAIT", "AddResult", "Corpus", "CorpusStats", "Snapshot"]


@define
class AddResult:
    """What :meth:`Corpus.add_files` did: the sources of the dumps that were new, the
    dumps that had parse errors (source and count), and the files that could not be read
    (their error messages)."""

    added: list[str] = field(factory=list)
    with_errors: list[tuple[str, int]] = field(factory=list)
    failed: list[str] = field(factory=list)


class Corpus:
    """A corpus in a SQLite file (``":memory:"`` for a throwaway one) or a Parquet
    folder (``format="parquet"``, or a folder or a path ending in a slash; needs the
    ``parquet`` extra).

    Adding is idempotent (a dump already in the corpus changes nothing) and the tables
    do not depend on the order dumps are added in. ``threshold`` (0-100) is the abstract
    similarity that links an abstract-only record or merges near-identical titles; a
    corpus keeps the threshold it was built with.

    Every write (:meth:`add`, :meth:`add_files`, or several of them inside
    :meth:`writing`) is one transaction under the corpus's write lock: another process
    writing the same corpus waits for it, up to ``wait`` seconds (``on_wait`` is called
    when it starts waiting), and readers see the corpus before the write or after it.
    Opening a writable corpus creates it, or migrates an older one, in such a write.
    ``readonly=True`` never writes (an older corpus is then migrated in memory only).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = ":memory:",
        *,
        format: str | None = None,
        threshold: float | None = None,
        readonly: bool = False,
        wait: float = DEFAULT_WAIT,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        if threshold is not None and not 0 <= threshold <= 100:
            raise ValueError(f"threshold must be between 0 and 100, got {threshold}")
        self.path = os.fspath(path)
        self.readonly = readonly
        self.wait = wait
        self.on_wait = on_wait
        self._wanted = None if threshold is None else float(threshold)
        self._writer: CorpusWriter | None = None
        self._write_db: sqlite3.Connection | None = None
        self._view: sqlite3.Connection | None = None  # an older corpus, migrated in memory
        self._depth = 0
        self._dirty = False
        self.storage = _open_storage(self.path, format=format, readonly=readonly)
        self._blank: sqlite3.Connection | None = None  # what a corpus not written yet reads
        try:
            with storage_errors(self.path, "read" if readonly else "write"):
                self._open()
        except BaseException:
            self.storage.close()
            raise

    def _open(self) -> None:
        """Check what the storage holds. A new corpus is created by its first write; an
        older one is migrated now (in memory only when read-only)."""
        db = self.storage.read()
        version = schema.schema_version(db)
        if version == 0:
            if self.readonly:
                raise CorpusError("not a profileparse corpus (it holds no tables)")
            self.threshold = DEFAULT_THRESHOLD if self._wanted is None else self._wanted
        elif version == schema.SCHEMA_VERSION:
            self.threshold, _ = _settle(db, self._wanted)
        elif self.readonly:
            self._view = _upgraded_copy(db, self._wanted)
            self.threshold, _ = _settle(self._view, self._wanted)
        else:
            with self.writing():
                pass

    def close(self) -> None:
        for db in (self._view, self._blank):
            if db is not None:
                db.close()
        self.storage.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def db(self) -> sqlite3.Connection:
        """The SQLite connection holding the corpus's tables, for your own queries (a
        Parquet corpus's is an in-memory copy of its current version)."""
        return self._read_db()

    def _read_db(self) -> sqlite3.Connection:
        if self._write_db is not None:
            return self._write_db
        if self._view is not None:
            return self._view
        db = self.storage.read()
        if not self.readonly and schema.schema_version(db) == 0:
            if self._blank is None:
                self._blank = _upgraded_copy(db, self._wanted)
            return self._blank
        return db

    # -- writing ------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock for several adds and commit them as one transaction:
        ``with corpus.writing(): corpus.add(a); corpus.add(b)``. Nothing is written
        if the block raises."""
        if self.readonly:
            raise CorpusError("this corpus was opened read-only")
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        db, changed = self.storage.begin(self.wait, self.on_wait)
        self._depth, self._write_db, self._dirty = 1, db, False
        try:
            with storage_errors(self.path, "write"):
                upgraded, legacy = migrations.upgrade(db)
                self.threshold, recorded = _settle(db, self._wanted)
                self._dirty = upgraded or recorded
                if changed or self._writer is None or self._writer.threshold != self.threshold:
                    self._writer = CorpusWriter(self.threshold)
                if legacy:
                    self._writer.restage(db, legacy)
            yield
            with storage_errors(self.path, "write"):
                self._writer.flush(db)
                if self._dirty:
                    search.rebuild(db)
            self.storage.commit(self._dirty)
        except BaseException:
            self.storage.rollback()
            if self._writer is not None:
                self._writer.reset()
            raise
        finally:
            self._depth, self._write_db = 0, None

    def add(self, document: Document, *, key: str | None = None) -> bool:
        """Add one parsed dump; False when it was already in the corpus. ``key``
        identifies the dump (default: a hash of its parsed content)."""
        with self.writing():
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
        roots: Mapping[str, str] | None = None,
        taken: str | None = None,
        reference_year: int | None = None,
    ) -> AddResult:
        """Add every dump in these files (a file may hold several), in one transaction.
        Files are parsed in ``jobs`` processes and read in ``encoding`` (default UTF-8);
        ``progress`` is called with each file's path once it is read.

        Each dump's ``documents`` row keeps its path from the build's root folder
        (``roots`` maps a file to the folder it was found in; default: the file's own
        folder), starting with that folder's name, and when it was taken: ``taken``
        (``YYYY-MM-DD``) for every dump, or by default the file's modification time.
        ``reference_year`` gives dates shown without a year that year, as
        ``profileparse parse --reference-year`` does; it applies to dumps added now (a
        dump already in the corpus is not read again)."""
        from functools import partial

        from profileparse.pool import ordered_map

        result = AddResult()
        names = [os.fspath(p) for p in paths]
        items = [(name, (roots or {}).get(name)) for name in names]
        read_file = partial(
            _read_file, encoding=encoding, taken=taken, reference_year=reference_year
        )
        with self.writing():
            for read in ordered_map(read_file, items, jobs):
                if read.failure is not None:
                    result.failed.append(read.failure)
                for document, key in read.dumps:
                    if document.errors:
                        source = document.source or read.path
                        result.with_errors.append((source, len(document.errors)))
                    if self._stage(document, key, place=read.place, taken=read.taken):
                        result.added.append(document.source or read.path)
                if progress is not None:
                    progress(read.path)
            self._flush()
        return result

    def _stage(
        self, document: Document, key: str, *, place: str | None = None, taken: str | None = None
    ) -> bool:
        db, writer = self._write_db, self._writer
        assert db is not None and writer is not None
        with storage_errors(self.path, "write"):
            added = writer.stage(db, document, key, place=place, taken=taken)
            if writer.pending >= BATCH:
                writer.flush(db)
        self._dirty |= added
        return added

    def _flush(self) -> None:
        """Write what is staged into the open transaction (reads inside it see it)."""
        assert self._write_db is not None and self._writer is not None
        with storage_errors(self.path, "write"):
            self._writer.flush(self._write_db)

    # -- reading ------------------------------------------------------------------

    def stats(self) -> CorpusStats:
        with storage_errors(self.path, "read"):
            return reader.stats(self._read_db())

    def unlinked(self) -> list[tuple[str | None, int | None, str]]:
        """Abstract-only records that matched no paper: (source, line, abstract start)."""
        with storage_errors(self.path, "read"):
            return reader.unlinked(self._read_db())

    def papers(self) -> Iterator[Paper]:
        """Every paper once, merged from its sightings: the best-shown record's title,
        abstract and authors (then any other author seen), a full date when any sighting
        has the year, the Code flag when any has it. Sorted by title."""
        with storage_errors(self.path, "read"):
            found = reader.papers(self._read_db())
        yield from found

    def document(self, *, reference_year: int | None = None) -> Document:
        """The deduplicated papers as one :class:`~profileparse.Document`, ready for any
        export format. ``reference_year`` gives the dates stored without a year (the
        site shows recent papers so) that year."""
        return _as_document(self.path, tuple(self.papers()), reference_year)

    def export(
        self, format: str = "json", *, reference_year: int | None = None, **options: Any
    ) -> str:
        """The deduplicated papers in an export format (``bibtex``, ``ris``, ...);
        ``reference_year``: see :meth:`document`."""
        from profileparse import dumps

        return dumps(self.document(reference_year=reference_year), format, **options)

    def search(
        self,
        query: str | None = None,
        *,
        author: str | None = None,
        limit: int | None = None,
        reference_year: int | None = None,
    ) -> Document:
        """The papers matching ``query`` (each of its words, or a word's start, in the
        title, the abstract or an author's name) and written by ``author`` (a name as
        the corpus stores it, any case), best first: by relevance (bm25) for a query,
        newest first for an author alone. Give either or both; at most ``limit``
        papers. A :class:`~profileparse.Document`, ready for any export format
        (``reference_year``: see :meth:`document`)."""
        with storage_errors(self.path, "read"):
            db = self._read_db()
            with reader.snapshot(db):
                ids = search.find(db, query, author=author, limit=limit)
                found = reader.papers(db, ids)
        return _as_document(self.path, tuple(found), reference_year)

    def history(self, name: str) -> list[Snapshot]:
        """A researcher's snapshots: the dumps whose profile is ``name`` (any case),
        oldest first by the date each was taken, with the header's metrics."""
        with storage_errors(self.path, "read"):
            return reader.history(self._read_db(), name)

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every table as a list of row dicts, rows in primary-key order."""
        with storage_errors(self.path, "read"):
            return reader.tables(self._read_db())

    # -- frames and notebooks ------------------------------------------------------

    def to_arrow(self, table: str) -> Any:
        """A table (or view) as a ``pyarrow.Table`` typed by its SQL columns; needs the
        ``frames`` extra (see :func:`profileparse.frames.table_to_arrow`)."""
        from profileparse.frames import table_to_arrow

        with storage_errors(self.path, "read"):
            return table_to_arrow(self._read_db(), table)

    def to_pandas(self, table: str) -> Any:
        """A table (or view) as a ``pandas.DataFrame``, integers as nullable ``Int64``;
        needs the ``frames`` extra."""
        from profileparse.frames import table_to_pandas

        with storage_errors(self.path, "read"):
            return table_to_pandas(self._read_db(), table)

    def _repr_html_(self) -> str:
        """The corpus's counts and its first papers as escaped HTML, for notebooks."""
        from profileparse.display import corpus_html

        counts = self.stats()
        shown = [
            ("documents", counts.documents),
            ("papers", counts.papers),
            ("authors", counts.authors),
            ("sightings", counts.sightings),
        ]
        return corpus_html(self.path, shown, self.papers())

    # -- Parquet copies -------------------------------------------------------------

    def to_parquet(self, folder: str | os.PathLike[str]) -> list[str]:
        """Write this corpus as the next version of the Parquet corpus in ``folder`` (a
        path or an fsspec URL), replacing what it held; needs the ``parquet`` extra.
        Returns the files written."""
        from profileparse.corpus.parquet_storage import ParquetStorage

        target = ParquetStorage(os.fspath(folder), readonly=False)
        try:
            return target.replace(self._read_db(), self.wait, self.on_wait)
        finally:
            target.close()

    @classmethod
    def build(
        cls,
        sources: Iterable[str | os.PathLike[str]],
        target: str | os.PathLike[str],
        *,
        engine: str = "local",
        client: Any = None,
        workers: int | None = None,
        memory_limit: str | None = None,
        threshold: float | None = None,
        encoding: str | None = None,
        jobs: int = 1,
        wait: float = DEFAULT_WAIT,
        taken: str | None = None,
        reference_year: int | None = None,
    ) -> AddResult:
        """Add the dumps in ``sources`` (files, or URLs of files) to the corpus at
        ``target``, creating it if needed. ``engine="dask"`` builds a Parquet corpus (a
        folder or an fsspec URL) on the Dask cluster ``client`` is connected to, or on
        a local cluster of ``workers`` processes with ``memory_limit`` each (the
        ``dask`` extra); the tables are the local build's. ``taken`` and
        ``reference_year``: see :meth:`add_files`."""
        names = [os.fspath(p) for p in sources]
        reading: dict[str, Any] = {"taken": taken, "reference_year": reference_year}
        if engine == "local":
            with cls(target, threshold=threshold, wait=wait) as corpus:
                return corpus.add_files(names, jobs=jobs, encoding=encoding, **reading)
        if engine != "dask":
            raise ValueError(f"unknown engine {engine!r}; use 'local' or 'dask'")
        from profileparse.corpus import dask_engine

        options: dict[str, Any] = {
            "threshold": threshold,
            "encoding": encoding,
            "wait": wait,
            **reading,
        }
        if client is not None:
            built = dask_engine.build(names, os.fspath(target), client=client, **options)
        else:
            built = dask_engine.build_on_cluster(
                names, os.fspath(target), workers=workers, memory_limit=memory_limit, **options
            )
        return AddResult(added=built.added, with_errors=built.with_errors, failed=built.failed)

    @classmethod
    def from_parquet(
        cls, folder: str | os.PathLike[str], *, threshold: float | None = None
    ) -> Corpus:
        """An in-memory corpus holding what a Parquet corpus folder holds (an empty one
        for a folder with no corpus in it yet); changes to it stay in memory."""
        from profileparse.corpus.parquet_storage import ParquetStorage

        corpus = cls(":memory:", threshold=threshold)
        source = ParquetStorage(os.fspath(folder), readonly=False)
        try:
            source.read().backup(corpus.storage.read())
        finally:
            source.close()
        corpus._writer = None
        with corpus.writing():  # migrates an older version; checks the threshold
            pass
        corpus.path = os.fspath(folder)
        return corpus


def _upgraded_copy(db: sqlite3.Connection, wanted: float | None) -> sqlite3.Connection:
    """An in-memory copy of the corpus in ``db`` at the current schema (an empty corpus
    for an empty database)."""
    copy = sqlite3.connect(":memory:", isolation_level=None)
    db.backup(copy)
    copy.execute("PRAGMA foreign_keys = ON")
    copy.execute("BEGIN")
    _, legacy = migrations.upgrade(copy)
    threshold, _ = _settle(copy, wanted)
    if legacy:
        CorpusWriter(threshold).restage(copy, legacy)
        search.rebuild(copy)
    copy.execute("COMMIT")
    return copy


def _settle(db: sqlite3.Connection, wanted: float | None) -> tuple[float, bool]:
    """The corpus's threshold, and whether it was recorded now (a new corpus takes
    ``wanted``); refused when ``wanted`` is not the one the corpus was built with."""
    stored = stored_threshold(db)
    threshold = threshold_to_use(stored, wanted)
    if stored is None:
        db.execute("INSERT INTO settings (name, value) VALUES ('threshold', ?)", (str(threshold),))
    return threshold, stored is None


def _read_file(
    item: tuple[str, str | None],
    *,
    encoding: str | None,
    taken: str | None,
    reference_year: int | None,
) -> FileDumps:
    """:func:`~profileparse.corpus.files.read_dumps` of a (file, root) pair (run in
    worker processes, so module-level)."""
    from profileparse.corpus.files import read_dumps

    path, root = item
    return read_dumps(
        path, encoding=encoding, root=root, taken=taken, reference_year=reference_year
    )


def _as_document(path: str, papers: tuple[Paper, ...], reference_year: int | None) -> Document:
    if reference_year is not None:
        from profileparse.parsing import _with_year

        papers = tuple(_with_year(paper, reference_year) for paper in papers)
    return Document(source=Path(path).name, papers=papers)


def _content_key(document: Document) -> str:
    import hashlib

    from profileparse.serialize import to_data

    return hashlib.sha256(repr(to_data(document)).encode("utf-8")).hexdigest()


def _open_storage(path: str, *, format: str | None, readonly: bool) -> Storage:
    """The storage for ``path``: ``format`` ``"sqlite"`` or ``"parquet"``, or ``None``
    for a folder or a path ending in a slash to be Parquet and anything else SQLite."""
    kind = format or ("parquet" if path != ":memory:" and is_parquet(path) else "sqlite")
    if kind == "sqlite" and "://" in path:
        raise CorpusError(f"{path}: a SQLite corpus is a local file; use a Parquet corpus")
    if kind == "parquet":
        from profileparse.corpus.parquet_storage import ParquetStorage

        return ParquetStorage(path, readonly=readonly)
    if kind != "sqlite":
        raise ValueError(f"unknown corpus format {kind!r}; use 'sqlite' or 'parquet'")
    from profileparse.corpus.sqlite_storage import SQLiteStorage

    return SQLiteStorage(path, readonly=readonly)

"""A corpus in a folder of Parquet files, committed as whole versions (the ``parquet``
extra: pyarrow, and filelock for the write lock).

::

    corpus/
        HEAD                 the name of the current version, e.g. v00000003
        current -> v00000003 a symlink to it, for other tools
        v00000003/           one <table>.parquet per table
        v00000002/           the version before, kept for readers still on it
        .lock                the write lock

A write loads the current version into an in-memory database, changes it there, writes
every table into a new version folder (each file and the folder synced to disk) and
then switches ``HEAD`` to it with one atomic rename. Readers read ``HEAD`` first, so
they see the old corpus or the new one, never a mix; a writer killed at any moment
leaves ``HEAD`` on the old version, and its unfinished folder is removed by the next
write. One writer at a time: the lock is taken before the current version is read and
released after the switch.

A folder from an earlier profileparse, with the tables' files directly in it, is read
as it is and replaced by the first version written.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from profileparse.corpus import schema, search
from profileparse.corpus.legacy import LEGACY_SCHEMA
from profileparse.corpus.places import open_place
from profileparse.corpus.storage import storage_errors
from profileparse.corpus.writer import insert
from profileparse.errors import CorpusError

__all__ = ["HEAD", "LINK", "ParquetStorage", "arrow_table", "version_folder"]

HEAD = "HEAD"
LINK = "current"
_VERSION = re.compile(r"v([0-9]{8})")
_VERSION_KEY = b"profileparse.schema_version"
#: Versions kept: the current one and the one before, for readers still reading it.
_KEEP = 2
#: Times a reader starts again when the version it read was removed under it.
_RETRIES = 5
_ARROW_TYPES = {"INTEGER": "int64", "REAL": "float64", "TEXT": "string"}


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise CorpusError(
            "Parquet corpora need pyarrow: pip install 'profileparse[parquet]'"
        ) from None
    return pa, pq


def version_folder(number: int) -> str:
    return f"v{number:08d}"


def arrow_table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> Any:
    """Rows as a pyarrow table with the columns' SQL types (and the schema version in
    its metadata), so even an empty table says what it holds."""
    pa, _ = _pyarrow()
    arrow_schema = pa.schema(
        [(c, _ARROW_TYPES[kind]) for c, kind in columns],
        metadata={_VERSION_KEY: str(schema.SCHEMA_VERSION)},
    )
    return pa.Table.from_pylist(rows, schema=arrow_schema)


class ParquetStorage:
    """The :class:`~profileparse.corpus.storage.Storage` of a Parquet corpus folder."""

    def __init__(self, path: str, *, readonly: bool) -> None:
        self.location = path
        self.place = open_place(path)
        self.readonly = readonly
        with storage_errors(path, "read"):
            if self.place.is_file():
                raise CorpusError(f"{path}: not a Parquet corpus folder")
            if readonly:
                if not self.place.exists():
                    raise CorpusError(f"{path}: no such corpus folder")
                if self._head() is None:
                    raise CorpusError(f"{path}: not a profileparse corpus (no {HEAD} file)")
        self._db: sqlite3.Connection | None = None
        self._loaded: str | None = None  # the version self._db holds
        self._release: Callable[[], None] | None = None

    # -- reading ------------------------------------------------------------------

    def _head(self) -> str | None:
        """The current version's folder name; "" for a folder of an earlier
        profileparse (tables directly in it); None when there is no corpus yet."""
        text = self.place.read_text(HEAD)
        if text is None:
            return "" if "documents.parquet" in self.place.names() else None
        name = text.strip()
        if not _VERSION.fullmatch(name):
            raise CorpusError(f"{self.location}: not a profileparse corpus ({HEAD} is damaged)")
        return name

    def read(self) -> sqlite3.Connection:
        for attempt in range(_RETRIES):
            with storage_errors(self.location, "read"):
                head = self._head()
            if self._db is not None and head == self._loaded:
                return self._db
            try:
                db = self._load(head)
            except FileNotFoundError:
                if attempt == _RETRIES - 1:
                    raise CorpusError(
                        f"{self.location}: the version {HEAD} names is missing"
                    ) from None
                time.sleep(0.05)  # removed by a writer after a newer switch: read again
                continue
            if self._db is not None:
                self._db.close()
            self._db, self._loaded = db, head
            return db
        raise AssertionError("unreachable")

    def _load(self, head: str | None) -> sqlite3.Connection:
        """An in-memory database holding version ``head``."""
        db = sqlite3.connect(":memory:", isolation_level=None)
        db.execute("PRAGMA foreign_keys = ON")
        if head is None:
            return db
        pa, _ = _pyarrow()
        prefix = f"{head}/" if head else ""
        entries = self.place.names(head)
        if head and not entries:
            raise FileNotFoundError(f"{self.location}/{head}")
        try:
            tables = {}
            for entry in entries:
                if entry.endswith(".parquet"):  # a table in one file
                    tables[entry.removesuffix(".parquet")] = self.place.read_table(prefix + entry)
                elif entry in schema.TABLES:  # a table written in parts
                    parts = [
                        self.place.read_table(f"{prefix}{entry}/{part}")
                        for part in self.place.names(prefix + entry)
                        if part.endswith(".parquet")
                    ]
                    if parts:
                        tables[entry] = pa.concat_tables(parts)
        except FileNotFoundError:
            raise
        except Exception as exc:  # pyarrow raises several kinds for a damaged file
            raise CorpusError(f"{self.location}: cannot read the Parquet corpus ({exc})") from None
        if "documents" not in tables:
            raise CorpusError(f"{self.location}: not a profileparse corpus (no documents table)")
        metadata = tables["documents"].schema.metadata or {}
        version = int(metadata.get(_VERSION_KEY, b"1"))
        if version > schema.SCHEMA_VERSION:
            raise CorpusError(
                f"this corpus has schema version {version}, newer than this profileparse "
                f"understands ({schema.SCHEMA_VERSION}); upgrade profileparse"
            )
        if version == schema.FIRST_VERSION:
            db.executescript(LEGACY_SCHEMA)  # user_version 0: migrations read it back
        else:
            # Columns are matched by name, so any later version loads into today's tables.
            schema.create(db)
            db.execute("PRAGMA defer_foreign_keys = ON")
        db.execute("BEGIN")
        for name, table in tables.items():
            rows = table.to_pylist()
            if rows:
                db.executemany(insert(name, rows[0]), rows)
        if version != schema.FIRST_VERSION:
            if version < 4:  # before paths were kept: the file name is all there is
                db.execute("UPDATE documents SET path = source WHERE path IS NULL")
            search.rebuild(db)  # the search table is not stored: it is made from the tables
        db.execute("COMMIT")
        return db

    # -- writing ------------------------------------------------------------------

    def begin(
        self, wait: float, on_wait: Callable[[], None] | None
    ) -> tuple[sqlite3.Connection, bool]:
        self._acquire(wait, on_wait)
        try:
            before = self._loaded if self._db is not None else "unread"
            db = self.read()
            db.execute("BEGIN")
        except BaseException:
            self._unlock()
            raise
        return db, self._loaded != before

    def commit(self, changed: bool) -> None:
        assert self._db is not None
        db = self._db
        try:
            if changed or self._loaded is None:
                with storage_errors(self.location, "write"):
                    name = self._fill(lambda name: self._write_tables(db, name))
                    self._switch(name)
                self._loaded = name
                db.execute("COMMIT")
                self._tidy()
            else:
                db.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
        finally:
            self._unlock()

    def replace(
        self, source: sqlite3.Connection, wait: float, on_wait: Callable[[], None] | None
    ) -> list[str]:
        """Commit the corpus in ``source`` (at the current schema) as the next version,
        whatever this folder held. Returns the new version's files."""
        name = self.write_version(wait, on_wait, lambda name: self._write_tables(source, name))
        return [f"{self.location.rstrip('/')}/{name}/{table}.parquet" for table in schema.TABLES]

    def _acquire(self, wait: float, on_wait: Callable[[], None] | None) -> None:
        """Take the write lock (see :meth:`Storage.begin`)."""
        _pyarrow()
        with storage_errors(self.location, "write"):
            self._release = self.place.lock(wait, on_wait)

    def rollback(self) -> None:
        if self._db is not None and self._db.in_transaction:
            self._db.execute("ROLLBACK")
        self._unlock()

    def close(self) -> None:
        self.rollback()
        if self._db is not None:
            self._db.close()
            self._db = None

    def _unlock(self) -> None:
        if self._release is not None:
            self._release()
            self._release = None

    def _versions(self) -> list[int]:
        return sorted(
            int(m.group(1)) for entry in self.place.names() if (m := _VERSION.fullmatch(entry))
        )

    def _write_tables(self, db: sqlite3.Connection, name: str) -> None:
        """Every table of ``db`` into version folder ``name``, one file each."""
        for table_name in schema.TABLES:
            columns = schema.columns(db, table_name)
            order = ", ".join(schema.KEYS[table_name])
            rows = db.execute(
                f"SELECT {', '.join(c for c, _ in columns)} FROM {table_name} ORDER BY {order}"
            ).fetchall()
            names = [c for c, _ in columns]
            table = arrow_table([dict(zip(names, row, strict=True)) for row in rows], columns)
            self.place.write_table(f"{name}/{table_name}.parquet", table)

    def _fill(self, write: Callable[[str], None]) -> str:
        """A new version folder filled by ``write`` and made durable (removed again if
        writing fails); its name. The caller holds the lock."""
        name = version_folder(max(self._versions(), default=0) + 1)
        try:
            write(name)
            self.place.finish_folder(name)
        except BaseException:
            self.place.remove(name)
            raise
        return name

    def write_version(
        self, wait: float, on_wait: Callable[[], None] | None, write: Callable[[str], None]
    ) -> str:
        """Under the write lock, a new version filled by ``write`` (given the folder's
        name; the Dask engine's workers write its tables in parts) and made the current
        one. Returns its name."""
        self._acquire(wait, on_wait)
        try:
            with storage_errors(self.location, "write"):
                name = self._fill(write)
                self._switch(name)
            if self._db is not None:
                self._db.close()
            self._db, self._loaded = None, name
            self._tidy()
        finally:
            self._unlock()
        return name

    def _switch(self, name: str) -> None:
        """Point ``HEAD`` at ``name``: the commit, in one atomic step."""
        self.place.replace(HEAD, name + "\n")

    def _tidy(self) -> None:
        """After a commit: point ``current`` at the new version, remove older versions,
        unfinished ones and an earlier profileparse's files. Best effort: the commit has
        happened, and the next one tidies what this one could not."""
        with contextlib.suppress(OSError):
            self._tidy_up()

    def _tidy_up(self) -> None:
        head = self._loaded
        assert head
        self.place.link(LINK, head)
        current = int(head[1:])
        keep = set(sorted(n for n in self._versions() if n <= current)[-_KEEP:])
        for number in self._versions():
            if number not in keep:
                self.place.remove(version_folder(number))
        names = set(self.place.names())
        for table_name in schema.TABLES:
            if f"{table_name}.parquet" in names:
                self.place.remove(f"{table_name}.parquet")

"""A corpus in one SQLite file.

The file is in WAL mode: a write never blocks readers, and readers always see the last
committed state. A writer takes SQLite's own write lock (``BEGIN IMMEDIATE``) before it
reads anything and keeps it to its commit, so two builds run one after the other
whatever their timing. A writer killed at any moment leaves the last commit, which the
next connection recovers; a failed write (a full disk) is rolled back, and the file
keeps what it had.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from profileparse.corpus.storage import failure, lock_timeout, storage_errors
from profileparse.errors import CorpusError

__all__ = ["SQLiteStorage"]


class SQLiteStorage:
    """The :class:`~profileparse.corpus.storage.Storage` of a SQLite file (or
    ``":memory:"``)."""

    def __init__(self, path: str, *, readonly: bool) -> None:
        self.location = path
        self.readonly = readonly
        self._memory = path == ":memory:"
        self.db = _connect(path, readonly=readonly)
        self._seen: int | None = None  # PRAGMA data_version after our last write

    def read(self) -> sqlite3.Connection:
        return self.db

    def begin(
        self, wait: float, on_wait: Callable[[], None] | None
    ) -> tuple[sqlite3.Connection, bool]:
        db = self.db
        with storage_errors(self.location, "write"):
            if not self._memory:
                _write_ahead(db, wait)
            db.execute("PRAGMA busy_timeout = 0")
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if getattr(exc, "sqlite_errorname", "SQLITE_BUSY") != "SQLITE_BUSY":
                    raise
                if on_wait is not None and wait > 0:
                    on_wait()
                db.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
                try:
                    db.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as again:
                    if getattr(again, "sqlite_errorname", "SQLITE_BUSY") == "SQLITE_BUSY":
                        raise lock_timeout(self.location, wait) from None
                    raise
            (version,) = db.execute("PRAGMA data_version").fetchone()
        changed = version != self._seen
        self._seen = version
        return db, changed

    def commit(self, changed: bool) -> None:
        with storage_errors(self.location, "write"):
            try:
                self.db.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise

    def rollback(self) -> None:
        if self.db.in_transaction:
            # SQLite may have rolled back already (a full disk); nothing else to undo.
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
        self._seen = None

    def close(self) -> None:
        self.rollback()
        self.db.close()


def _write_ahead(db: sqlite3.Connection, wait: float) -> None:
    """Put the file in WAL mode (once; it stays so). Switching needs a moment alone with
    the file, so wait for a writer that holds it."""
    deadline = time.monotonic() + wait
    while True:
        try:
            (mode,) = db.execute("PRAGMA journal_mode = WAL").fetchone()
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorname", "SQLITE_BUSY") != "SQLITE_BUSY":
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
            continue
        if mode.lower() == "wal":
            db.execute("PRAGMA synchronous = FULL")
            return
        raise CorpusError(f"cannot put the corpus in WAL mode (it stays in {mode} mode)")


def _connect(path: str, *, readonly: bool) -> sqlite3.Connection:
    """Open ``path`` in autocommit mode (the corpus runs its own transactions).

    A reader opens the file read-write but runs no statement that writes
    (``query_only``), so it can recover what a killed writer left (a hot journal, a WAL
    to replay) instead of failing. A file it may not write is opened read-only, and
    when SQLite cannot share it that way (a WAL file in a folder it may not write), as
    it is on disk (``immutable``). A reader never creates the file."""
    try:
        if path == ":memory:":
            db = sqlite3.connect(path, isolation_level=None)
        elif readonly:
            if not Path(path).is_file():
                raise CorpusError("no such corpus file")
            db = _open_for_reading(path)
        else:
            db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as exc:
        folder = os.path.dirname(os.path.abspath(path))
        cause = failure(exc)
        if not os.path.exists(path) and not os.access(folder, os.W_OK):
            cause = os.strerror(errno.EACCES)
        raise CorpusError(f"{path}: cannot open the corpus: {cause}") from None
    return db


def _open_for_reading(path: str) -> sqlite3.Connection:
    uri = Path(path).resolve().as_uri()
    modes = ["mode=rw", "mode=ro", "mode=ro&immutable=1"]
    if not os.access(path, os.W_OK):
        modes.remove("mode=rw")
    for mode in modes:
        db = sqlite3.connect(f"{uri}?{mode}", uri=True, isolation_level=None)
        db.execute("PRAGMA query_only = ON")
        try:
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as exc:
            name = getattr(exc, "sqlite_errorname", "")
            if mode != modes[-1] and name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")):
                db.close()
                continue
            raise
        except sqlite3.DatabaseError:
            return db  # not a database: schema_version says so
        return db
    raise AssertionError("unreachable")

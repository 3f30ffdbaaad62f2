"""Where a corpus lives: the interface a SQLite file and a Parquet folder both implement,
and the one place storage failures become one-line errors.

A storage hands out SQLite connections: one to read the committed corpus from, and one
to write in, held in a transaction under the corpus's write lock. The reader, the
writer and the migrations work on those connections and never know which storage is
behind them.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from profileparse.errors import CorpusError, CorpusLockedError

__all__ = [
    "DEFAULT_WAIT",
    "Storage",
    "failure",
    "lock_timeout",
    "storage_errors",
    "waiting_message",
]

#: Seconds a build waits for another build of the same corpus to finish.
DEFAULT_WAIT = 600.0


class Storage(Protocol):
    """A corpus's home. ``location`` names it in messages."""

    location: str

    def read(self) -> sqlite3.Connection:
        """A connection holding the latest committed corpus, to read from (it may be at
        an older schema version, or empty). Never writes the corpus."""

    def begin(
        self, wait: float, on_wait: Callable[[], None] | None
    ) -> tuple[sqlite3.Connection, bool]:
        """Take the write lock, waiting up to ``wait`` seconds for another writer
        (calling ``on_wait`` once if it has to wait; ``CorpusLockedError`` when the
        wait runs out), and open a transaction on the committed corpus. Returns the
        connection and whether the corpus changed since this storage last wrote it."""

    def commit(self, changed: bool) -> None:
        """Make the transaction durable, atomically (``changed``: whether it wrote
        anything), and release the lock."""

    def rollback(self) -> None:
        """Drop the transaction, leaving the corpus as it was, and release the lock."""

    def close(self) -> None:
        """Release everything held."""


def lock_timeout(location: str, wait: float) -> CorpusLockedError:
    return CorpusLockedError(
        f"{location}: another build is still writing this corpus after {wait:g} s; "
        "run again later, or give it longer with --wait"
    )


def waiting_message(location: str, wait: float) -> str:
    return f"{location}: waiting for another build to finish (up to {wait:g} s; see --wait)"


_SQLITE_CAUSES = {
    "SQLITE_FULL": os.strerror(errno.ENOSPC),
    "SQLITE_PERM": os.strerror(errno.EACCES),
}


def failure(exc: BaseException) -> str:
    """The cause of a storage failure as the system gave it, in one line."""
    if isinstance(exc, OSError):
        # pyarrow's messages end with the system's; strerror alone is the clearest.
        if exc.errno is not None:
            return os.strerror(exc.errno)
        text = str(exc)
        for code in (errno.ENOSPC, errno.EACCES, errno.EROFS, errno.EDQUOT, errno.EIO):
            if os.strerror(code) in text:
                return os.strerror(code)
        return text.splitlines()[0] if text else type(exc).__name__
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "")
        if name.startswith("SQLITE_READONLY"):
            return f"{os.strerror(errno.EACCES)} ({exc})"
        return _SQLITE_CAUSES.get(name, str(exc))
    return str(exc)


@contextmanager
def storage_errors(location: str, doing: str) -> Iterator[None]:
    """Turn the system's and SQLite's failures while ``doing`` something to the corpus
    at ``location`` into one-line :class:`CorpusError`\\ s."""
    try:
        yield
    except CorpusError:
        raise
    except (OSError, sqlite3.Error) as exc:
        raise CorpusError(f"{location}: cannot {doing} the corpus: {failure(exc)}") from None


def is_parquet(path: str) -> bool:
    """Whether ``path`` names a Parquet corpus: a folder, a path ending in a slash, or
    a URL (``s3://bucket/corpus/``: only a Parquet corpus can live there)."""
    return "://" in path or os.path.isdir(path) or path.endswith(("/", os.sep))

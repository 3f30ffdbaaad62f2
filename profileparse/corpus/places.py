"""Where a Parquet corpus's files live: a local folder, or a folder at an fsspec URL
(``s3://bucket/corpus/``, ``gs://...``, ``memory://...``).

Both give the few operations a versioned corpus needs: read a small text file, list
the names in a folder, read and write Parquet tables, replace the ``HEAD`` file in one
step, remove a version, and hold the write lock. A local folder does each durably
(files and folders synced, the switch one rename, a lock file); an object store writes
each object in one request, which is what makes its ``HEAD`` switch atomic, and has no
lock to hold (see ``docs/corpus.md``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Protocol

from profileparse.corpus.storage import lock_timeout
from profileparse.errors import CorpusError

__all__ = [
    "LocalPlace",
    "Place",
    "RemotePlace",
    "find_dumps",
    "is_url",
    "open_bytes",
    "open_place",
]


def is_url(path: str) -> bool:
    """Whether ``path`` is an fsspec URL other than a local ``file://`` one."""
    return "://" in path and not path.startswith("file://")


class Place(Protocol):
    """A folder holding a Parquet corpus. Names are relative to it, '/'-separated."""

    location: str

    def is_file(self) -> bool:
        """Whether the place itself is a file (so no corpus folder can be there)."""

    def exists(self) -> bool: ...

    def read_text(self, name: str) -> str | None:
        """A small text file's content, or None when it is missing."""

    def names(self, folder: str = "") -> list[str]:
        """The names of the entries in ``folder`` (the place itself for "")."""

    def read_table(self, name: str) -> Any:
        """A Parquet file as a pyarrow table."""

    def write_table(self, name: str, table: Any) -> None:
        """Write a Parquet file durably (its folder is made if needed)."""

    def finish_folder(self, folder: str) -> None:
        """Make the names just written in ``folder`` durable."""

    def replace(self, name: str, text: str) -> None:
        """Replace a small text file in one atomic step, durably."""

    def link(self, name: str, target: str) -> None:
        """Point the link ``name`` at ``target`` where links exist (best effort)."""

    def remove(self, name: str) -> None:
        """Remove a file or a folder with all it holds, if it is there."""

    def lock(self, wait: float, on_wait: Callable[[], None] | None) -> Callable[[], None]:
        """Take the write lock; returns what releases it."""


class LocalPlace:
    """A folder on this machine's file system."""

    def __init__(self, path: str) -> None:
        self.location = path
        self.root = Path(path.removeprefix("file://"))

    def is_file(self) -> bool:
        return self.root.exists() and not self.root.is_dir()

    def exists(self) -> bool:
        return self.root.is_dir()

    def read_text(self, name: str) -> str | None:
        try:
            return (self.root / name).read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return None

    def names(self, folder: str = "") -> list[str]:
        try:
            return sorted(entry.name for entry in os.scandir(self.root / folder))
        except (FileNotFoundError, NotADirectoryError):
            return []

    def read_table(self, name: str) -> Any:
        import pyarrow.parquet as pq

        return pq.read_table(self.root / name)

    def write_table(self, name: str, table: Any) -> None:
        import pyarrow.parquet as pq

        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            pq.write_table(table, f)
            f.flush()
            os.fsync(f.fileno())

    def finish_folder(self, folder: str) -> None:
        """fsync the folder and the folders in it (a table written in parts has one),
        innermost first."""
        for inner, _, _ in os.walk(self.root / folder, topdown=False):
            _sync_folder(Path(inner))

    def replace(self, name: str, text: str) -> None:
        temp = self.root / f".{name}.tmp"
        with open(temp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, self.root / name)
        _sync_folder(self.root)

    def link(self, name: str, target: str) -> None:
        link = self.root / name
        if link.exists() and not link.is_symlink():
            return  # not ours to replace
        temp = self.root / f".{name}.tmp"
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        with contextlib.suppress(OSError):  # no links on this file system: HEAD serves
            os.symlink(target, temp)
            os.replace(temp, link)

    def remove(self, name: str) -> None:
        path = self.root / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def lock(self, wait: float, on_wait: Callable[[], None] | None) -> Callable[[], None]:
        try:
            from filelock import FileLock, Timeout
        except ImportError:
            raise CorpusError(
                "Parquet corpora need filelock: pip install 'profileparse[parquet]'"
            ) from None
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.root / ".lock")
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if on_wait is not None and wait > 0:
                on_wait()
            try:
                lock.acquire(timeout=wait)
            except Timeout:
                raise lock_timeout(self.location, wait) from None
        return lock.release


class RemotePlace:
    """A folder at an fsspec URL. Credentials and endpoints come from the usual places
    for each protocol (for S3: ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
    ``AWS_DEFAULT_REGION``, ``AWS_ENDPOINT_URL``)."""

    def __init__(self, url: str) -> None:
        self.location = url
        self.fs, root = filesystem(url)
        self.root = root.rstrip("/")

    def _path(self, name: str) -> str:
        return f"{self.root}/{name}" if name else self.root

    def is_file(self) -> bool:
        return bool(self.fs.isfile(self.root))

    def exists(self) -> bool:
        self.fs.invalidate_cache(self.root)
        return bool(self.fs.exists(self.root))

    def read_text(self, name: str) -> str | None:
        try:
            data: bytes = self.fs.cat_file(self._path(name))
        except FileNotFoundError:
            return None
        return data.decode("utf-8")

    def names(self, folder: str = "") -> list[str]:
        path = self._path(folder)
        self.fs.invalidate_cache(path)
        try:
            entries = self.fs.ls(path, detail=False)
        except FileNotFoundError:
            return []
        return sorted(str(entry).rstrip("/").rsplit("/", 1)[-1] for entry in entries)

    def read_table(self, name: str) -> Any:
        import pyarrow.parquet as pq

        with self.fs.open(self._path(name), "rb") as f:
            return pq.read_table(f)

    def write_table(self, name: str, table: Any) -> None:
        import pyarrow.parquet as pq

        with self.fs.open(self._path(name), "wb") as f:
            pq.write_table(table, f)

    def finish_folder(self, folder: str) -> None:
        """Nothing to do: each object was stored whole when its write closed."""

    def replace(self, name: str, text: str) -> None:
        self.fs.pipe_file(self._path(name), text.encode("utf-8"))

    def link(self, name: str, target: str) -> None:
        """Object stores have no links: readers read ``HEAD``."""

    def remove(self, name: str) -> None:
        path = self._path(name)
        with contextlib.suppress(FileNotFoundError):
            if self.fs.isdir(path):
                self.fs.rm(path, recursive=True)
            else:
                self.fs.rm_file(path)

    def lock(self, wait: float, on_wait: Callable[[], None] | None) -> Callable[[], None]:
        """No lock: an object store has none to hold (one build at a time there)."""
        return lambda: None


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec file system for ``url`` and the path in it."""
    try:
        import fsspec
    except ImportError:
        raise CorpusError(
            f"{url}: reading and writing URLs needs fsspec (and s3fs for s3://): "
            "pip install 'profileparse[dask]'"
        ) from None
    try:
        fs, path = fsspec.core.url_to_fs(url, **_options(url))
    except ImportError as exc:
        raise CorpusError(f"{url}: {exc}") from None
    return fs, path


def _options(url: str) -> dict[str, Any]:
    """Options an fsspec file system does not read from the environment itself: for
    S3, the endpoint in ``AWS_ENDPOINT_URL`` (a local or non-AWS S3 server)."""
    if url.startswith(("s3://", "s3a://")) and os.environ.get("AWS_ENDPOINT_URL"):
        return {"client_kwargs": {"endpoint_url": os.environ["AWS_ENDPOINT_URL"]}}
    return {}


def find_dumps(source: str) -> list[str]:
    """The dump files a URL names: a folder's ``*.txt`` files, a glob's matches, or the
    one file; as URLs, sorted. Empty when nothing is there."""
    fs, path = filesystem(source)
    protocol = source.split("://", 1)[0]
    if any(c in path for c in "*?["):
        found = fs.glob(path)
    elif fs.isdir(path):
        found = fs.glob(path.rstrip("/") + "/*.txt")
    elif fs.isfile(path):
        found = [path]
    else:
        found = []
    return sorted(f"{protocol}://{name}" for name in found if not fs.isdir(name))


def open_bytes(url: str) -> IO[bytes]:
    """One file at an fsspec URL, open to read its bytes."""
    fs, path = filesystem(url)
    handle: IO[bytes] = fs.open(path, "rb")
    return handle


def open_place(path: str) -> Place:
    return RemotePlace(path) if is_url(path) else LocalPlace(path)


def _sync_folder(folder: Path) -> None:
    """fsync a folder, so the names of the files just written in it are durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

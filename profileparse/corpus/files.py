"""Reading dump files for the corpus (run in worker processes, so module-level)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import IO

from attrs import frozen

from profileparse.model import Document

__all__ = ["FileDumps", "dump_place", "read_dumps", "taken_at"]


@frozen
class FileDumps:
    """What one file gave: its dumps, each with the key that identifies it in a corpus
    (the file's content hash and the dump's place in the file), or why it gave none."""

    path: str
    dumps: tuple[tuple[Document, str], ...] = ()
    failure: str | None = None
    #: Where the dump lives, from the build's root (see :func:`dump_place`).
    place: str | None = None
    #: When the dump was taken (see :func:`taken_at`).
    taken: str | None = None


def dump_place(path: str, root: str | None = None) -> str:
    """A dump's path as the corpus records it: from the build's root folder ``root``
    (default: the file's folder), starting with that folder's own name, with ``/``
    between folders (``2026-01/000.txt`` for ``snapshots/2026-01/000.txt`` given as a
    file, ``snapshots/2026-01/000.txt`` when the folder ``snapshots`` was given). Two
    dumps of the same name in different folders are told apart. A URL is kept whole."""
    if "://" in path and not path.startswith("file://"):
        return path
    local = os.path.abspath(path.removeprefix("file://"))
    base = os.path.abspath(root.removeprefix("file://")) if root else os.path.dirname(local)
    below = os.path.relpath(local, base)
    if below.startswith(os.pardir):  # not under the root: from the file's folder
        base, below = os.path.dirname(local), os.path.basename(local)
    return "/".join(part for part in (os.path.basename(base), *below.split(os.sep)) if part)


def taken_at(path: str) -> str | None:
    """When a dump file was taken, as far as the file says (:func:`profileparse.snapshots.taken_at`:
    its modification time), as an ISO date-time in UTC to the second; None for a URL or
    a file that cannot be read."""
    from profileparse.snapshots import taken_at as file_taken_at

    if "://" in path and not path.startswith("file://"):
        return None
    moment = file_taken_at(path.removeprefix("file://"))
    return None if moment is None else moment.isoformat(timespec="seconds")


def read_dumps(
    path: str,
    encoding: str | None = None,
    *,
    root: str | None = None,
    taken: str | None = None,
    reference_year: int | None = None,
) -> FileDumps:
    """Every dump in the file at ``path``, parsed (``reference_year`` gives dates shown
    without a year one), with where it lives from ``root`` (:func:`dump_place`) and
    when it was taken (``taken``, or :func:`taken_at`)."""
    from profileparse.errors import ParseError
    from profileparse.parsing import ParseOptions, parse_text
    from profileparse.text import BINARY_HEAD, binary, binary_head, decode

    options = ParseOptions(
        source=os.path.basename(path.rstrip("/")),
        encoding=encoding,
        reference_year=reference_year,
    )
    where = {"place": dump_place(path, root), "taken": taken or taken_at(path)}
    try:
        with _open(path) as handle:
            head = handle.read(BINARY_HEAD)
            if found := binary_head(head, encoding):  # told from its start: not read whole
                whole = hashlib.sha256(head)
                for piece in iter(lambda: handle.read(1 << 20), b""):
                    whole.update(piece)
                (document,) = parse_text("", options, found)
                return FileDumps(path, ((document, f"binary-{whole.hexdigest()}:0"),), **where)
            handle.seek(0)  # (read again from the start: no copy of the whole file)
            data = handle.read()
        text, found = decode(data, encoding=encoding)  # once: for the dumps and the key
        documents = parse_text(text, options, found)
    except OSError as exc:
        return FileDumps(path, failure=f"{path}: error: cannot read: {exc.strerror or exc}")
    except ParseError as exc:
        return FileDumps(path, failure=str(exc))
    # The key hashes the decoded text, as the first corpus version did, so re-adding a
    # file to a migrated corpus is still a no-op; a binary file (no text) its bytes.
    digest = (
        f"binary-{hashlib.sha256(data).hexdigest()}"
        if binary(found)
        else hashlib.sha256(text.encode("utf-8")).hexdigest()
    )
    dumps = tuple((doc, f"{digest}:{i}") for i, doc in enumerate(documents))
    return FileDumps(path, dumps, **where)


def _open(path: str) -> IO[bytes]:
    if "://" in path and not path.startswith("file://"):
        from profileparse.corpus.places import open_bytes

        return open_bytes(path)
    return open(Path(path.removeprefix("file://")), "rb")

"""Reading dump files for the corpus (run in worker processes, so module-level)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import IO

from attrs import frozen

from profileparse.model import Document

__all__ = ["FileDumps", "read_dumps"]


@frozen
class FileDumps:
    """What one file gave: its dumps, each with the key that identifies it in a corpus
    (the file's content hash and the dump's place in the file), or why it gave none."""

    path: str
    dumps: tuple[tuple[Document, str], ...] = ()
    failure: str | None = None


def read_dumps(path: str, encoding: str | None = None) -> FileDumps:
    from profileparse.errors import ParseError
    from profileparse.parsing import ParseOptions, parse_text
    from profileparse.text import BINARY_HEAD, binary, binary_head, decode

    options = ParseOptions(source=os.path.basename(path.rstrip("/")), encoding=encoding)
    try:
        with _open(path) as handle:
            head = handle.read(BINARY_HEAD)
            if found := binary_head(head, encoding):  # told from its start: not read whole
                whole = hashlib.sha256(head)
                for piece in iter(lambda: handle.read(1 << 20), b""):
                    whole.update(piece)
                (document,) = parse_text("", options, found)
                return FileDumps(path, ((document, f"binary-{whole.hexdigest()}:0"),))
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
    return FileDumps(path, tuple((doc, f"{digest}:{i}") for i, doc in enumerate(documents)))


def _open(path: str) -> IO[bytes]:
    if "://" in path and not path.startswith("file://"):
        from profileparse.corpus.places import open_bytes

        return open_bytes(path)
    return open(Path(path.removeprefix("file://")), "rb")

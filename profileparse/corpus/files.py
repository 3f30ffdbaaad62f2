"""Reading dump files for the corpus (run in worker processes, so module-level)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

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


def read_dumps(path: str) -> FileDumps:
    from profileparse.errors import ParseError
    from profileparse.parsing import _parse_parts, decode

    try:
        data = Path(path).read_bytes()
        text, found = decode(data)
        source = os.path.basename(path)
        documents = _parse_parts(text, None, source, False, None, found)
    except OSError as exc:
        return FileDumps(path, failure=f"{path}: cannot read: {exc.strerror or exc}")
    except ParseError as exc:
        return FileDumps(path, failure=str(exc))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return FileDumps(path, tuple((doc, f"{digest}:{i}") for i, doc in enumerate(documents)))

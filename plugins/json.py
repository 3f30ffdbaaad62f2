"""The ``json`` format: the whole document as one JSON object."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.model import Document
from profileparse.serialize import to_data


def dump(document: Document, /, *, indent: int | None = 2, ensure_ascii: bool = False) -> str:
    """``indent``: spaces per level (``None`` for one line); ``ensure_ascii``: escape
    non-ASCII characters."""
    return json.dumps(to_data(document), indent=indent, ensure_ascii=ensure_ascii) + "\n"


def dump_many(
    documents: Iterable[Document], /, *, indent: int | None = 2, ensure_ascii: bool = False
) -> Iterator[str]:
    """Several documents as one JSON array."""
    data = [to_data(document) for document in documents]
    yield json.dumps(data, indent=indent, ensure_ascii=ensure_ascii) + "\n"


@hookimpl
def register_formats(register: Any) -> None:
    register(
        Format(
            name="json",
            suffix=".json",
            description="the whole document as one JSON object (several: one array)",
            dump=dump,
            dump_many=dump_many,
        )
    )

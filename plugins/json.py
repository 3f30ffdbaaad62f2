"""The ``json`` format: the whole document as one JSON object.

With the ``fast`` extra, the default shape (two-space indent, UTF-8 text) is written by
orjson, which gives the same bytes as the standard library several times faster
(``tests/test_formats.py`` compares them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.model import Document
from profileparse.serialize import to_data


def _orjson() -> Any:
    try:
        import orjson
    except ImportError:
        return None
    return orjson


def _text(data: Any, indent: int | None, ensure_ascii: bool) -> str:
    fast = _orjson() if indent == 2 and not ensure_ascii else None
    if fast is not None:
        return str(fast.dumps(data, option=fast.OPT_INDENT_2).decode("utf-8")) + "\n"
    return json.dumps(data, indent=indent, ensure_ascii=ensure_ascii) + "\n"


def dump(document: Document, /, *, indent: int | None = 2, ensure_ascii: bool = False) -> str:
    """``indent``: spaces per level (``None`` for one line); ``ensure_ascii``: escape
    non-ASCII characters."""
    return _text(to_data(document), indent, ensure_ascii)


def dump_many(
    documents: Iterable[Document], /, *, indent: int | None = 2, ensure_ascii: bool = False
) -> Iterator[str]:
    """Several documents as one JSON array."""
    yield _text([to_data(document) for document in documents], indent, ensure_ascii)


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

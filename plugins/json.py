"""The ``json`` format: the whole document as one JSON object.

With the ``fast`` extra, the default shape (two-space indent, UTF-8 text) is written by
orjson, which gives the same bytes as the standard library several times faster
(``tests/test_formats.py`` compares them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.model import Document
from profileparse.serialize import paper_data, to_data


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
    return "".join(pieces(document, indent=indent, ensure_ascii=ensure_ascii))


def pieces(
    document: Document, /, *, indent: int | None = 2, ensure_ascii: bool = False
) -> Iterator[str]:
    """:func:`dump`'s text, a paper at a time: written in turn, a million papers never
    have all their text in memory."""
    yield from _object(document, indent, ensure_ascii)
    yield "\n"


def _layout(indent: int | None) -> tuple[str, str, str]:
    """json.dumps's layout: one line with ", " between items, or a line an item with ","
    and ``indent`` spaces a level (a value's own lines indented one level more). The
    separator between items, the line break and one level's indent."""
    return (", ", "", "") if indent is None else (",", "\n", " " * indent)


def _object(document: Document, indent: int | None, ensure_ascii: bool) -> Iterator[str]:
    """The text ``json.dumps(to_data(document))`` gives, a paper at a time: only one
    paper's data is built at once, not a dict for each of a million papers."""
    one = to_data(attrs.evolve(document, papers=()))
    comma, line, step = _layout(indent)
    yield "{"
    for number, (key, value) in enumerate(one.items()):
        yield (comma if number else "") + line + step + json.dumps(key) + ": "
        if key != "papers" or not document.papers:
            yield _text(value, indent, ensure_ascii)[:-1].replace("\n", "\n" + step)
            continue
        yield "["
        for count, paper in enumerate(map(paper_data, document.papers)):
            text = _text(paper, indent, ensure_ascii)[:-1].replace("\n", "\n" + step * 2)
            yield (comma if count else "") + line + step * 2 + text
        yield line + step + "]"
    yield line + "}"


def dump_many(
    documents: Iterable[Document], /, *, indent: int | None = 2, ensure_ascii: bool = False
) -> Iterator[str]:
    """Several documents as one JSON array (the text ``json.dumps`` gives), a paper at a
    time."""
    comma, line, step = _layout(indent)
    count = 0
    for count, document in enumerate(documents, start=1):
        yield ("[" if count == 1 else comma) + line + step
        for piece in _object(document, indent, ensure_ascii):
            yield piece.replace("\n", "\n" + step) if step else piece
    yield (line + "]" if count else "[]") + "\n"


@hookimpl
def register_formats(register: Any) -> None:
    register(
        Format(
            name="json",
            suffix=".json",
            description="the whole document as one JSON object (several: one array)",
            dump=dump,
            dump_many=dump_many,
            dump_pieces=pieces,
        )
    )

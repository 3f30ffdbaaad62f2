"""The ``jsonl`` format: one JSON object per paper, each with the profile name and source."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.model import Document
from profileparse.rows import paper_rows


def dump(document: Document, /, *, ensure_ascii: bool = False) -> str:
    """``ensure_ascii``: escape non-ASCII characters. UTF-8, no BOM, no blank lines."""
    return "".join(
        json.dumps(row, ensure_ascii=ensure_ascii) + "\n" for row in paper_rows(document)
    )


def dump_many(documents: Iterable[Document], /, *, ensure_ascii: bool = False) -> Iterator[str]:
    """Rows of every document, one after another, as each document arrives."""
    for document in documents:
        yield dump(document, ensure_ascii=ensure_ascii)


@hookimpl
def register_formats(register: Any) -> None:
    register(
        Format(
            "jsonl",
            ".jsonl",
            "one JSON object per paper (JSON Lines)",
            dump,
            dump_many=dump_many,
            streaming=True,
        )
    )

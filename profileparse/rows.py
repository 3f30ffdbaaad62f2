"""Papers as flat rows: the shape the row-oriented formats (jsonl, csv) share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from profileparse.model import Document
from profileparse.serialize import to_data

__all__ = ["COLUMNS", "paper_rows"]

COLUMNS = (
    "source", "layout", "profile_name", "title", "authors", "et_al", "affiliation",
    "category", "date", "has_code", "score", "abstract", "start_line", "end_line",
)  # fmt: skip


def paper_rows(document: Document) -> Iterator[dict[str, Any]]:
    """One dict per paper, carrying the document's source, layout and profile name."""
    name = document.profile.name if document.profile else None
    for paper in to_data(document)["papers"]:
        span = paper.pop("span") or {}
        yield {
            "source": document.source,
            "layout": document.layout,
            "profile_name": name,
            **paper,
            "start_line": span.get("start_line"),
            "end_line": span.get("end_line"),
        }

"""The ``csl-json`` format: CSL-JSON items, valid against the CSL data schema.

Names are split into ``family`` and ``given`` with particles (``van der``) kept in the
family name. A yearless date is written as a ``literal`` (``Apr 7``): CSL date-parts must start with
a year, and none is invented.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from profileparse.citations import citable, citation_keys
from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.model import Document, Paper
from profileparse.names import split_person


def _name(name: str) -> dict[str, str]:
    person = split_person(name)
    out = {"family": person.family}
    if person.given:
        out["given"] = person.given
    if person.suffix:
        out["suffix"] = person.suffix
    return out


def _item(key: str, paper: Paper, item_type: str) -> dict[str, Any]:
    item: dict[str, Any] = {"id": key, "type": item_type}
    if paper.title:
        item["title"] = paper.title
    if paper.authors:
        item["author"] = [_name(n) for n in paper.authors]
    if paper.date is not None:
        d = paper.date
        if d.year is not None:
            item["issued"] = {"date-parts": [[d.year, d.month, d.day]]}
        else:
            # CSL date-parts must start with a year; a yearless date is shown as written.
            item["issued"] = {"literal": d.as_shown()}
    if paper.abstract:
        item["abstract"] = paper.abstract
    if paper.category:
        item["keyword"] = paper.category
    if paper.affiliation:
        item["authority"] = paper.affiliation
    notes = (["author list truncated (et al.)"] if paper.et_al else []) + (
        ["code available"] if paper.has_code else []
    )
    if notes:
        item["note"] = "; ".join(notes)
    return item


def _items(papers: tuple[Paper, ...], item_type: str, indent: int | None) -> str:
    papers = citable(papers, "csl-json")
    keys = citation_keys(papers)
    items = [_item(k, p, item_type) for k, p in zip(keys, papers, strict=True)]
    return json.dumps(items, indent=indent, ensure_ascii=False) + "\n"


def dump(document: Document, /, *, item_type: str = "article", indent: int | None = 2) -> str:
    """``item_type``: the CSL type of every item; ``indent``: JSON indentation."""
    return _items(document.papers, item_type, indent)


def dump_many(
    documents: Iterable[Document], /, *, item_type: str = "article", indent: int | None = 2
) -> Iterator[str]:
    """One array of items for several documents, ids unique across all of them."""
    yield _items(tuple(p for d in documents for p in d.papers), item_type, indent)


@hookimpl
def register_formats(register: Any) -> None:
    register(
        Format(
            "csl-json",
            ".json",
            "CSL-JSON items for citation processors",
            dump,
            dump_many=dump_many,
        )
    )

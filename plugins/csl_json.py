"""The ``csl-json`` format: CSL-JSON items, valid against the CSL data schema.

Names are split into ``family`` and ``given`` with particles (``van der``) kept in the
family name; a truncated author list ends in ``{"literal": "others"}``, which citation
processors show as "et al." (it is what they make of BibTeX's ``and others``). TeX math in
titles is written as CSL rich text (``<i>D</i><sup><i>T</i></sup>`` for ``$D^{T}$``).
A yearless date (``Apr 7``) has no ``issued``, so it shows as "n.d." as BibTeX's does:
CSL dates must start with a year and none is invented. Its month and day are kept as
``custom["date-without-year"]``, ISO 8601's ``--04-07``.
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
from profileparse.tex import csl_rich_text

# A truncated author list's last name: what citation processors read as "et al.".
OTHERS = {"literal": "others"}


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
        item["title"] = csl_rich_text(paper.title)
    if paper.authors:
        item["author"] = [_name(n) for n in paper.authors] + ([OTHERS] if paper.et_al else [])
    if paper.date is not None:
        d = paper.date
        if d.year is not None:
            item["issued"] = {"date-parts": [[d.year, d.month, d.day]]}
        else:
            # No issued date, so "n.d." as in BibTeX; the month and day as ISO 8601 has them.
            item["custom"] = {"date-without-year": f"--{d.month:02d}-{d.day:02d}"}
    if paper.abstract:
        item["abstract"] = paper.abstract
    if paper.category:
        item["keyword"] = paper.category
    if paper.affiliation:
        item["publisher"] = paper.affiliation  # as BibTeX readers take "institution"
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

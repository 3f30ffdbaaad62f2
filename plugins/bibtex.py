"""The ``bibtex`` format: one entry per paper with stable, unique citation keys.

LaTeX specials (``& % $ # _ { } ~ ^ \\``) are escaped in text, while TeX math between
``$`` signs in titles and abstracts is kept as written. Non-ASCII names stay as they are
(UTF-8). A yearless date gives ``month`` but no ``year``, unless the document was parsed
with ``reference_year``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from profileparse.citations import citable, citation_keys
from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.model import MONTHS, Document, Paper
from profileparse.names import split_person
from profileparse.tex import split_math

_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIALS = re.compile("|".join(re.escape(c) for c in _ESCAPES))


def escape(text: str) -> str:
    """Escape LaTeX specials outside ``$...$`` math; balanced math is kept as it is."""
    return "".join(
        part if math else _SPECIALS.sub(lambda m: _ESCAPES[m.group()], part)
        for part, math in split_math(text)
    )


def _author_field(paper: Paper) -> str:
    names = []
    for name in paper.authors:
        person = split_person(name)
        parts = [escape(person.family)]
        if person.suffix:
            parts.append(escape(person.suffix))
        if person.given:
            parts.append(escape(person.given))
        names.append(", ".join(parts) if len(parts) > 1 else "{" + parts[0] + "}")
    if paper.et_al:
        names.append("others")
    return " and ".join(names)


def _fields(paper: Paper) -> Iterator[tuple[str, str]]:
    if paper.title:
        yield "title", "{" + escape(paper.title) + "}"
    if paper.authors:
        yield "author", "{" + _author_field(paper) + "}"
    if paper.date is not None:
        if paper.date.year is not None:
            yield "year", str(paper.date.year)
        yield "month", MONTHS[paper.date.month - 1].lower()
    if paper.affiliation:
        yield "institution", "{" + escape(paper.affiliation) + "}"
    if paper.category:
        yield "keywords", "{" + escape(paper.category) + "}"
    if paper.abstract:
        yield "abstract", "{" + escape(paper.abstract) + "}"
    if paper.has_code:
        yield "note", "{Code available}"


def _entries(papers: tuple[Paper, ...], entry_type: str) -> str:
    if not isinstance(entry_type, str) or not re.fullmatch(r"[A-Za-z]+", entry_type):
        raise ValueError(f"entry_type must be letters only, got {entry_type!r}")
    papers = citable(papers, "bibtex")
    entries = []
    for key, paper in zip(citation_keys(papers), papers, strict=True):
        body = ",\n".join(f"  {name} = {value}" for name, value in _fields(paper))
        entries.append(f"@{entry_type}{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


def dump(document: Document, /, *, entry_type: str = "misc") -> str:
    """``entry_type``: the BibTeX entry type of every entry (``misc``, ``article``, ...)."""
    return _entries(document.papers, entry_type)


def dump_many(documents: Iterable[Document], /, *, entry_type: str = "misc") -> Iterator[str]:
    """One bibliography for several documents: citation keys unique across all of them."""
    yield _entries(tuple(p for document in documents for p in document.papers), entry_type)


@hookimpl
def register_formats(register: Any) -> None:
    register(Format("bibtex", ".bib", "BibTeX, one entry per paper", dump, dump_many=dump_many))

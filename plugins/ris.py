"""The ``ris`` format: RIS records (TY first, ER last), one AU line per author."""

from __future__ import annotations

from typing import Any

from profileparse.citations import citable
from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.model import Document, Paper
from profileparse.names import split_person


def _author(name: str) -> str:
    person = split_person(name)
    parts = [person.family] + ([person.given] if person.given else [])
    if person.suffix:
        parts.append(person.suffix)
    return ", ".join(parts)


def _record(paper: Paper, kind: str) -> list[str]:
    lines = [f"TY  - {kind}"]
    if paper.title:
        lines.append(f"TI  - {paper.title}")
    lines += [f"AU  - {_author(name)}" for name in paper.authors]
    if paper.date is not None:
        date = paper.date
        if date.year is not None:
            lines.append(f"PY  - {date.year}")
            lines.append(f"DA  - {date.year}/{date.month:02d}/{date.day:02d}/")
        else:  # no year is invented: RIS allows the year part to be empty
            lines.append(f"DA  - /{date.month:02d}/{date.day:02d}/")
    if paper.category:
        lines.append(f"KW  - {paper.category}")
    if paper.affiliation:
        lines.append(f"AD  - {paper.affiliation}")
    if paper.abstract:
        lines.append(f"AB  - {paper.abstract}")
    if paper.et_al:
        lines.append("N1  - author list truncated (et al.)")
    if paper.has_code:
        lines.append("N1  - code available")
    lines.append("ER  - ")
    return lines


def dump(document: Document, /, *, type: str = "GEN") -> str:
    """``type``: the RIS reference type of every record (``GEN``, ``JOUR``, ``CPAPER``)."""
    kind = type.upper()
    if not kind.isalpha() or len(kind) > 6:
        raise ValueError(f"type must be a RIS reference type like GEN or JOUR, got {type!r}")
    lines: list[str] = []
    for paper in citable(document.papers, "ris"):
        lines += _record(paper, kind)
        lines.append("")
    return "\r\n".join(lines)


@hookimpl
def register_formats(register: Any) -> None:
    register(Format("ris", ".ris", "RIS records for reference managers", dump))

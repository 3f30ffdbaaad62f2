"""The ``markdown`` format: a readable page with the profile's metrics and the papers."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from typing import Any

from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.model import Document, PaperDate

# Characters Markdown gives meaning to that a backslash escapes (CommonMark and
# Python-Markdown agree on these); "-" and "." only matter at the start of a line.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!])")
_LINE_START = re.compile(r"^(\s*)(-|\d+(?=\.))", re.MULTILINE)


def escape(text: str) -> str:
    """Escape Markdown and HTML so text shows as written (no markup, no tags)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def dump(document: Document, /) -> str:
    """Metrics as a table, then the papers newest first with authors, flags and abstract."""
    return _page(document, level=1)


def dump_many(documents: Iterable[Document], /) -> Iterator[str]:
    """One page with a section per dump."""
    yield "# Dumps\n"
    for document in documents:
        yield "\n" + _page(document, level=2)


def _page(document: Document, level: int) -> str:
    out: list[str] = []
    profile = document.profile
    named = document.source and os.path.basename(document.source)
    title = profile.name if profile and profile.name else (named or "Papers")
    out += [f"{'#' * level} {escape(title)}", ""]
    if profile is not None:
        out += ["| metric | value |", "| --- | --- |"]
        for label, value in (
            ("category", profile.category),
            ("h-index", profile.h_index),
            ("papers", profile.paper_count),
            ("citations", profile.citations),
            ("novelty", None if profile.novelty is None else f"{profile.novelty}%"),
            ("AI score", profile.ai_score),
            ("papers listed", profile.listed_papers),
        ):
            if value is not None:
                out.append(f"| {label} | {escape(str(value))} |")
        out.append("")
    # Newest first: yearless dates are the recent ones, papers with no date last.
    for paper in sorted(document.papers, key=lambda p: PaperDate.order(p.date), reverse=True):
        out += [f"{'#' * (level + 1)} {escape(paper.title or 'Untitled')}", ""]
        facts = []
        if paper.authors:
            facts.append(escape(", ".join(paper.authors) + (" et al." if paper.et_al else "")))
        if paper.affiliation:
            facts.append(escape(paper.affiliation))
        if paper.date is not None:
            facts.append(paper.date.as_shown())
        if paper.category:
            facts.append(f"`{paper.category}`")
        if paper.has_code:
            facts.append("code")
        if paper.score is not None:
            facts.append(f"score {paper.score:g}")
        if facts:
            out += [" · ".join(facts), ""]
        if paper.abstract:
            out += [escape(paper.abstract), ""]
    return "\n".join(out).rstrip("\n") + "\n"


@hookimpl
def register_formats(register: Any) -> None:
    register(
        Format(
            "markdown",
            ".md",
            "a readable page: metrics table, papers by date",
            dump,
            dump_many=dump_many,
        )
    )

"""Compact HTML views of documents, papers and corpora, for notebooks (``_repr_html_``).

Every text from a dump is escaped; long author lists are cut with a count, abstracts are
folded in ``<details>``, and a table shows at most :data:`MAX_ROWS` papers, then says how
many more there are. Only the standard library is used.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Sequence

from profileparse.labels import PROFILE_LABELS
from profileparse.model import Document, Paper

__all__ = [
    "MAX_AUTHORS", "MAX_ROWS", "corpus_html", "document_html", "paper_html", "papers_html",
]  # fmt: skip

#: The most papers a table shows.
MAX_ROWS = 20
#: The most authors a row names before it gives the count of the others.
MAX_AUTHORS = 5

_STYLE = "border-collapse:collapse;text-align:left;vertical-align:top"


def _e(value: object) -> str:
    return html.escape(str(value))


def _authors(paper: Paper) -> str:
    shown = ", ".join(paper.authors[:MAX_AUTHORS])
    hidden = len(paper.authors) - MAX_AUTHORS
    if hidden > 0:
        shown += f" … (+{hidden} more)"
    if paper.et_al:
        shown += " et al."
    return _e(shown)


def _title(paper: Paper) -> str:
    title = _e(paper.title) if paper.title is not None else "<i>(no title)</i>"
    if paper.abstract:
        title += f"<details><summary>abstract</summary>{_e(paper.abstract)}</details>"
    return title


def _row(number: int, paper: Paper) -> str:
    cells = (
        str(number),
        _e(paper.date.as_shown()) if paper.date is not None else "",
        _title(paper),
        _authors(paper),
        _e(paper.category or ""),
        "yes" if paper.has_code else "",
    )
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def papers_html(papers: Iterable[Paper], total: int | None = None) -> str:
    """A table of the first :data:`MAX_ROWS` papers, then a line saying how many more
    there are: ``total`` less those shown, when given, else the rest of ``papers``."""
    listed = iter(papers)
    rows = [_row(n, paper) for n, paper in enumerate(itertools.islice(listed, MAX_ROWS), 1)]
    more = total - len(rows) if total is not None else sum(1 for _ in listed)
    head = "".join(f"<th>{name}</th>" for name in ("#", "date", "title", "authors", "cat.", "code"))
    table = (
        f'<table style="{_STYLE}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return table + (f"<p>… and {more} more</p>" if more > 0 else "")


def _facts(items: Sequence[tuple[str, object]]) -> str:
    shown = " · ".join(f"{_e(label)} {_e(value)}" for label, value in items if value is not None)
    return f"<p>{shown}</p>"


def document_html(document: Document) -> str:
    """A document as its header facts and a table of its papers."""
    profile = document.profile
    name = profile.name if profile is not None and profile.name else None
    errors = len(document.errors)
    facts: list[tuple[str, object]] = [
        ("source", document.source),
        ("layout", document.layout),
        ("papers", len(document.papers)),
    ]
    if profile is not None:
        facts += [
            (PROFILE_LABELS["h_index"], profile.h_index),
            (PROFILE_LABELS["citations"], profile.citations),
        ]
    facts += [("errors", errors), ("warnings", len(document.diagnostics) - errors)]
    heading = f"<b>{_e(name)}</b>" if name else "<b>Document</b>"
    return (
        f'<div class="profileparse-document"><p>{heading}</p>{_facts(facts)}'
        f"{papers_html(document.papers)}</div>"
    )


def paper_html(paper: Paper) -> str:
    """One paper as a two-column table of its fields (the abstract folded)."""
    values: list[tuple[str, str]] = [
        ("title", _e(paper.title) if paper.title is not None else "<i>(no title)</i>"),
        ("authors", _e(", ".join(paper.authors) + (" et al." if paper.et_al else ""))),
        ("affiliation", _e(paper.affiliation or "")),
        ("category", _e(paper.category or "")),
        ("date", _e(paper.date.as_shown()) if paper.date is not None else ""),
        ("code", "yes" if paper.has_code else ""),
        ("score", "" if paper.score is None else _e(paper.score)),
    ]
    if paper.abstract:
        values.append(
            ("abstract", f"<details><summary>show</summary>{_e(paper.abstract)}</details>")
        )
    if paper.span is not None:
        values.append(("lines", f"{paper.span.start_line}–{paper.span.end_line}"))
    rows = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in values)
    return f'<table class="profileparse-paper" style="{_STYLE}">{rows}</table>'


def corpus_html(path: str, counts: Sequence[tuple[str, int]], papers: Iterable[Paper]) -> str:
    """A corpus as its path, its counts and a table of its first papers."""
    facts = _facts(list(counts))
    total = dict(counts).get("papers")
    return (
        f'<div class="profileparse-corpus"><p><b>Corpus</b> {_e(path)}</p>{facts}'
        f"{papers_html(papers, total=total)}</div>"
    )

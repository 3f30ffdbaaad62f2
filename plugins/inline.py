"""The ``inline`` layout: meta line, title glued to authors (`` · affiliation``), abstract.

Grammar: ``grammars/inline.lark``. The title/author boundary is found by
:func:`profileparse.names.split_glued`.
"""

from __future__ import annotations

from typing import Any

from lark import Token, Transformer

from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.layouts import (
    Layout,
    LayoutResult,
    RecordLines,
    body_lines,
    diagnostic,
    meta_line,
    meta_paper,
    read_records,
    record_shape,
)
from profileparse.model import Diagnostic, Document, Paper, Severity
from profileparse.names import join_author_list, split_glued

_LONG = 25  # words


class InlineTransformer(Transformer[Token, Any]):
    """Turns the inline grammar's rules into the model."""

    def start(self, children: list[Any]) -> LayoutResult:
        papers: list[Paper] = []
        diagnostics: list[Diagnostic] = []
        for record_papers, record_diagnostics in children:
            papers.extend(record_papers)
            diagnostics.extend(record_diagnostics)
        return LayoutResult(papers=papers, diagnostics=diagnostics)

    def preamble(self, children: list[Token]) -> tuple[list[Paper], list[Diagnostic]]:
        message = "text before the first paper record was not read"
        lines = body_lines(children[0])
        return [], [diagnostic(Severity.WARNING, "preamble", message, lines[0], lines[-1])]

    def record(self, children: list[Token]) -> tuple[list[Paper], list[Diagnostic]]:
        lines = children[:1] + (body_lines(children[1]) if len(children) > 1 else [])
        return read_records(lines, 2, _paper)


def _paper(record: RecordLines, diagnostics: list[Diagnostic]) -> Paper:
    fields: dict[str, Any] = meta_paper(record, diagnostics)
    lines = record.lines
    glued: Token | None = None
    abstract: Token | None = None
    if len(lines) >= 2:
        glued, abstract = lines[0], lines[1]
    elif len(lines) == 1:
        if len(lines[0].split()) >= _LONG and split_glued(lines[0]).cost == float("inf"):
            abstract = lines[0]
        else:
            glued = lines[0]
    for extra in lines[2:]:
        diagnostics.append(
            diagnostic(
                Severity.WARNING,
                "extra-line",
                "an inline record has a meta line, a title+authors line and an abstract; "
                "this line is none of them and was not read",
                extra,
            )
        )
    last = lines[-1] if lines else None
    if glued is None:
        message = "this record has no title and author line"
        diagnostics.append(diagnostic(Severity.ERROR, "missing-title", message, record.meta, last))
    else:
        split = split_glued(glued)
        fields["title"] = split.title
        fields["authors"] = split.authors.names
        fields["et_al"] = split.authors.et_al
        fields["affiliation"] = split.authors.affiliation
        if not split.authors.names:
            diagnostics.append(
                diagnostic(
                    Severity.ERROR,
                    "missing-authors",
                    "no author names found at the end of this title line",
                    glued,
                )
            )
    if abstract is None:
        message = "this record has no abstract line"
        diagnostics.append(
            diagnostic(Severity.ERROR, "missing-abstract", message, record.meta, last)
        )
    else:
        fields["abstract"] = abstract.strip()
    return Paper(**fields)


def sniff(text: str) -> float:
    """0.9 for records of three lines (meta, title+authors, abstract); else low."""
    metas, gap = record_shape(text)
    if metas == 0 or gap is None:
        return 0.0
    if 1.5 <= gap < 2.5:
        return 0.9
    return 0.3 if gap < 1.5 else 0.1


def dump(document: Document, /) -> str:
    """Write ``document`` back in the inline layout (meta, title+authors, abstract).

    Every paper needs a category and a date for its meta line.
    """
    lines: list[str] = []
    for number, paper in enumerate(document.papers, start=1):
        meta = meta_line(paper, number)
        authors = join_author_list(paper.authors, paper.et_al, paper.affiliation)
        lines += [meta, (paper.title or "") + authors, paper.abstract or ""]
    return "".join(line + "\n" for line in lines)


@hookimpl
def register_formats(register: Any) -> None:
    register(
        Format(
            name="inline-dump",
            suffix=".txt",
            description="back to the inline layout's text",
            dump=dump,
        )
    )


@hookimpl
def register_layouts(register: Any) -> None:
    register(
        Layout(
            name="inline",
            description="meta line, title glued to authors (and · affiliation), abstract",
            grammar="inline.lark",
            transformer=InlineTransformer,
            sniff=sniff,
        )
    )

"""The ``inline`` layout: meta line, title glued to authors (`` · affiliation``), abstract.

Grammar: ``grammars/inline.lark``. Where the title ends and the first author begins
cannot be told by a grammar (``...Language ModelsXiaozhi Wang, Kaiyue Wen et al.``):
:func:`profileparse.glued.split_glued` scores every place a name could start.
"""

from __future__ import annotations

import bisect
from typing import Any

import attrs

from profileparse.formats import Format
from profileparse.glued import GluedSplit, glued_text, split_glued
from profileparse.hookspecs import hookimpl
from profileparse.layouts import (
    Layout,
    LayoutResult,
    Records,
    Token,
    as_line,
    body_lines,
    diagnostic,
)
from profileparse.model import Diagnostic, Document, Paper, Severity, Span
from profileparse.names import (
    join_author_list,
)

from .common import (
    CODES,
    RecordLines,
    is_meta_line,
    lost_meta,
    meta_line,
    read_records,
    record_meta,
    record_paper,
    record_shape,
    records_result,
    regular_meta,
)

_LONG = 25  # words


class InlineTransformer:
    """Turns the inline grammar's rules into the model."""

    def start(self, children: list[tuple[list[Paper], list[Diagnostic]]]) -> LayoutResult:
        return records_result(children)

    def preamble(self, children: list[Token]) -> tuple[list[Paper], list[Diagnostic]]:
        message = "text before the first paper record was not read"
        first, last = as_line(children[0]), as_line(children[-1])
        return [], [diagnostic(Severity.WARNING, "preamble", message, first, last)]

    def record(self, children: list[Token]) -> tuple[list[Paper], list[Diagnostic]]:
        lines = children[:1] + (body_lines(children[1]) if len(children) > 1 else [])
        return read_records(lines, 2, _paper, _lost_meta)


def _ambiguous(split: GluedSplit, token: Token) -> Diagnostic:
    """The warning for a split whose next best reading came close, showing that one."""
    shown = split.authors.names[0] if split.authors.names else ""
    message = (
        f"the title/author boundary is uncertain: read as '...{split.title[-40:]}' + '{shown}'"
    )
    if split.other is not None:
        title, first = split.other
        message += f"; it could also be '...{title[-40:]}' + '{first}'"
    return diagnostic(Severity.WARNING, "ambiguous-split", message, token)


def _glued_line(paper: Paper) -> str:
    """An inline line that splits as ``paper`` was split (for a second look)."""
    line = glued_text(paper.title or "", paper.authors) + (" et al." if paper.et_al else "")
    return line + (f" · {paper.affiliation}" if paper.affiliation else "")


def revise(result: LayoutResult) -> LayoutResult:
    """Look again at uncertain splits with the names the same dump shows cleanly: an
    author between commas, or the first author of a confident split. A reading whose
    first author is one of them gets cheaper (``KNOWN_NAME``)."""
    papers, diagnostics = list(result.papers), result.diagnostics
    uncertain = [d for d in diagnostics if d.code == "ambiguous-split"]
    if not uncertain:
        return result
    # The paper each warning is about: the one whose lines hold it (a record gives one
    # at most; papers are in line order).
    spans = [(paper.span, index) for index, paper in enumerate(papers) if paper.span]
    starts = [span.start_line for span, _ in spans]
    flagged: dict[int, Diagnostic] = {}
    for warning in uncertain:
        k = bisect.bisect_right(starts, warning.line) - 1
        if k >= 0 and warning.line <= spans[k][0].end_line:
            flagged[spans[k][1]] = warning
    shown: set[str] = set()
    for index, paper in enumerate(papers):
        shown.update(paper.authors[1:] if index in flagged else paper.authors)
    names = frozenset(map(" ".join, map(str.split, shown)))
    dropped: set[int] = set()
    for index, warning in flagged.items():
        paper = papers[index]
        split = split_glued(_glued_line(paper), names)
        if split.authors.names and split.confident:
            papers[index] = attrs.evolve(
                paper, title=split.title, authors=split.authors.names, et_al=split.authors.et_al
            )
            dropped.add(id(warning))
    kept = [d for d in diagnostics if id(d) not in dropped]
    return LayoutResult(profile=result.profile, papers=papers, diagnostics=kept)


def _lost_meta(lines: tuple[Token, ...]) -> int | None:
    """Where, after a record's title+authors line and abstract, the lines of a record
    that lost its meta line begin (a deleted line): a line that splits into a title and
    authors with confidence, then a long line; None when no such lines follow."""
    for at in range(2, len(lines) - 1):
        if len(lines[at + 1].split()) >= _LONG:
            split = split_glued(lines[at])
            if split.authors.names and split.confident:
                return at
    return None


def _paper(record: RecordLines, diagnostics: list[Diagnostic], lost: bool = False) -> Paper:
    """The paper a record shows. ``lost``: its meta line is missing between two records
    (``record.meta`` is its title+authors line)."""
    if lost:
        record = lost_meta(record, diagnostics, "a title+authors line and an abstract")
        meta = None
    else:
        meta = record_meta(record, diagnostics)
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
    split = None
    if glued is None:
        message = "this record has no title and author line"
        diagnostics.append(diagnostic(Severity.ERROR, "missing-title", message, record.meta, last))
    else:
        split = split_glued(glued)
        if split.authors.names and not split.confident:
            diagnostics.append(_ambiguous(split, glued))
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
    return record_paper(
        record.span,
        meta,
        title=split.title if split is not None else None,
        authors=split.authors if split is not None else None,
        abstract=abstract.strip() if abstract is not None else None,
    )


def _regular(tokens: tuple[str, ...], span: Span) -> Paper | None:
    """A record of exactly a title+authors line and an abstract, as ``_paper`` reads one;
    None when ``record`` must (see ``regular_meta``), or when the split needs a
    diagnostic (``_paper`` makes it)."""
    meta = regular_meta(tokens)
    if meta is None:
        return None
    _, glued, abstract = tokens
    split = split_glued(glued)
    if not split.authors.names or not split.confident:
        return None
    return record_paper(
        span, meta, title=split.title, authors=split.authors, abstract=abstract.strip()
    )


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
            record_start=is_meta_line,
            revise=revise,
            infers_titles=True,
            records=Records(
                opener="META",
                head="preamble",
                head_tokens={"LINE": None},
                lines=2,
                regular=_regular,
            ),
            codes={
                **CODES,
                "preamble": "text before the first paper record; it was not read",
                "ambiguous-split": "the title/author boundary is uncertain; the warning "
                "shows the other reading",
            },
        )
    )

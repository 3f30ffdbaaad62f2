"""The ``profile`` layout: a researcher's header, then meta/title/authors/abstract records.

Grammar: ``grammars/profile.lark``. The transformer below turns each rule straight into
the model while Lark parses (no parse tree is built).
"""

from __future__ import annotations

import re
from typing import Any

from lark import Token, Transformer

from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.layouts import (
    Layout,
    LayoutResult,
    RecordLines,
    as_line,
    body_lines,
    diagnostic,
    meta_line,
    meta_paper,
    read_records,
    record_shape,
    split_broken_meta,
)
from profileparse.meta import looks_like_broken_meta
from profileparse.model import Diagnostic, Document, Paper, Profile, Severity, Span
from profileparse.names import join_author_list, looks_like_author_list, parse_author_list

_NUMBER = re.compile(r"[0-9][0-9,]*")
_HEADER_HINT = re.compile(
    r"h-index[^\S\n]*[0-9]|[0-9]citations?\b|^[0-9][0-9,]*papers?$|^novelty[^\S\n]*[0-9]",
    re.IGNORECASE | re.MULTILINE,
)
# Fields of a record in order; a record has one text line for each.
_FIELDS = ("title", "authors", "abstract")
_LONG = 25  # words: an abstract is long, a title or author list is not


def _number(token: Token) -> int:
    m = _NUMBER.search(token.value)
    assert m is not None  # the lexer only emits these tokens with a number in them
    return int(m.group().replace(",", ""))


def _words(token: Token) -> int:
    return len(token.split())


def _assign(lines: tuple[Token, ...]) -> dict[str, Token]:
    """Which text line is the title, the authors line and the abstract."""
    if len(lines) >= 3:
        return dict(zip(_FIELDS, lines[: len(_FIELDS)], strict=True))
    if len(lines) == 2:
        first, second = lines
        if _words(second) >= _LONG or not looks_like_author_list(second):
            if looks_like_author_list(first) and _words(second) >= _LONG:
                # Either the title or the authors is missing; an author list is a better
                # guess only when the line really reads as one and the next is prose.
                return {"authors": first, "abstract": second}
            return {"title": first, "abstract": second}
        return {"title": first, "authors": second}
    if len(lines) == 1:
        only = lines[0]
        return {"abstract": only} if _words(only) >= _LONG else {"title": only}
    return {}


class ProfileTransformer(Transformer[Token, Any]):
    """Turns the profile grammar's rules into the model."""

    def start(self, children: list[Any]) -> LayoutResult:
        profile: Profile | None = None
        listed: Token | None = None
        papers: list[Paper] = []
        diagnostics: list[Diagnostic] = []
        for child in children:
            if isinstance(child, tuple) and child[0] == "header":
                _, profile, listed, header_diagnostics, header_papers = child
                diagnostics.extend(header_diagnostics)
                papers.extend(header_papers)
            else:
                record_papers, record_diagnostics = child
                papers.extend(record_papers)
                diagnostics.extend(record_diagnostics)
        if profile is not None and listed is not None and profile.listed_papers != len(papers):
            diagnostics.append(
                diagnostic(
                    Severity.WARNING,
                    "paper-count",
                    f"the header lists {profile.listed_papers} papers but "
                    f"{len(papers)} paper records follow",
                    listed,
                )
            )
        return LayoutResult(profile=profile, papers=papers, diagnostics=diagnostics)

    def header(self, children: list[tuple[str, Any, Token]]) -> tuple[Any, ...]:
        fields: dict[str, Any] = {}
        diagnostics: list[Diagnostic] = []
        papers: list[Paper] = []
        listed: Token | None = None
        # Free text after the metrics is not header: the first record, whose meta line
        # is damaged and so was not recognised as one.
        metrics_seen = False
        for index, (key, _, _) in enumerate(children):
            if key != "name":
                metrics_seen = True
            elif metrics_seen and looks_like_broken_meta(children[index][2].value):
                tail = [as_line(token) for _, _, token in children[index:]]
                for record in split_broken_meta(tail[0], tail[1:], expected=len(_FIELDS)):
                    papers.append(
                        _paper(RecordLines(record.meta, record.lines, False), diagnostics)
                    )
                children = children[:index]
                break
        for key, value, token in children:
            if key in fields:
                message = (
                    f"unexpected line in the profile header: {token.value.strip()!r}"
                    if key == "name"
                    else f"the profile header gives {key.replace('_', ' ')} twice"
                )
                diagnostics.append(diagnostic(Severity.WARNING, "header", message, token))
                continue
            fields[key] = value
            if key == "listed_papers":
                listed = token
        tokens = [token for _, _, token in children]
        span = Span(tokens[0].line or 1, tokens[-1].line or 1)
        try:
            profile = Profile(span=span, **fields)
        except ValueError as exc:  # a value out of range (novelty above 100, ...)
            diagnostics.append(diagnostic(Severity.ERROR, "header", str(exc), tokens[0]))
            profile = Profile(span=span, name=fields.get("name"))
        return ("header", profile, listed, diagnostics, papers)

    def name(self, children: list[Token]) -> tuple[str, Any, Token]:
        return ("name", children[0].value.strip(), children[0])

    def category(self, children: list[Token]) -> tuple[str, Any, Token]:
        return ("category", children[0].value.strip(), children[0])

    def h_index(self, children: list[Token]) -> tuple[str, Any, Token]:
        return ("h_index", _number(children[0]), children[0])

    def paper_count(self, children: list[Token]) -> tuple[str, Any, Token]:
        return ("paper_count", _number(children[0]), children[0])

    def citations(self, children: list[Token]) -> tuple[str, Any, Token]:
        return ("citations", _number(children[0]), children[0])

    def novelty(self, children: list[Token]) -> tuple[str, Any, Token]:
        return ("novelty", _number(children[0]), children[0])

    def ai_score(self, children: list[Token]) -> tuple[str, Any, Token]:
        return ("ai_score", _number(children[0]), children[0])

    def listed_papers(self, children: list[Token]) -> tuple[str, Any, Token]:
        return ("listed_papers", _number(children[0]), children[0])

    def record(self, children: list[Token]) -> tuple[list[Paper], list[Diagnostic]]:
        return read_records(_record_lines(children), len(_FIELDS), _paper)


def _record_lines(children: list[Token]) -> list[Token]:
    """``[META, BODY]`` as ``[META, line, line, ...]``."""
    return children[:1] + (body_lines(children[1]) if len(children) > 1 else [])


def _paper(record: RecordLines, diagnostics: list[Diagnostic]) -> Paper:
    fields: dict[str, Any] = meta_paper(record, diagnostics)
    found = _assign(record.lines)
    for extra in record.lines[len(_FIELDS) :]:
        diagnostics.append(
            diagnostic(
                Severity.WARNING,
                "extra-line",
                "a record has a meta line, a title, an author list and an abstract; "
                "this line is none of them and was not read",
                extra,
            )
        )
    for name in _FIELDS:
        if name not in found:
            diagnostics.append(
                diagnostic(
                    Severity.ERROR,
                    f"missing-{name}",
                    f"this record has no {name} line",
                    record.meta,
                    record.lines[-1] if record.lines else None,
                )
            )
    if "title" in found:
        fields["title"] = found["title"].strip()
    if "abstract" in found:
        fields["abstract"] = found["abstract"].strip()
    if "authors" in found:
        authors = parse_author_list(found["authors"])
        fields.update(authors=authors.names, et_al=authors.et_al, affiliation=authors.affiliation)
    return Paper(**fields)


def sniff(text: str) -> float:
    """1 for a text with a profile header; 0.9 for records of four lines; else low."""
    head = "\n".join(text.lstrip().split("\n", 40)[:40])
    if len(_HEADER_HINT.findall(head)) >= 2:
        return 1.0
    metas, gap = record_shape(text)
    if metas == 0 or gap is None:
        return 0.0
    if gap >= 2.5:
        return 0.9
    return 0.2


def _header_lines(profile: Profile) -> list[str]:
    lines = [profile.name or "", ""]
    for value, template in (
        (profile.category, "{}"),
        (profile.h_index, "h-index{}"),
        (profile.paper_count, "{}papers"),
        (profile.citations, "{:,}citations"),
        (profile.novelty, "Novelty{}%"),
        (profile.ai_score, "AI Score{}"),
    ):
        if value is not None:
            lines.append(template.format(value))
    lines.append("")
    if profile.listed_papers is not None:
        lines += [f"{profile.listed_papers} Papers", ""]
    return lines


def dump(document: Document, /) -> str:
    """Write ``document`` back in the profile layout (header, then four-line records).

    Every paper needs a category and a date for its meta line.
    """
    lines = _header_lines(document.profile) if document.profile is not None else []
    for number, paper in enumerate(document.papers, start=1):
        meta = meta_line(paper, number)
        authors = join_author_list(paper.authors, paper.et_al, paper.affiliation)
        lines += [meta, paper.title or "", "", authors, "", paper.abstract or "", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


@hookimpl
def register_formats(register: Any) -> None:
    register(
        Format(
            name="profile-dump",
            suffix=".txt",
            description="back to the profile layout's text",
            dump=dump,
        )
    )


@hookimpl
def register_layouts(register: Any) -> None:
    register(
        Layout(
            name="profile",
            description="researcher header, then meta / title / authors / abstract records",
            grammar="profile.lark",
            transformer=ProfileTransformer,
            sniff=sniff,
        )
    )

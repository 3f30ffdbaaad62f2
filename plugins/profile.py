"""The ``profile`` layout: a researcher's header, then meta/title/authors/abstract records.

Grammar: ``grammars/profile.lark``. The transformer below turns each rule straight into
the model while Lark parses (no parse tree is built).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.layouts import (
    Layout,
    LayoutResult,
    Records,
    Token,
    as_line,
    body_lines,
    diagnostic,
    grammar_terminal,
)
from profileparse.model import Diagnostic, Document, Paper, Profile, Severity, Span
from profileparse.names import (
    join_author_list,
    looks_like_author_list,
    name_cost,
    parse_author_list,
)

from .common import (
    CODES,
    RecordLines,
    is_meta_line,
    looks_like_broken_meta,
    lost_meta,
    meta_line,
    read_records,
    record_meta,
    record_paper,
    record_shape,
    records_result,
    regular_meta,
    split_broken_meta,
)

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


class HeaderLine(NamedTuple):
    """One line of the header: which field it gives, its value, and the token."""

    field: str
    value: Any
    token: Token


class Header(NamedTuple):
    """The header: the profile, its diagnostics, and any records found inside it (free
    text after the metrics is the first record, whose meta line is damaged; text with
    no metric at all is no header, only the end of a record)."""

    profile: Profile | None
    diagnostics: tuple[Diagnostic, ...]
    papers: tuple[Paper, ...]


def _metric(field: str) -> Callable[[Any, list[Token]], HeaderLine]:
    """The handler of a metric rule: the number on its line."""

    def handler(self: Any, children: list[Token]) -> HeaderLine:
        return HeaderLine(field, _number(children[0]), children[0])

    return handler


def _text(field: str) -> Callable[[Any, list[Token]], HeaderLine]:
    """The handler of a text rule: the line's text."""

    def handler(self: Any, children: list[Token]) -> HeaderLine:
        return HeaderLine(field, children[0].value.strip(), children[0])

    return handler


class ProfileTransformer:
    """Turns the profile grammar's rules into the model."""

    name = _text("name")
    category = _text("category")
    h_index = _metric("h_index")
    paper_count = _metric("paper_count")
    citations = _metric("citations")
    novelty = _metric("novelty")
    ai_score = _metric("ai_score")
    listed_papers = _metric("listed_papers")

    def start(self, children: list[Header | tuple[list[Paper], list[Diagnostic]]]) -> LayoutResult:
        header = next((child for child in children if isinstance(child, Header)), None)
        return records_result(
            ((c.papers, c.diagnostics) if isinstance(c, Header) else c for c in children),
            profile=header.profile if header is not None else None,
        )

    def header(self, children: list[HeaderLine]) -> Header:
        fields: dict[str, Any] = {}
        diagnostics: list[Diagnostic] = []
        papers: list[Paper] = []
        if all(line.field == "name" for line in children):
            # No category, no metric: not a header but half a page pasted, starting
            # inside the first paper record. Never take its title as the name.
            tokens = [as_line(line.token) for line in children]
            record = RecordLines(tokens[0], tuple(tokens[1:]), False)
            paper = _paper(record, diagnostics, headless=True)
            return Header(None, tuple(diagnostics), (paper,))
        # Free text after the metrics is not header: the first record, whose meta line
        # is damaged and so was not recognised as one.
        metrics_seen = False
        for index, line in enumerate(children):
            if line.field != "name":
                metrics_seen = True
            elif metrics_seen and looks_like_broken_meta(line.token.value):
                tail = [as_line(later.token) for later in children[index:]]
                for record in split_broken_meta(tail[0], tail[1:], expected=len(_FIELDS)):
                    papers.append(
                        _paper(RecordLines(record.meta, record.lines, False), diagnostics)
                    )
                children = children[:index]
                break
        for line in children:
            if line.field in fields:
                message = (
                    f"unexpected line in the profile header: {line.token.value.strip()!r}"
                    if line.field == "name"
                    else f"the profile header gives {line.field.replace('_', ' ')} twice"
                )
                diagnostics.append(diagnostic(Severity.WARNING, "header", message, line.token))
                continue
            fields[line.field] = line.value
        span = Span(children[0].token.line or 1, children[-1].token.line or 1)
        try:
            profile = Profile(span=span, **fields)
        except ValueError as exc:  # a value out of range (novelty above 100, ...)
            diagnostics.append(diagnostic(Severity.ERROR, "header", str(exc), children[0].token))
            profile = Profile(span=span, name=fields.get("name"))
        return Header(profile, tuple(diagnostics), tuple(papers))

    def record(self, children: list[Token]) -> tuple[list[Paper], list[Diagnostic]]:
        return read_records(_record_lines(children), len(_FIELDS), _paper, _lost_meta)


def check(profile: Profile | None, paper_count: int) -> Iterator[Diagnostic]:
    """The header says how many papers the page lists; the records should agree.

    Fewer records than the header lists means records were lost in the copy (a page not
    scrolled to its end, a paste cut short): an error. More records than it lists is a
    warning: nothing is lost, but the header and the page disagree.
    """
    listed = None if profile is None else profile.listed_papers
    if listed is None or profile is None or listed == paper_count:
        return
    line = profile.span.end_line if profile.span is not None else 1
    if listed > paper_count:
        lost = listed - paper_count
        yield Diagnostic(
            Severity.ERROR,
            "paper-count",
            f"the header lists {listed} papers but {paper_count} paper records follow: "
            f"{lost} {'record was' if lost == 1 else 'records were'} lost in the copy",
            line,
        )
    else:
        yield Diagnostic(
            Severity.WARNING,
            "paper-count",
            f"the header lists {listed} papers but {paper_count} paper records follow",
            line,
        )


def _terminal(name: str) -> re.Pattern[str]:
    return grammar_terminal("profileparse.grammars", "profile.lark", name)


_INDEX = re.compile("-index", re.IGNORECASE)
_SPACE = re.compile(r"\s*")  # a literal search runs at memchr speed


def _lines_before(text: str, end: int, count: int) -> list[tuple[int, str]]:
    """The ``count`` non-blank lines before position ``end``: (start offset, text)."""
    found: list[tuple[int, str]] = []
    while end > 0 and len(found) < count:
        begin = text.rfind("\n", 0, end - 1) + 1
        line = text[begin : end - 1].strip()
        if line:
            found.insert(0, (begin, line))
        end = begin
    return found


@functools.cache
def _glued_name_pattern() -> re.Pattern[str]:  # (compiled when first needed: start-up time)
    return re.compile(r"[.!?)\]\"'”’]([A-Z][^.!?]{1,60})\Z")


def _glued_name(line: str) -> int:
    """The column where a name starts that was glued to the end of a sentence (``cat``
    of a file with no final newline: "...recognition task.Xiaokun Wang"), or 0."""
    m = _glued_name_pattern().search(line) if len(line) > 60 else None
    if m is None or name_cost(m.group(1)) >= 6.0:
        return 0
    return m.start(1) + 1


def starts(text: str) -> Iterator[int | tuple[int, int]]:
    """Lines where a profile header (name, category, h-index) begins after other text;
    a (line, column) pair where its name was glued to the end of the line before."""
    h_index, category = _terminal("H_INDEX"), _terminal("CATEGORY")
    first = _SPACE.match(text).end()  # type: ignore[union-attr]  # matches ""
    for m in _INDEX.finditer(text):
        begin = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.start())
        if not h_index.fullmatch(text[begin : end if end >= 0 else len(text)].strip() + "\n"):
            continue
        before = _lines_before(text, begin, 2)
        if len(before) == 2 and category.fullmatch(before[1][1] + "\n") and before[0][0] > first:
            name_start = before[0][0]
            line = text.count("\n", 0, name_start) + 1
            column = _glued_name(text[name_start : text.find("\n", name_start)])
            yield (line, column) if column else line


def _record_lines(children: list[Token]) -> list[Token]:
    """``[META, BODY]`` as ``[META, line, line, ...]``."""
    return children[:1] + (body_lines(children[1]) if len(children) > 1 else [])


def _lost_meta(lines: tuple[Token, ...]) -> int | None:
    """Where, after a record's title, author list and abstract, the lines of a record
    that lost its meta line begin (a deleted line): a title, a line that reads as an
    author list, and a line after it; None when no such three lines follow."""
    for at in range(len(_FIELDS), len(lines) - 2):
        if looks_like_author_list(lines[at + 1].value):
            return at
    return None


def _paper(
    record: RecordLines,
    diagnostics: list[Diagnostic],
    lost: bool = False,
    headless: bool = False,
) -> Paper:
    """The paper a record shows. ``lost``: its meta line is missing between two records
    (``record.meta`` is its title line); ``headless``: the text begins inside this
    record, so it has no meta line and ``record.meta`` is its first text line."""
    lines = record.lines
    meta = None
    if lost:
        lines = lost_meta(record, diagnostics, "a title, an author list and an abstract").lines
    elif headless:
        lines = (record.meta, *record.lines)
        message = (
            "the text starts inside a paper record: its meta line is missing (half a page "
            "pasted?); these lines were read as the rest of that record"
        )
        diagnostics.append(
            diagnostic(Severity.ERROR, "missing-meta", message, record.meta, lines[-1])
        )
    else:
        meta = record_meta(record, diagnostics)
    found = _assign(lines)
    for extra in lines[len(_FIELDS) :]:
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
                    lines[-1] if lines else None,
                )
            )
    return record_paper(
        record.span,
        meta,
        title=found["title"].strip() if "title" in found else None,
        authors=parse_author_list(found["authors"]) if "authors" in found else None,
        abstract=found["abstract"].strip() if "abstract" in found else None,
    )


def _regular(tokens: tuple[str, ...], span: Span) -> Paper | None:
    """A record of exactly a title, an author list and an abstract line, as ``_paper``
    reads one (None when ``record`` must: see ``regular_meta``)."""
    meta = regular_meta(tokens)
    if meta is None:
        return None
    _, title, authors, abstract = tokens
    return record_paper(
        span,
        meta,
        title=title.strip(),
        authors=parse_author_list(authors),
        abstract=abstract.strip(),
    )


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


# The header's metric rules, each reading the one terminal of its name in capitals.
_METRICS = (
    "category",
    "h_index",
    "paper_count",
    "citations",
    "novelty",
    "ai_score",
    "listed_papers",
)

LAYOUT = Layout(
    name="profile",
    description="researcher header, then meta / title / authors / abstract records",
    grammar="profile.lark",
    transformer=ProfileTransformer,
    sniff=sniff,
    starts=starts,
    record_start=is_meta_line,
    check=check,
    records=Records(
        opener="META",
        head="header",
        # The header's lines: each metric terminal read by the rule of the same name,
        # any other line by ``name`` (as the grammar's ``_header_line`` says).
        head_tokens={
            **{rule.upper(): rule for rule in _METRICS},
            "LINE": "name",
        },
        lines=len(_FIELDS),
        regular=_regular,
    ),
    codes={
        **CODES,
        "header": "a header line given twice, or a value out of range",
        "paper-count": "the header's paper count differs from the records that follow",
    },
)


@hookimpl
def register_layouts(register: Any) -> None:
    register(LAYOUT)

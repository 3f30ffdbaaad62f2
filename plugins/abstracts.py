"""The ``abstracts`` layout: one ``Abstract:`` line per paper, nothing else.

Grammar: ``grammars/abstracts.lark``.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from typing import Any

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
from profileparse.model import (
    Diagnostic,
    Document,
    Paper,
    Severity,
    Span,
    trusted_paper,
    trusted_span,
)

from .common import is_meta_line, records_result


def _abstract() -> re.Pattern[str]:
    """The grammar's ABSTRACT terminal: an ``Abstract:`` line."""
    return grammar_terminal("profileparse.grammars", "abstracts.lark", "ABSTRACT")


@functools.cache
def _abstract_line() -> re.Pattern[str]:
    """An ``Abstract:`` line after the first: a line break, then the grammar's terminal
    (a pattern that starts with a literal: the regex engine scans at memchr speed)."""
    return re.compile(f"\n(?:{_abstract().pattern})")


def _is_abstract_line(line: str) -> bool:
    """True when ``line`` is an ``Abstract:`` line."""
    return _abstract().match(line.strip() + "\n") is not None


def _paper(line: str, span: Span) -> Paper:
    """The paper of an ``Abstract:`` line (an ABSTRACT token's text): what follows its
    first colon (the lexer matched one)."""
    text = line[line.index(":") + 1 :].strip()
    return trusted_paper(None, (), False, None, None, None, False, None, text or None, span)


class AbstractsTransformer:
    """Turns the abstracts grammar's rules into the model."""

    def start(self, children: list[tuple[list[Paper], list[Diagnostic]]]) -> LayoutResult:
        return records_result(children)

    def preamble(self, children: list[Token]) -> tuple[list[Paper], list[Diagnostic]]:
        return [], [_stray(as_line(token)) for token in children]

    def record(self, children: list[Token]) -> tuple[list[Paper], list[Diagnostic]]:
        token = children[0]
        line = token.line or 1
        paper = _paper(token.value, trusted_span(line, line))
        return [paper], ([_stray(line) for line in body_lines(children[1])] if children[1:] else [])


def _without_empty(result: LayoutResult) -> LayoutResult:
    """An ``Abstract:`` line with no text after it shows no paper: none is kept, and each
    run of such lines is one warning that spans them (a million of them make one
    diagnostic, not a million empty papers)."""
    if all(paper.abstract is not None for paper in result.papers):
        return result
    papers: list[Paper] = []
    runs: list[list[int]] = []  # [first line, last line, count] of each run
    previous_empty = False
    for paper in result.papers:
        if paper.abstract is not None:
            papers.append(paper)
            previous_empty = False
            continue
        first, last = (paper.span.start_line, paper.span.end_line) if paper.span else (1, 1)
        if previous_empty:
            runs[-1][1:] = [last, runs[-1][2] + 1]
        else:
            runs.append([first, last, 1])
        previous_empty = True
    found = [
        Diagnostic(
            Severity.WARNING,
            "empty-abstract",
            f"{count} 'Abstract:' line(s) with no text after the colon: no paper read",
            first,
            1,
            last,
        )
        for first, last, count in runs
    ]
    diagnostics = sorted((*result.diagnostics, *found), key=lambda d: (d.line, d.column))
    return LayoutResult(profile=result.profile, papers=papers, diagnostics=diagnostics)


def _stray(line: Token) -> Diagnostic:
    """The diagnostic for a line that is no ``Abstract:`` line."""
    message = "not an 'Abstract:' line; it was not read"
    return diagnostic(Severity.WARNING, "extra-line", message, line)


def _regular(tokens: tuple[str, ...], span: Span) -> Paper:
    """An ``Abstract:`` line with no other line after it, as ``record`` reads one."""
    return _paper(tokens[0], span)


def sniff(text: str) -> float:
    """The share of the first non-blank lines that start with ``Abstract:``."""
    lines = [line for line in text.split("\n", 400)[:400] if line.strip()]
    if not lines:
        return 0.0
    hits = sum(1 for line in lines if _is_abstract_line(line))
    return hits / len(lines)


_SENTENCES = ".!?)]\"'”’"  # what ends a sentence


def _glued(text: str) -> Iterator[tuple[int, int]]:
    """``Abstract:`` right after the end of a sentence, mid-line: the first line of an
    abstracts dump glued to the last line of the text before it (``cat`` of a file with
    no final newline)."""
    # Each colon is found by str.find (at memchr speed, three times a regex's scan) and
    # looked at closer only after a "t", or after white space (what "abstract" may end
    # at, when it does, is found by walking back over it).
    find = text.find
    colon = find(":", 1)
    while colon >= 0:
        end = colon
        before = text[end - 1]
        if before not in "tT":
            while before != "\n" and before.isspace() and end > 1:
                end -= 1
                before = text[end - 1]
        at = end - len("abstract")
        if (
            before in "tT"
            and at >= 1
            and text[at - 1] in _SENTENCES
            and text[at:end].lower() == "abstract"
        ):
            line_start = text.rfind("\n", 0, at) + 1
            if text[line_start:at].strip() and _abstract().match(text, at):
                yield text.count("\n", 0, at) + 1, at - line_start + 1
        colon = find(":", colon + 1)


def _any_abstract_line(text: str) -> bool:
    return bool(_abstract().match(text) or _abstract_line().search(text))


# The start of every line but those that begin with a plain "Abstract:" (the pattern
# starts with a literal, so the regex engine finds line ends at memchr speed).
_OTHER_LINE = re.compile(r"\n(?!Abstract:|\n)")  # nor blank lines


def _any_meta_line(text: str) -> bool:
    """Whether any line is a meta line (only lines not starting with "Abstract:" can be)."""
    for begin in itertools.chain([0], (m.end() for m in _OTHER_LINE.finditer(text))):
        end = text.find("\n", begin)
        if is_meta_line(text[begin : end if end >= 0 else len(text)]):
            return True
    return False


def starts(text: str) -> Iterator[int | tuple[int, int]]:
    """Lines where an abstracts dump begins after paper records (a run of two or more
    ``Abstract:`` lines: one alone is more likely an abstract that begins with the
    word), where paper records begin after such a run, and where an ``Abstract:`` line
    was glued to the end of the line before it."""
    glued = list(_glued(text))
    yield from glued
    if not glued and not _any_abstract_line(text):
        return  # no line is an "Abstract:" line: no run starts or ends
    if not _any_meta_line(text):
        return  # runs only matter next to paper records, whose meta lines start them
    glued_lines = {line - 1 for line, _ in glued}  # 0-based, like i below
    seen_meta = False
    run = 0
    run_start = first = -1
    for i, raw in enumerate(text.split("\n")):
        line = raw.strip()
        if not line:
            continue
        if first < 0:
            first = i
        if i in glued_lines or _is_abstract_line(line):
            if run == 0:
                run_start = i
            run += 1
            # A glued line already began its dump, in the middle of the line.
            if run == 2 and seen_meta and run_start > first and run_start not in glued_lines:
                yield run_start + 1
        else:
            if is_meta_line(line):
                if run >= 2:
                    yield i + 1
                seen_meta = True
            run = 0


def dump(document: Document, /) -> str:
    """Write ``document`` back in the abstracts layout: one ``Abstract:`` line a paper."""
    return "".join(f"Abstract:{paper.abstract or ''}\n" for paper in document.papers)


@hookimpl
def register_formats(register: Any) -> None:
    register(
        Format(
            name="abstracts-dump",
            suffix=".txt",
            description="back to the abstracts layout's text",
            dump=dump,
        )
    )


@hookimpl
def register_layouts(register: Any) -> None:
    register(
        Layout(
            name="abstracts",
            description="one 'Abstract:' line per paper",
            grammar="abstracts.lark",
            transformer=AbstractsTransformer,
            sniff=sniff,
            starts=starts,
            glued_starts=_glued,
            record_start=lambda line: True,  # every line is a record
            records=Records(
                opener="ABSTRACT",
                head="preamble",
                head_tokens={"LINE": None},
                lines=0,
                regular=_regular,
            ),
            revise=_without_empty,
            codes={
                "extra-line": "a line that is not an 'Abstract:' line; it was not read",
                "empty-abstract": "'Abstract:' lines with no text: no paper is read for them "
                "(one warning a run)",
            },
        )
    )

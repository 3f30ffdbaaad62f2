"""The ``abstracts`` layout: one ``Abstract:`` line per paper, nothing else.

Grammar: ``grammars/abstracts.lark``.
"""

from __future__ import annotations

import re
from typing import Any

from lark import Token, Transformer

from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.layouts import Layout, LayoutResult, diagnostic
from profileparse.model import Diagnostic, Document, Paper, Severity, Span

_LABEL = re.compile(r"\s*abstract\s*:\s*", re.IGNORECASE)


class AbstractsTransformer(Transformer[Token, Any]):
    """Turns the abstracts grammar's rules into the model."""

    def start(self, children: list[Paper | Diagnostic]) -> LayoutResult:
        papers = [c for c in children if isinstance(c, Paper)]
        diagnostics = [c for c in children if isinstance(c, Diagnostic)]
        return LayoutResult(papers=papers, diagnostics=diagnostics)

    def abstract(self, children: list[Token]) -> Paper:
        token = children[0]
        text = _LABEL.sub("", token.value, count=1).strip()
        line = token.line or 1
        return Paper(abstract=text or None, span=Span(line, line))

    def stray(self, children: list[Token]) -> Diagnostic:
        message = "not an 'Abstract:' line; it was not read"
        return diagnostic(Severity.WARNING, "extra-line", message, children[0])


def sniff(text: str) -> float:
    """The share of the first non-blank lines that start with ``Abstract:``."""
    lines = [line for line in text.split("\n", 400)[:400] if line.strip()]
    if not lines:
        return 0.0
    hits = sum(1 for line in lines if _LABEL.match(line))
    return hits / len(lines)


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
        )
    )

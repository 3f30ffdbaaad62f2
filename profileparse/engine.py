"""The record engine: reads a record layout's dumps without Lark's parser.

A layout whose grammar has the record shape

    start: _NL? <head>? record*
    <head>: ...                  the text before the first record (a header, a preamble)
    record: <OPENER> BODY?       a record's first line, then the lines up to the next one

declares that shape as :class:`~profileparse.layouts.Records` (``Layout.records``),
and this module reads its dumps for it. Its tokens are the grammar's own terminals,
matched where Lark's lexer matches them: the opener at the start of each record,
``BODY`` up to the next opener, and in the head the terminals the layout names, tried
in Lark's order (priority, then the widest pattern first). Its values come from the
transformer's own rule handlers: the head's rules, ``record`` for each record,
``start`` for the whole. Only a regular record (a ``BODY`` of exactly ``Records.lines``
lines, matched as that many of the line terminal a ``BODY`` is made of) goes to the
layout's builder instead of ``record``, its tokens as plain strings; the builder may
decline one (an impossible date, a line that needs a diagnostic), and ``record`` then
reads it (a declined record keeps the regular shape).

Lark stays the reference: ``parsing.parse_with_grammar`` runs the same grammar and
transformer, and the tests hold the two equal.
"""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

from profileparse.layouts import (
    Layout,
    LayoutResult,
    Records,
    Token,
    grammar_terminal,
    lexer_order,
    terminal_pattern,
)
from profileparse.model import Paper, trusted_span
from profileparse.text import trailing_space

__all__ = ["Reader", "Reading", "read"]


class Reading(NamedTuple):
    """What :func:`read` gives: the layout's result, whether every record was regular
    (had the regular shape, whether or not its builder declined it), and where the
    text's lead ends: its head and first ``LEAD_RECORDS`` records (all of it when it has
    no more)."""

    result: LayoutResult
    regular: bool
    lead_end: int


def read(layout: Layout, prepared: str, first_line: int = 1) -> Reading:
    """A record layout's reading of a normalised text: the result Lark's parse of the
    layout's grammar with its transformer gives, and how regular its records were.
    ``first_line``: the number of the text's first line (a piece of a file), as if that
    many line breaks came before it."""
    reader = Reader(layout, prepared, first_line)
    reader.read()
    return reader.reading()


#: How many records a text's lead holds after its head: where a record layout reads
#: every record as regular, a dump that begins later breaks a record, or begins
#: mid-line (see ``parsing._read``). Two, so that a run of two records of another
#: dump's shape that starts right after the head shows whole.
LEAD_RECORDS = 2


class Reader:
    """:func:`read` a record at a time: :meth:`read` goes on to the end of the text, or
    stops before the first record that is not regular (where a caller may want to look
    at the text before reading on)."""

    def __init__(self, layout: Layout, prepared: str, first_line: int = 1) -> None:
        records = layout.records
        if records is None:
            raise ValueError(f"layout {layout.name!r} declares no record shape")
        self._records = records
        self._text = prepared
        self._transformer: Any = layout.transformer()
        terminals = self._terminals = _Terminals.of(layout.package, layout.grammar, records)
        at = terminals.blank.match(prepared).end()  # type: ignore[union-attr]  # matches ""
        # The first opener: right after _NL (which takes the line's indentation), or at
        # the start of a later line.
        first = terminals.opener.match(prepared, at) or terminals.opener_line.search(prepared, at)
        head_end = first.start() if first is not None else len(prepared)
        self._children: list[Any] = []
        if at < head_end:
            head = _head(records, terminals, self._transformer, prepared, at, head_end, first_line)
            self._children.append(head)
        self._head_end = self.at = head_end
        self._line = first_line + prepared.count("\n", 0, head_end)  # the line of `at`
        self._run: list[Paper] = []
        #: Whether every record read so far was regular.
        self.regular = True
        #: Where the text's lead ends: its head and first LEAD_RECORDS records (-1 until
        #: they are read; the end of the text when it is read and has no more).
        self.lead_end = -1
        self._records_read = 0

    def read(self, stop: bool = False) -> bool:
        """Read on to the end of the text (True), or with ``stop`` to the first record
        that is not regular (False, and the next call reads it)."""
        prepared, terminals, records = self._text, self._terminals, self._records
        regular, more = terminals.regular.match, terminals.line.match
        build, count = records.regular, records.lines
        run, line, at, end = self._run, self._line, self.at, len(prepared)
        lead_end, records_read = self.lead_end, self._records_read
        while at < end:
            if lead_end < 0 and records_read == LEAD_RECORDS:
                lead_end = at
            records_read += 1
            m = regular(prepared, at)
            if m is not None and not more(prepared, after := m.end()):
                tokens = m.groups()
                # The last token's line: the line breaks before it; then the ones it
                # holds (each token is a line and the blank lines after it, so all of
                # its line breaks come after its text).
                last = line + prepared.count("\n", at, m.start(count + 1)) if count else line
                paper = build(tokens, trusted_span(line, last))
                if paper is not None:
                    run.append(paper)
                    line = last + tokens[-1].count("\n")
                    at = after
                    continue
                if not trailing_space(prepared, at, after):
                    # The builder declined it (it needs a diagnostic): the record rule
                    # reads it, as it would the normalised text (this record is), and
                    # it keeps the regular shape.
                    line, at = self._record(line, at)
                    run = self._run
                    continue
            if stop and self.regular:
                self.regular = False
                self._line, self.at = line, at
                self.lead_end, self._records_read = lead_end, records_read - 1  # (read again)
                return False
            self.regular = False
            line, at = self._record(line, at)
            run = self._run  # (a new run of regular records starts after it)
        self._line, self.at = line, at
        # With no more records than the lead's, the lead is the text.
        self.lead_end, self._records_read = (at if lead_end < 0 else lead_end), records_read
        return True

    def _record(self, line: int, at: int) -> tuple[int, int]:
        """The record at ``at`` through the transformer's ``record`` rule: the line and
        position after it."""
        prepared, terminals = self._text, self._terminals
        m = terminals.opener.match(prepared, at)
        if m is None:  # only blank text can follow the last record
            return line, len(prepared)
        if self._run:
            self._children.append((self._run, []))
            self._run = []
        found = [Token(self._records.opener, m.group(), line, _column(prepared, at))]
        body_start = body_end = m.end()
        b = terminals.body.match(prepared, body_start)
        if b is not None:
            body_end = b.end()
            body_line = line + prepared.count("\n", at, body_start)
            value = prepared[body_start:body_end]
            found.append(Token("BODY", value, body_line, _column(prepared, body_start)))
        self._children.append(self._transformer.record(found))
        return line + prepared.count("\n", at, body_end), body_end

    def reading(self) -> Reading:
        """The reading of the text, once it is read to its end (call it once)."""
        if self._run:
            self._children.append((self._run, []))
            self._run = []
        result: LayoutResult = self._transformer.start(self._children)
        return Reading(result, self.regular, self.lead_end)


def _head(
    records: Records,
    terminals: _Terminals,
    transformer: Any,
    text: str,
    at: int,
    end: int,
    first_line: int,
) -> Any:
    """The head rule over ``text[at:end]``, tokenised as Lark's lexer does there."""
    line = first_line + text.count("\n", 0, at)
    children = []
    while at < end:
        m = terminals.head.match(text, at, end)
        if m is None:
            raise ValueError(f"no terminal of the head matches line {line}")  # a layout bug
        kind = m.lastgroup or ""
        token = Token(kind, m.group(), line, _column(text, at))
        rule = records.head_tokens[kind]
        children.append(token if rule is None else getattr(transformer, rule)([token]))
        line += m.group().count("\n")
        at = m.end()
    return getattr(transformer, records.head)(children)


def _column(text: str, position: int) -> int:
    return position - text.rfind("\n", 0, position)


class _Terminals:
    """A grammar's terminals as the engine matches them, compiled once per layout."""

    def __init__(self, package: str, grammar: str, records: Records) -> None:
        def terminal(name: str) -> re.Pattern[str]:
            return grammar_terminal(package, grammar, name)

        self.opener = terminal(records.opener)
        self.body = terminal("BODY")
        self.line = terminal(records.line)
        #: A regular record's tokens: the opener, then ``lines`` line tokens (what a
        #: BODY is made of). Each token takes all it can, as Lark's lexer does; the
        #: record is regular when no further line token follows (see ``read``).
        lines = f"({self.line.pattern})" * records.lines
        self.regular = re.compile(f"({self.opener.pattern}){lines}")
        #: The opener at the start of a line (where the lexer can meet it).
        self.opener_line = re.compile(f"^(?:{self.opener.pattern})", re.MULTILINE)
        #: ``_NL?`` at the very start: the blank lines before the first token.
        self.blank = re.compile(f"(?:{terminal('_NL').pattern})?")
        names = lexer_order(package, grammar, records.head_tokens)
        pattern = "|".join(f"(?P<{n}>{terminal_pattern(package, grammar, n)})" for n in names)
        self.head = re.compile(pattern)  # (built from the terminals' text, none compiled alone)

    @classmethod
    @functools.cache
    def of(cls, package: str, grammar: str, records: Records) -> _Terminals:
        return cls(package, grammar, records)

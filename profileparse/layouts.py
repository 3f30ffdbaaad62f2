"""What a layout plugin provides, and the helpers any layout may use.

A layout is a Lark grammar (LALR, loaded from a package's resources) plus a transformer
that turns the grammar's rules straight into the model (no parse tree is built), plus a
``sniff`` function that says how well a text fits, and what else only the layout can
know: where a dump of its kind starts in a longer text, where a record may start (for
streaming), the checks that need the whole dump, and the diagnostic codes it gives.
Register one through the ``register_layouts`` hook (see :mod:`profileparse.hookspecs`).
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from attrs import field, frozen

from profileparse.model import (
    Diagnostic,
    Paper,
    Profile,
    Severity,
    Span,
    as_diagnostics,
    as_papers,
)

__all__ = [
    "Layout",
    "LayoutResult",
    "Records",
    "Token",
    "as_line",
    "body_lines",
    "diagnostic",
    "grammar_terminal",
    "lexer_order",
    "terminal_pattern",
]

_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")


def _check_name(instance: Any, attribute: Any, value: str) -> None:
    if not _NAME.match(value):
        raise ValueError(f"{attribute.name} must be lower-case letters, digits and '-': {value!r}")


#: ``regular(tokens, span) -> Paper | None``: the paper of a regular record, from the
#: text of its tokens, the opener's and then each line's (as the terminals matched
#: them: each with its line break and the blank lines after); None sends the record to
#: the transformer's ``record`` rule.
Regular = Callable[[tuple[str, ...], Span], "Paper | None"]


@frozen(eq=False)  # compared and hashed by identity: a layout declares one
class Records:
    """A record layout's shape, for the core's record engine (:mod:`profileparse.engine`).

    The grammar is ``start: _NL? <head>? record*`` with ``record: <opener> BODY?``.
    ``opener`` names the terminal that begins each record; ``head`` the transformer's
    rule for the text before the first record, and ``head_tokens`` the terminals that
    text is made of, each with the one-token rule that reads it (None: the head rule
    takes the token itself). ``lines`` is how many lines a regular record's ``BODY``
    has, ``line`` the terminal of one of them (a ``BODY`` is one or more), and
    ``regular`` the layout's builder of such a record's paper (the same paper its
    ``record`` rule makes of it)."""

    opener: str
    head: str
    head_tokens: Mapping[str, str | None]
    lines: int
    regular: Regular
    line: str = "LINE"


@frozen
class Layout:
    """A dump layout: its grammar, the transformer for it, and how to recognise it.

    ``transformer`` is called with no arguments to make the transformer Lark runs during
    parsing: an object with a method for each rule (a ``lark.Transformer`` subclass, or
    any class); it must keep no state between parses (one instance serves every parse).
    ``sniff(head)`` returns how well a text fits, from 0 (not at all) to 1, from its
    first lines (``head``: at most 64 KB, normalised). The other fields are optional.
    """

    name: str = field(validator=_check_name)
    description: str
    grammar: str
    transformer: Callable[[], object]
    sniff: Callable[[str], float]
    package: str = "profileparse.grammars"
    #: ``starts(text) -> line numbers``: where, in a text that may hold several dumps
    #: pasted together, a dump of this layout begins (or one of its dumps ends and
    #: another begins). 1-based; the text is normalised (``\n`` line ends). A
    #: ``(line, column)`` pair says a dump begins in the middle of that line.
    starts: Callable[[str], Iterable[int | tuple[int, int]]] | None = None
    #: ``glued_starts(text) -> (line, column) pairs``: the starts of ``starts`` that can
    #: hide inside a record another layout reads as regular: a dump of this layout that
    #: begins in the middle of a line (files joined without a final newline). Where a
    #: record layout reads every record of a text as regular, the core asks ``starts``
    #: only about the text's lead, its head and first two records (any other dump
    #: start breaks a record), and ``glued_starts`` about the whole text.
    glued_starts: Callable[[str], Iterable[tuple[int, int]]] | None = None
    #: ``record_start(line) -> bool``: whether a record may begin at this line, so a
    #: huge dump can be parsed in pieces cut there. None: the dump is parsed whole.
    record_start: Callable[[str], bool] | None = None
    #: ``check(profile, paper_count) -> diagnostics``: checks that need the whole dump
    #: (run once per dump, after parsing or at the end of a stream).
    check: Callable[[Profile | None, int], Iterable[Diagnostic]] | None = None
    #: ``revise(result) -> result``: a second look at a dump's records once all are read
    #: (the inline layout splits uncertain titles again with the names the dump shows
    #: elsewhere). Run once per dump, or per piece of a stream, before ``check``.
    revise: Callable[[LayoutResult], LayoutResult] | None = None
    #: The diagnostic codes this layout gives, each with what it means.
    codes: Mapping[str, str] = field(factory=dict, eq=False)
    #: True when the layout infers where a title ends and its authors begin from glued
    #: text: the corpus then takes the split another dump shows for the same text.
    infers_titles: bool = False
    #: The shape of the layout's records, for a grammar of the record shape: the core's
    #: record engine (:mod:`profileparse.engine`) then reads its dumps without Lark's
    #: parser, with the grammar's own terminals and the transformer's own handlers.
    #: None: Lark parses every dump.
    records: Records | None = None


@frozen
class LayoutResult:
    """What a layout's transformer returns from its ``start`` rule."""

    profile: Profile | None = None
    papers: tuple[Paper, ...] = field(default=(), converter=as_papers)
    diagnostics: tuple[Diagnostic, ...] = field(default=(), converter=as_diagnostics)


class Token(str):
    """A token of the layouts' own making (a line split from a BODY, a token a fast path
    found), read as Lark's are: ``.type``, ``.value``, ``.line`` and ``.column`` (1-based).
    Transformers read every token through these, Lark's or these, because the ``fast``
    extra's lark-cython tokens are not ``str``."""

    __slots__ = ("column", "line", "type", "value")

    type: str
    value: str
    line: int
    column: int

    def __new__(cls, type: str, value: str, line: int = 1, column: int = 1) -> Token:
        self = super().__new__(cls, value)
        self.type, self.value, self.line, self.column = type, value, line, column
        return self


def as_line(token: Token) -> Token:
    """A lexer token as a line token of our own: its text without the line break."""
    return Token("LINE", token.value.rstrip(), line=token.line or 1, column=token.column or 1)


def body_lines(body: Token) -> list[Token]:
    """The non-blank lines of a BODY token (several lines read as one token), each as a
    token with its own line, column and text (without the line break)."""
    first = body.line or 1
    base_column = body.column or 1
    out = []
    for offset, text in enumerate(body.value.split("\n")):
        if text and not text.isspace():
            column = base_column if offset == 0 else 1
            out.append(Token("LINE", text, line=first + offset, column=column))
    return out


def diagnostic(
    severity: Severity | str,
    code: str,
    message: str,
    token: Token,
    end: Token | None = None,
) -> Diagnostic:
    """A diagnostic located at ``token`` (and running to ``end``'s line, if given)."""
    line = token.line or 1
    text: str = token.value
    column = (token.column or 1) + (len(text) - len(text.lstrip()))
    end_line = (end.line or line) if end is not None else line
    return Diagnostic(severity, code, message, line, column, max(end_line, line))


@functools.cache
def grammar_terminal(package: str, grammar: str, name: str) -> re.Pattern[str]:
    """The compiled pattern of terminal ``name`` in a layout's grammar, so Python that
    needs the same lexical shape (sniffing, finding dump starts, the record engine)
    reads it from the grammar instead of writing it again."""
    return re.compile(terminal_pattern(package, grammar, name))


def terminal_pattern(package: str, grammar: str, name: str) -> str:
    """The regular expression of terminal ``name`` in a layout's grammar, as text (its
    flags inline: ``(?i:...)``), to build a larger pattern from."""
    return _terminals(package, grammar)[name][0]


def lexer_order(package: str, grammar: str, names: Iterable[str]) -> list[str]:
    """``names`` in the order Lark's lexer tries these terminals of a grammar (the first
    that matches wins): highest priority first, then the widest pattern, the longest
    definition, the name."""
    terminals = _terminals(package, grammar)
    return sorted(names, key=lambda n: (-terminals[n][1], -terminals[n][2], -terminals[n][3], n))


#: Bumped when what ``_terminals`` keeps of a terminal changes.
_CACHE_FORMAT = 2


@functools.cache
def _terminals(package: str, grammar: str) -> dict[str, tuple[str, int, int, int]]:
    """Every terminal of a grammar: its regular expression, and its priority, maximum
    width and length of definition (what Lark's lexer orders terminals by). Lark
    compiles them; they are kept in the user's cache folder with the text of the
    package's grammar files they came from, so a later process reads them back without
    loading Lark, and any edit to a grammar file makes them be compiled again."""
    sources = _grammar_sources(package)
    cached = os.path.join(cache_dir(), f"terminals-{package}-{grammar}.json")
    if sources is not None:
        try:
            with open(cached, encoding="utf-8") as file:
                data = json.load(file)
            if data["format"] == _CACHE_FORMAT and data["sources"] == sources:
                return {name: tuple(value) for name, value in data["terminals"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no cache yet, or one from other grammar files: compile them
    from lark import Lark

    parser = Lark.open_from_package(package, grammar, ("",), parser="lalr", cache=True)
    terminals = {
        t.name: (t.pattern.to_regexp(), t.priority, t.pattern.max_width, len(t.pattern.value))
        for t in parser.terminals
    }
    if sources is not None:
        data = {"format": _CACHE_FORMAT, "sources": sources, "terminals": terminals}
        _write(cached, json.dumps(data))
    return terminals


@functools.cache
def _grammar_sources(package: str) -> dict[str, str] | None:
    """The text of every ``.lark`` file of ``package`` (what ``%import .name`` can
    reach), or None when they are not plain files."""
    try:
        folder = os.path.dirname(importlib.import_module(package).__file__ or "")
        sources = {}
        for name in sorted(os.listdir(folder)):
            if name.endswith(".lark"):
                with open(os.path.join(folder, name), encoding="utf-8") as file:
                    sources[name] = file.read()
        return sources
    except (ImportError, OSError, TypeError):
        return None


def cache_dir() -> str:
    """Where profileparse keeps what it can compute again (``$XDG_CACHE_HOME`` or
    ``~/.cache``, then ``profileparse``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "profileparse")


def _write(path: str, text: str) -> None:
    """Write ``path`` whole or not at all (another process may be reading it); a cache
    that cannot be written is only slower."""
    partial = f"{path}.{os.getpid()}.part"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(partial, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(partial, path)
    except OSError:
        pass

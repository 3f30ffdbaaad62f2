"""The parsing pipeline: normalise the text, pick a layout, run its grammar, collect."""

from __future__ import annotations

import codecs
import functools
import os
import re
from pathlib import Path
from typing import Any

import attrs
from lark import Lark, LarkError, UnexpectedInput

from profileparse.errors import ParseError
from profileparse.layouts import Layout, LayoutResult
from profileparse.meta import is_meta_line
from profileparse.model import Diagnostic, Document, Paper, Severity
from profileparse.registry import get_registry

__all__ = ["detect_layout", "dump_starts", "parse", "parse_all", "parse_file"]

_BOM = "\ufeff"


def normalise(text: str) -> str:
    """The text the grammars read: no BOM, ``\\n`` line ends, no trailing white space on
    any line, and a final newline. Line numbers and the columns of content are unchanged."""
    if text.startswith(_BOM):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return "".join(line.rstrip() + "\n" for line in lines)


def _fast_plugins() -> dict[str, Any] | None:
    """lark-cython's plugins when the ``fast`` extra is installed (and not switched off
    with ``PROFILEPARSE_PURE=1``); the results are identical, only faster."""
    if os.environ.get("PROFILEPARSE_PURE"):
        return None
    try:
        import lark_cython
    except ImportError:
        return None
    plugins: dict[str, Any] = lark_cython.plugins
    return plugins


def _parser(layout: Layout) -> Lark:
    return _build_parser(layout, _fast_plugins() is not None)


@functools.cache
def _build_parser(layout: Layout, fast: bool) -> Lark:
    options: dict[str, Any] = {}
    if fast:
        plugins = _fast_plugins()
        if plugins is not None:
            options["_plugins"] = plugins
    return Lark.open_from_package(
        layout.package,
        layout.grammar,
        ("",),
        parser="lalr",
        lexer="contextual",
        cache=True,
        transformer=layout.transformer(),
        **options,
    )


def _scores(text: str) -> list[tuple[float, str]]:
    registry = get_registry()
    return sorted(
        ((entry.item.sniff(text), name) for name, entry in registry.layouts.items()),
        reverse=True,
    )


def _detect(text: str) -> str | None:
    scores = _scores(text)
    if not scores or scores[0][0] <= 0:
        return None
    return scores[0][1]


def detect_layout(text: str) -> str:
    """The name of the layout ``text`` fits best; ``ParseError`` when it fits none."""
    name = _detect(normalise(text))
    if name is None:
        raise ParseError(_NO_LAYOUT, line=1, text=_first_line(text), code="no-layout")
    return name


_NO_LAYOUT = (
    "the text does not look like a profile, inline or abstracts dump "
    "(no meta lines such as 'CLJun 29, 2023Code', no 'Abstract:' lines)"
)


def _first_line(text: str) -> str:
    return text.lstrip(_BOM).split("\n", 1)[0].rstrip("\r")


def _line_count(text: str) -> int:
    return max(text.count("\n"), 1)


def parse(
    text: str,
    *,
    layout: str | None = None,
    source: str | None = None,
    strict: bool = False,
    reference_year: int | None = None,
) -> Document:
    """Parse a dump into a :class:`~profileparse.Document`.

    ``layout`` names the layout (``profile``, ``inline``, ``abstracts`` or a plugin's);
    ``None`` detects it. Problems become diagnostics in the document; with
    ``strict=True`` the first error raises :class:`~profileparse.ParseError` instead.
    ``reference_year`` gives yearless dates (``Apr 7``) that year.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() takes the dump as str, not {type(text).__name__}")
    return _parse(text, layout, source, strict, reference_year, ())


def _parse(
    text: str,
    layout: str | None,
    source: str | None,
    strict: bool,
    reference_year: int | None,
    found: tuple[Diagnostic, ...],
    *,
    split: bool = True,
) -> Document:
    """:func:`parse`, with diagnostics already ``found`` (by decoding) merged in."""
    return _parse_prepared(
        normalise(text), layout, source, strict, reference_year, found, split=split
    )


def _parse_prepared(
    prepared: str,
    layout: str | None,
    source: str | None,
    strict: bool,
    reference_year: int | None,
    found: tuple[Diagnostic, ...],
    *,
    split: bool = True,
) -> Document:
    """:func:`_parse` on text that :func:`normalise` has already prepared."""
    if split:
        starts = _starts(prepared)
        if len(starts) > 1:
            where = ", ".join(str(n) for n in starts[1:])
            found = (
                *found,
                Diagnostic(
                    Severity.WARNING,
                    "several-dumps",
                    f"this text holds {len(starts)} dumps (more start at line {where}); "
                    "parse_all() or the command line read each one separately",
                    starts[1],
                ),
            )
    name = layout if layout is not None else _detect(prepared)
    if name is None:
        diagnostics: tuple[Diagnostic, ...] = ()
        if prepared.strip():
            diagnostics = (
                Diagnostic(Severity.ERROR, "no-layout", _NO_LAYOUT, 1, 1, _line_count(prepared)),
            )
        document = Document(source=source, layout=None, diagnostics=(*found, *diagnostics))
    else:
        chosen = get_registry().layout(name)
        result = _run(chosen, prepared)
        papers = result.papers
        if reference_year is not None:
            papers = tuple(_with_year(p, reference_year) for p in papers)
        document = Document(
            source=source,
            layout=chosen.name,
            profile=result.profile,
            papers=papers,
            diagnostics=sorted((*found, *result.diagnostics), key=lambda d: (d.line, d.column)),
        )
    if strict and document.errors:
        raise _as_error(document.errors[0], prepared, source)
    return document


_H_INDEX = re.compile(r"h-index[^\S\n]*[0-9]+\Z", re.IGNORECASE)
_CATEGORY = re.compile(r"[A-Z]{2}\Z")
_ABSTRACT = re.compile(r"[^\S\n]*abstract[^\S\n]*:", re.IGNORECASE)


_HEADER_LINES = 12  # a profile header's h-index line comes within its first lines
_LITERAL = re.compile(r"-index|bstract|BSTRACT")  # literal searches run at memchr speed


def _marked_lines(prepared: str) -> tuple[list[int], bool]:
    """0-based lines that are ``h-index`` lines, and whether any line is an ``Abstract:``
    line, found by literal search and checked line by line (no scan of every line)."""
    headers: list[int] = []
    abstracts = False
    for m in _LITERAL.finditer(prepared):
        begin = prepared.rfind("\n", 0, m.start()) + 1
        end = prepared.find("\n", m.end())
        line = prepared[begin : end if end >= 0 else len(prepared)].strip()
        if _H_INDEX.match(line):
            headers.append(prepared.count("\n", 0, begin))
        elif _ABSTRACT.match(line):
            abstracts = True
    return headers, abstracts


def dump_starts(text: str) -> list[int]:
    """The 1-based lines where each dump pasted into ``text`` begins (``[1]`` for one).

    A new dump begins at a profile header (name, category, ``h-index``) that follows other
    content, and where ``Abstract:`` lines start or stop after paper records.
    """
    return _starts(normalise(text))


def _starts(prepared: str) -> list[int]:
    headers, abstracts = _marked_lines(prepared)
    # Fast path: at most one header, near the top, and no "Abstract:" lines.
    if len(headers) <= 1 and not abstracts and (not headers or headers[0] < _HEADER_LINES):
        return [1]
    lines = prepared.split("\n")
    starts = [1]
    previous: list[int] = []  # the two content lines before this one
    seen_meta = False
    run_start = -1  # first line of the current run of "Abstract:" lines
    run = 0
    first = -1
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        if first < 0:
            first = i
        if _ABSTRACT.match(line):
            if run == 0:
                run_start = i
            run += 1
            # A run of two or more "Abstract:" lines after paper records is an abstracts
            # dump; a single one is more likely an abstract that begins with that word.
            if run == 2 and seen_meta and run_start > first:
                starts.append(run_start + 1)
        else:
            if is_meta_line(line):
                if run >= 2:
                    starts.append(i + 1)  # paper records pasted after abstracts
                seen_meta = True
            elif _H_INDEX.match(line) and len(previous) == 2:
                name, category = previous
                if _CATEGORY.match(lines[category].strip()) and name > first:
                    starts.append(name + 1)
            run = 0
        previous = [*previous[-1:], i]
    return sorted(set(starts))


def parse_all(
    text: str,
    *,
    layout: str | None = None,
    source: str | None = None,
    strict: bool = False,
    reference_year: int | None = None,
) -> list[Document]:
    """Parse a text that may hold several dumps pasted one after another (two profiles, a
    profile followed by abstracts, ...): one :class:`Document` per dump, each keeping the
    line numbers of the whole text. Options are those of :func:`parse`."""
    if not isinstance(text, str):
        raise TypeError(f"parse_all() takes the dumps as str, not {type(text).__name__}")
    return _parse_parts(text, layout, source, strict, reference_year, ())


def _parse_parts(
    text: str,
    layout: str | None,
    source: str | None,
    strict: bool,
    reference_year: int | None,
    found: tuple[Diagnostic, ...],
) -> list[Document]:
    prepared = normalise(text)  # once: every part below is cut from it, already prepared
    starts = _starts(prepared)
    options = (layout, source, strict, reference_year)
    if len(starts) == 1:
        return [_parse_prepared(prepared, *options, found, split=False)]
    lines = prepared[:-1].split("\n")  # prepared text ends in exactly one "\n" per line
    documents = []
    for start, end in zip(starts, [*starts[1:], len(lines) + 1], strict=True):
        # Blank out the other dumps' lines so line numbers stay those of the whole text.
        part = "\n" * (start - 1) + "".join(line + "\n" for line in lines[start - 1 : end - 1])
        mine = tuple(d for d in found if start <= d.line < end)
        documents.append(_parse_prepared(part, *options, mine, split=False))
    return documents


def _run(layout: Layout, prepared: str) -> LayoutResult:
    try:
        result = _parser(layout).parse(prepared)
    except UnexpectedInput as exc:  # the grammars accept any line; this is a plugin bug
        line = exc.line if exc.line > 0 else 1
        return LayoutResult(
            diagnostics=(
                Diagnostic(
                    Severity.ERROR,
                    "syntax",
                    f"the {layout.name} grammar cannot read this line",
                    line,
                    max(exc.column, 1),
                    _line_count(prepared),
                ),
            )
        )
    except LarkError as exc:
        raise RuntimeError(f"layout {layout.name!r} failed: {exc}") from exc
    if not isinstance(result, LayoutResult):
        raise TypeError(
            f"layout {layout.name!r}: the transformer's start rule returned "
            f"{type(result).__name__}, not LayoutResult"
        )
    return result


def _with_year(paper: Paper, year: int) -> Paper:
    if paper.date is None or paper.date.year is not None:
        return paper
    try:
        return attrs.evolve(paper, date=attrs.evolve(paper.date, year=year))
    except ValueError:  # Feb 29 in a year without one: keep it yearless
        return paper


def _as_error(diag: Diagnostic, prepared: str, source: str | None) -> ParseError:
    lines = prepared.split("\n")
    text = lines[diag.line - 1] if 0 < diag.line <= len(lines) else ""
    return ParseError(
        diag.message, line=diag.line, column=diag.column, text=text, source=source, code=diag.code
    )


def parse_file(path: str | os.PathLike[str], **options: Any) -> Document:
    """Read ``path`` and :func:`parse` it.

    The file is read as UTF-8 (a BOM is fine), or as UTF-16 when it starts with a UTF-16
    BOM. Bytes that are not UTF-8 become ``encoding`` errors naming the line, column and
    byte (shown as U+FFFD in the text); the rest of the file is still parsed. ``source``
    defaults to the path as given; other keyword arguments go to :func:`parse`.
    """
    source = options.pop("source", os.fspath(path))
    layout = options.pop("layout", None)
    strict = options.pop("strict", False)
    reference_year = options.pop("reference_year", None)
    if options:
        raise TypeError(f"parse_file() got unexpected keyword arguments: {', '.join(options)}")
    data = Path(path).read_bytes()
    text, found = decode(data)
    return _parse(text, layout, source, strict, reference_year, found)


def decode(data: bytes, offset: int = 0) -> tuple[str, tuple[Diagnostic, ...]]:
    """``data`` as text, with an ``encoding`` error for each line that is not UTF-8.

    ``offset`` is where ``data`` starts in its file, for the byte offsets reported."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), ()
        except UnicodeDecodeError:
            pass  # a UTF-16 BOM on something else: report it as bytes below
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        pass
    # Decode line by line so each bad line is reported once and the work stays linear.
    found: list[Diagnostic] = []
    lines = data.split(b"\n")
    if lines[0].startswith(codecs.BOM_UTF8):
        lines[0] = lines[0][len(codecs.BOM_UTF8) :]
        offset += len(codecs.BOM_UTF8)
    decoded = []
    for number, raw in enumerate(lines, start=1):
        try:
            decoded.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            column = len(raw[: exc.start].decode("utf-8", "replace")) + 1
            found.append(
                Diagnostic(
                    Severity.ERROR,
                    "encoding",
                    f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {offset + exc.start} "
                    "cannot be decoded (shown as U+FFFD); is the file Latin-1 or cp1252?",
                    number,
                    column,
                )
            )
            decoded.append(raw.decode("utf-8", "replace"))
        offset += len(raw) + 1
    return "\n".join(decoded), tuple(found)

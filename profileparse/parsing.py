"""The parsing pipeline, read top to bottom in :func:`parse_text`: normalise the text,
split it into dumps, detect each dump's layout, run the layout's grammar, finish.

The core knows no layout: everything about one (its grammar, how to recognise it, where
its dumps start, its whole-dump checks) comes from the registered :class:`Layout`."""

from __future__ import annotations

import codecs
import functools
import os
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen
from lark import Lark, LarkError, UnexpectedInput

from profileparse.errors import ParseError
from profileparse.layouts import Layout, LayoutResult
from profileparse.model import Diagnostic, DiagnosticCode, Document, Paper, Severity
from profileparse.registry import get_registry

__all__ = [
    "ParseOptions",
    "decode",
    "detect",
    "detect_layout",
    "dump_starts",
    "finish",
    "normalise",
    "parse",
    "parse_all",
    "parse_bytes",
    "parse_file",
    "parse_text",
]

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


@frozen
class ParseOptions:
    """How to parse: every option the pipeline takes, in one place."""

    #: The layout's name; None detects it from the text.
    layout: str | None = None
    #: The file name shown in diagnostics and kept in the document.
    source: str | None = None
    #: Raise :class:`ParseError` at the first error instead of reporting it.
    strict: bool = False
    #: The year given to dates shown without one (``Apr 7``).
    reference_year: int | None = None


# --- the walk from text to model ------------------------------------------------------


def parse_text(
    text: str,
    options: ParseOptions,
    found: tuple[Diagnostic, ...] = (),
    *,
    split: bool = True,
    checks: bool = True,
) -> list[Document]:
    """The whole walk from text to model, one document per dump in the text.

    1. text stage: ``normalise`` (BOM, line ends, trailing white space), once;
    2. split into dumps where a layout says one of its kind begins (``split``);
    3. detect each dump's layout from a bounded head of it (unless one is given);
    4. run that layout's grammar and transformer;
    5. finish: reference year, the layout's whole-dump checks, diagnostics in line
       order, and ``strict``.

    ``found`` are diagnostics from decoding the bytes (``decode``). ``checks=False``
    leaves out the whole-dump checks, for a piece of a dump (streaming)."""
    prepared = normalise(text)
    starts = _starts(prepared) if split else [1]
    documents = []
    for first, part in _parts(prepared, starts):
        last = part.count("\n")  # the part keeps the whole text's line numbers
        mine = found if len(starts) == 1 else tuple(d for d in found if first <= d.line <= last)
        documents.append(_parse_dump(part, options, mine, checks=checks))
    return documents


def _parse_dump(
    prepared: str, options: ParseOptions, found: tuple[Diagnostic, ...], *, checks: bool = True
) -> Document:
    """Steps 3 to 5 for one dump."""
    name = options.layout if options.layout is not None else detect(prepared)
    if name is None:
        document = Document(
            source=options.source, layout=None, diagnostics=(*found, *_no_layout(prepared))
        )
    else:
        layout = get_registry().layout(name)
        result = _run(layout, prepared)
        document = finish(layout, result, options, found, checks=checks)
    if options.strict and document.errors:
        raise _as_error(document.errors[0], prepared, options.source)
    return document


def finish(
    layout: Layout,
    result: LayoutResult,
    options: ParseOptions,
    found: tuple[Diagnostic, ...] = (),
    *,
    checks: bool = True,
) -> Document:
    """A layout's result as a document: the reference year applied, the layout's
    whole-dump checks run (``checks``), diagnostics in line order."""
    papers = result.papers
    if options.reference_year is not None:
        papers = tuple(_with_year(p, options.reference_year) for p in papers)
    checked: tuple[Diagnostic, ...] = ()
    if checks and layout.check is not None:
        checked = tuple(layout.check(result.profile, len(papers)))
    return Document(
        source=options.source,
        layout=layout.name,
        profile=result.profile,
        papers=papers,
        diagnostics=sorted(
            (*found, *result.diagnostics, *checked), key=lambda d: (d.line, d.column)
        ),
    )


# --- step 2: where dumps start --------------------------------------------------------


def dump_starts(text: str) -> list[int]:
    """The 1-based lines where each dump pasted into ``text`` begins (``[1]`` for one):
    wherever a registered layout says a dump of its kind begins (a profile header after
    other text, a run of ``Abstract:`` lines after paper records, ...)."""
    return _starts(normalise(text))


def _starts(prepared: str) -> list[int]:
    starts = {1}
    for entry in get_registry().layouts.values():
        if entry.item.starts is not None:
            starts.update(entry.item.starts(prepared))
    return sorted(starts)


def _parts(prepared: str, starts: list[int]) -> list[tuple[int, str]]:
    """Each dump's text, with the other dumps' lines blanked out so line numbers stay
    those of the whole text: (first line, text)."""
    if len(starts) == 1:
        return [(1, prepared)]
    lines = prepared[:-1].split("\n")  # prepared text ends in exactly one "\n" per line
    ends = [*starts[1:], len(lines) + 1]
    return [
        (start, "\n" * (start - 1) + "".join(line + "\n" for line in lines[start - 1 : end - 1]))
        for start, end in zip(starts, ends, strict=True)
    ]


# --- step 3: which layout -------------------------------------------------------------

#: Layouts are detected from at most this much of the text's start.
HEAD_CHARS = 64 << 10


def head(prepared: str) -> str:
    """The start of a text that layouts sniff: at most ``HEAD_CHARS``, whole lines."""
    if len(prepared) <= HEAD_CHARS:
        return prepared
    cut = prepared.rfind("\n", 0, HEAD_CHARS)
    return prepared[: cut + 1] if cut > 0 else prepared[:HEAD_CHARS]


def detect(prepared: str) -> str | None:
    """The name of the registered layout a normalised text fits best, or None."""
    start = head(prepared.lstrip("\n"))
    scores = sorted(
        ((entry.item.sniff(start), name) for name, entry in get_registry().layouts.items()),
        reverse=True,
    )
    if not scores or scores[0][0] <= 0:
        return None
    return scores[0][1]


def detect_layout(text: str) -> str:
    """The name of the layout ``text`` fits best; ``ParseError`` when it fits none."""
    name = detect(normalise(text))
    if name is None:
        raise ParseError(_no_layout_message(), line=1, text=_first_line(text), code="no-layout")
    return name


def _no_layout_message() -> str:
    known = ", ".join(sorted(get_registry().layouts))
    return f"the text does not look like any known dump layout ({known})"


def _no_layout(prepared: str) -> tuple[Diagnostic, ...]:
    if not prepared.strip():
        return ()
    return (
        Diagnostic(
            Severity.ERROR,
            DiagnosticCode.NO_LAYOUT,
            _no_layout_message(),
            1,
            1,
            _line_count(prepared),
        ),
    )


def _first_line(text: str) -> str:
    return text.lstrip(_BOM).split("\n", 1)[0].rstrip("\r")


def _line_count(text: str) -> int:
    return max(text.count("\n"), 1)


# --- the public entry points ------------------------------------------------------------


def parse(
    text: str,
    *,
    layout: str | None = None,
    source: str | None = None,
    strict: bool = False,
    reference_year: int | None = None,
) -> Document:
    """Parse a dump into a :class:`~profileparse.Document`.

    ``layout`` names the layout (``profileparse layouts`` lists them); ``None`` detects
    it. Problems become diagnostics in the document; with ``strict=True`` the first
    error raises :class:`~profileparse.ParseError` instead. ``reference_year`` gives
    yearless dates (``Apr 7``) that year. A text holding several dumps is read as one,
    with a ``several-dumps`` warning: :func:`parse_all` reads each.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() takes the dump as str, not {type(text).__name__}")
    options = ParseOptions(layout, source, strict, reference_year)
    return _parse_one(normalise(text), options, ())


def _parse_one(prepared: str, options: ParseOptions, found: tuple[Diagnostic, ...]) -> Document:
    """:func:`parse` of a normalised text: one document, warning when it holds several."""
    starts = _starts(prepared)
    if len(starts) > 1:
        where = ", ".join(str(n) for n in starts[1:])
        found = (
            *found,
            Diagnostic(
                Severity.WARNING,
                DiagnosticCode.SEVERAL_DUMPS,
                f"this text holds {len(starts)} dumps (more start at line {where}); "
                "parse_all() or the command line read each one separately",
                starts[1],
            ),
        )
    return _parse_dump(prepared, options, found)


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
    return parse_text(text, ParseOptions(layout, source, strict, reference_year))


def parse_bytes(data: bytes, options: ParseOptions) -> list[Document]:
    """The bytes of a file (UTF-8 or UTF-16 with a BOM), one document per dump in it:
    what the command line, the corpus and :func:`parse_file` read files with."""
    text, found = decode(data)
    return parse_text(text, options, found)


def _run(layout: Layout, prepared: str) -> LayoutResult:
    try:
        result = _parser(layout).parse(prepared)
    except UnexpectedInput as exc:  # the grammars accept any line; this is a plugin bug
        line = exc.line if exc.line > 0 else 1
        return LayoutResult(
            diagnostics=(
                Diagnostic(
                    Severity.ERROR,
                    DiagnosticCode.SYNTAX,
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


def parse_file(
    path: str | os.PathLike[str],
    *,
    layout: str | None = None,
    source: str | None = None,
    strict: bool = False,
    reference_year: int | None = None,
) -> Document:
    """Read ``path`` and :func:`parse` it.

    The file is read as UTF-8 (a BOM is fine), or as UTF-16 when it starts with a UTF-16
    BOM. Bytes that are not UTF-8 become ``encoding`` errors naming the line, column and
    byte (shown as U+FFFD in the text); the rest of the file is still parsed. ``source``
    defaults to the path as given; the other options are those of :func:`parse`.
    """
    text, found = decode(Path(path).read_bytes())
    options = ParseOptions(
        layout, os.fspath(path) if source is None else source, strict, reference_year
    )
    return _parse_one(normalise(text), options, found)


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
                    DiagnosticCode.ENCODING,
                    f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {offset + exc.start} "
                    "cannot be decoded (shown as U+FFFD); is the file Latin-1 or cp1252?",
                    number,
                    column,
                )
            )
            decoded.append(raw.decode("utf-8", "replace"))
        offset += len(raw) + 1
    return "\n".join(decoded), tuple(found)

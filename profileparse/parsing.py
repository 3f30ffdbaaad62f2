"""The parsing pipeline, read top to bottom in :func:`parse_text`: normalise the text,
split it into dumps, detect each dump's layout, run the layout's grammar, finish.

The core knows no layout: everything about one (its grammar, how to recognise it, where
its dumps start, its whole-dump checks) comes from the registered :class:`Layout`."""

from __future__ import annotations

import contextlib
import functools
import gc
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

import attrs
from attrs import frozen

from profileparse import engine
from profileparse.errors import ParseError
from profileparse.layouts import Layout, LayoutResult
from profileparse.model import Diagnostic, DiagnosticCode, Document, Paper, Severity
from profileparse.registry import get_registry
from profileparse.text import BOM, binary, decode, normal_head, normalise, trailing_space

if TYPE_CHECKING:
    from lark import Lark

__all__ = ["detect_layout", "dump_starts", "parse", "parse_all", "parse_bytes"]


@functools.cache
def _parser(layout: Layout) -> Lark:  # Lark is imported when a grammar is first needed
    from lark import Lark

    return Lark.open_from_package(
        layout.package,
        layout.grammar,
        ("",),
        parser="lalr",
        lexer="contextual",
        cache=True,
        transformer=layout.transformer(),
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
    #: How to read bytes (``cp1252``, ...); None reads UTF-8, or UTF-16 with a BOM.
    encoding: str | None = None


# --- the walk from text to model ------------------------------------------------------


def parse_text(
    text: str,
    options: ParseOptions,
    found: tuple[Diagnostic, ...] = (),
    *,
    split: bool = True,
    checks: bool = True,
    first_line: int = 1,
) -> list[Document]:
    """The whole walk from text to model, one document per dump in the text.

    1. text stage: ``normalise`` (BOM, line ends, trailing white space), once, and
       only as far as it changes what the layout reads (see ``_read``);
    2. split into dumps where a layout says one of its kind begins (``split``);
    3. detect each dump's layout from a bounded head of it (unless one is given);
    4. run that layout's grammar and transformer;
    5. finish: reference year, the layout's whole-dump checks, diagnostics in line
       order, and ``strict``.

    ``found`` are diagnostics from decoding the bytes (``decode``). ``checks=False``
    leaves out the whole-dump checks, and ``first_line`` numbers the text's lines from
    there, for a piece of a dump read with ``split=False`` (streaming)."""
    if binary(found):
        return [Document(source=options.source, diagnostics=found)]
    prepared, starts, reading = _read(text, options, split=split, first_line=first_line)
    if len(starts) == 1:
        return [
            _parse_dump(
                prepared, options, found, checks=checks, reading=reading, first_line=first_line
            )
        ]
    documents = []
    for (first, column), part in zip(starts, _parts(prepared, starts), strict=True):
        last = part.count("\n")  # the part keeps the whole text's line numbers
        mine = tuple(d for d in found if first <= d.line <= last)
        if column > 1:
            mine = (*mine, _glued(first, column))
        documents.append(_parse_dump(part, options, mine, checks=checks))
    return documents


def _glued(line: int, column: int) -> Diagnostic:
    message = (
        f"a new dump starts at column {column} of this line: the files were joined without "
        "a final newline (cat?); the line is read as two"
    )
    return Diagnostic(Severity.WARNING, DiagnosticCode.GLUED, message, line, column)


def _parse_dump(
    prepared: str,
    options: ParseOptions,
    found: tuple[Diagnostic, ...],
    *,
    checks: bool = True,
    reading: tuple[Layout, engine.Reading] | None = None,
    first_line: int = 1,
) -> Document:
    """Steps 3 to 5 for one dump (``reading``: its layout's reading of it, when
    ``_reading`` has made one)."""
    if not prepared or prepared.isspace():  # stops at the first other character: no copy
        message = "the dump is empty"
        empty = Diagnostic(Severity.WARNING, DiagnosticCode.EMPTY, message, first_line)
        return Document(source=options.source, layout=options.layout, diagnostics=(*found, empty))
    if reading is not None:
        document = finish(reading[0], reading[1].result, options, found, checks=checks)
    elif (name := options.layout if options.layout is not None else detect(prepared)) is None:
        document = Document(
            source=options.source,
            layout=None,
            diagnostics=sorted((*found, *_no_layout(prepared)), key=lambda d: (d.line, d.column)),
        )
    else:
        layout = get_registry().layout(name)
        result = run(layout, prepared, first_line).result
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
    if layout.revise is not None:
        result = layout.revise(result)
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
    return sorted({line for line, _ in start_points(normalise(text))})


def start_points(prepared: str, upto: int | None = None) -> list[tuple[int, int]]:
    """Where dumps begin: (line, column), the column 1 unless a dump begins mid-line.

    ``upto``: only a dump that begins mid-line (``Layout.glued_starts``) may begin after
    this position (see ``_read``)."""
    head = prepared if upto is None else prepared[: prepared.rfind("\n", 0, upto) + 1]
    starts = {(1, 1)}
    for entry in get_registry().layouts.values():
        if entry.item.starts is not None:
            for start in entry.item.starts(head):
                starts.add(start if isinstance(start, tuple) else (start, 1))
    if upto is not None:
        starts.update(glued_starts(prepared))
    return sorted(starts)


def glued_starts(prepared: str) -> list[tuple[int, int]]:
    """Where a dump begins in the middle of a line, by every layout's ``glued_starts``."""
    found: list[tuple[int, int]] = []
    for entry in get_registry().layouts.values():
        if entry.item.glued_starts is not None:
            found.extend(entry.item.glued_starts(prepared))
    return found


class _Read(NamedTuple):
    """A text as the layouts read it, where its dumps start, and its reading as one dump
    (its layout's, and that layout's reading): None for an empty text or one no layout
    fits, or when several dumps start and the reading was not asked for."""

    prepared: str
    starts: list[tuple[int, int]]
    reading: tuple[Layout, engine.Reading] | None


def _read(
    text: str,
    options: ParseOptions,
    *,
    split: bool = True,
    first_line: int = 1,
    whole: bool = False,
) -> _Read:
    """Steps 1 to 4 for a whole text: normalise it as far as the reading needs, find
    where dumps start (``split``), and read it as one dump when it is one (or when
    ``whole`` asks for that reading anyway).

    A record layout reads the text first, stopping before the first record that is not
    regular. When there is none, two scans are saved. Another dump that begins after
    the text's lead (its head and first two records, ``engine.LEAD_RECORDS``) breaks
    the record it lands in (its lines are none the record expects) unless it begins
    mid-line, so ``starts`` is asked about the lead only, and ``glued_starts`` about
    the whole. And trailing white space past the text's first 64 KB (where detection
    and a header read) changes nothing: it would break a meta line, so a record, and
    the layouts' builders strip what they read; so the text is not searched for it
    line end by line end. Otherwise the text is normalised, every start looked for, and
    the reading goes on from where it stopped (from the start, when normalising changed
    the text)."""
    prepared, normal = normal_head(text, head(text))
    name = None
    if prepared and not prepared.isspace():
        name = options.layout if options.layout is not None else detect(prepared)
    layout = get_registry().layout(name) if name is not None else None
    with _collector_paused():
        if layout is None or layout.records is None:
            prepared = prepared if normal else normalise(prepared)
            starts = start_points(prepared) if split else [(1, 1)]
            reading = None
            if layout is not None and (len(starts) == 1 or whole):
                reading = layout, run(layout, prepared, first_line)
            return _Read(prepared, starts, reading)
        reader = engine.Reader(layout, prepared, first_line)
        if reader.read(stop=True) and (normal or not trailing_space(prepared, 0, reader.lead_end)):
            starts = start_points(prepared, upto=reader.lead_end) if split else [(1, 1)]
            if len(starts) > 1:
                prepared = normalise(prepared)  # (the dumps are read anew from it)
            return _Read(prepared, starts, (layout, reader.reading()))
        if not normal and (normalised := normalise(prepared)) is not prepared:
            prepared = normalised
            reader = engine.Reader(layout, prepared, first_line)
        starts = start_points(prepared) if split else [(1, 1)]
        if len(starts) > 1 and not whole:
            return _Read(prepared, starts, None)
        reader.read()
        return _Read(prepared, starts, (layout, reader.reading()))


def _parts(prepared: str, starts: list[tuple[int, int]]) -> list[str]:
    """Each dump's text, with the other dumps' lines blanked out so line numbers stay
    those of the whole text (a dump that begins mid-line starts its line there)."""
    if len(starts) == 1:
        return [prepared]
    lines = prepared[:-1].split("\n")  # prepared text ends in exactly one "\n" per line
    parts = []
    for (line, column), (end, end_column) in zip(
        starts, [*starts[1:], (len(lines) + 1, 1)], strict=True
    ):
        own = lines[line - 1 : end - 1]
        if end_column > 1:  # the next dump begins inside line `end`
            own.append(lines[end - 1][: end_column - 1])
        if own:
            own[0] = own[0][column - 1 :]
        parts.append("\n" * (line - 1) + "".join(text + "\n" for text in own))
    return parts


# --- step 3: which layout -------------------------------------------------------------

#: Layouts are detected from at most this much of the text's start.
HEAD_CHARS = 64 << 10
_BLANK_LINES = re.compile(r"\n*")


def head(prepared: str) -> str:
    """The start of a text that layouts sniff, blank lines before it left out: at most
    ``HEAD_CHARS``, whole lines (a slice, never a copy of the whole text)."""
    begin = _BLANK_LINES.match(prepared).end()  # type: ignore[union-attr]  # matches ""
    end = begin + HEAD_CHARS
    if len(prepared) <= end:
        return prepared[begin:]
    cut = prepared.rfind("\n", begin, end)
    return prepared[begin : cut + 1] if cut > begin else prepared[begin:end]


def detect(prepared: str) -> str | None:
    """The name of the registered layout a normalised text fits best, or None."""
    start = head(prepared)
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
    return text.lstrip(BOM).split("\n", 1)[0].rstrip("\r")


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
    return parse_one(text, options, ())


def parse_one(text: str, options: ParseOptions, found: tuple[Diagnostic, ...]) -> Document:
    """:func:`parse` of a text: one document, warning when it holds several."""
    prepared, points, reading = _read(text, options, whole=True)
    starts = [line for line, _ in points]
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
    return _parse_dump(prepared, options, found, reading=reading)


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


def parse_bytes(
    data: bytes,
    *,
    layout: str | None = None,
    source: str | None = None,
    strict: bool = False,
    reference_year: int | None = None,
    encoding: str | None = None,
) -> list[Document]:
    """Parse the bytes of a file: one :class:`Document` per dump in them, as the command
    line and the corpus read files (several pasted together are each read, with the
    line numbers of the whole text).

    The bytes are read as UTF-8 (a BOM is fine), or as UTF-16 when they start with a
    UTF-16 BOM, or in ``encoding`` (``"cp1252"``, ...) when given; bytes that do not
    decode become ``encoding`` errors naming the line, column and byte. ``source``
    names the file in diagnostics; the other options are those of :func:`parse`."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"parse_bytes() takes bytes, not {type(data).__name__}")
    text, found = decode(bytes(data), encoding=encoding)
    return parse_text(text, ParseOptions(layout, source, strict, reference_year, encoding), found)


def run(layout: Layout, prepared: str, first_line: int = 1) -> engine.Reading:
    """A layout's reading of a normalised text as one dump: by the record engine when
    the layout declares a record shape, else by Lark (whose reading says no record was
    regular: every dump start is then looked for). ``first_line``: the number of the
    text's first line (a piece of a file)."""
    with _collector_paused():
        if layout.records is not None:
            return engine.read(layout, prepared, first_line)
        text = "\n" * (first_line - 1) + prepared
        return engine.Reading(parse_with_grammar(layout, text), False, len(text))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a layout builds a dump's model (as
    Mercurial's parsers do): it makes objects by the hundred thousand and no cycles, so
    each collection their numbers set off would find nothing to free (5-10% of the time
    of a large dump). When it resumes, what was made goes straight to its oldest
    generation (``gc.freeze`` then ``gc.unfreeze``, only when the program has frozen
    nothing): a model is long-lived, and the young collection the paused allocations
    would set off at once would go over every object and free none (a tenth of the
    time of a large dump). The collector is left enabled or not as it was found."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            if not gc.get_freeze_count():  # (never thaw what the program froze)
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def parse_with_grammar(layout: Layout, prepared: str) -> LayoutResult:
    """A layout's grammar and transformer run by Lark over normalised text: how a
    layout without a record shape is read, and the reference the record engine is
    tested against."""
    from lark import LarkError, UnexpectedInput

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
    text = lines[diag.line - 1].rstrip() if 0 < diag.line <= len(lines) else ""
    return ParseError(
        diag.message, line=diag.line, column=diag.column, text=text, source=source, code=diag.code
    )

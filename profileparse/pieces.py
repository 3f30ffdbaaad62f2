"""Reading files: :func:`parse_file`, and a big file in pieces of whole lines, each
after the first starting where a record may (``Layout.record_start``), which is what
``parse_file`` and streaming read large dumps in (:func:`cut`). Above ``parsing``,
which parses one text."""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from profileparse.layouts import LayoutResult
from profileparse.model import Document
from profileparse.parsing import (
    HEAD_CHARS,
    ParseOptions,
    detect,
    finish,
    glued_starts,
    parse_one,
    run,
    start_points,
)
from profileparse.registry import get_registry
from profileparse.text import BINARY_HEAD, BOM, binary, binary_head, decode, normalise

__all__ = ["PIECE_BYTES", "TAIL_CHARS", "cut", "parse_file"]

#: ``parse_file`` reads files of more than twice this many bytes in pieces this big
#: (a piece's text and its reading take about eight times as much at their peak; pieces
#: four times bigger read no faster).
PIECE_BYTES = 512 << 10
#: How much of the piece before (whole lines) each piece's search for dump starts sees.
TAIL_CHARS = 64 << 10


def cut(
    blocks: Iterable[bytes], record_start: Callable[[str], bool] | None, size: int
) -> Iterator[tuple[int, int, bytes]]:
    """``(lines before, bytes before, piece)`` for pieces of about ``size`` bytes made of
    ``blocks`` (the file read in blocks, or line by line): each piece ends with a line
    break, and the next starts at the first line after ``size`` bytes that
    ``record_start`` accepts. Without ``record_start`` the whole file is one piece."""
    held: list[bytes] = []
    count = lines = position = 0
    for block in blocks:
        held.append(block)
        count += len(block)
        if record_start is None or count < size + (size >> 2):
            continue
        data = b"".join(held)
        at = _record_line(data, size, record_start)
        if at < 0:  # no record starts after `size` yet: wait for more
            held, count = [data], len(data)
            continue
        held, count = [data[at:]], len(data) - at
        data = data[:at]  # (the joined blocks go: only the piece is held while it is read)
        yield lines, position, data
        lines += data.count(b"\n")
        position += at
    if count:
        yield lines, position, b"".join(held)


def _record_line(data: bytes, size: int, record_start: Callable[[str], bool]) -> int:
    """Where the first whole line at or after ``size`` that may start a record begins, or
    -1 (a last line without its line break is not whole yet)."""
    at = data.find(b"\n", size - 1) + 1
    while at > 0:
        end = data.find(b"\n", at)
        if end < 0:
            return -1
        if record_start(data[at:end].decode("utf-8", "replace").rstrip()):
            return at
        at = end + 1
    return -1


def _in_pieces(path: str | os.PathLike[str], options: ParseOptions) -> Document | None:
    """``parse_file`` of a big UTF-8 file, a piece at a time: the same document in memory
    that holds the model and one piece, not the whole text (two bytes a character when
    any character is past U+00FF). None when the file needs the whole-text walk: bytes
    that do not decode, no layout, several dumps, ``strict`` with an error, or too few
    lines to tell the layout from, nothing but white space.

    Each piece is decoded and normalised on its own (the same text as the whole file's,
    cut at line ends), parsed by the layout with the line numbers of the whole file, and
    the results are finished together as one dump. Where dumps start is asked of each
    piece with the end of the one before (``TAIL_CHARS``) as context."""
    with open(path, "rb") as handle:
        first = handle.read(max(PIECE_BYTES, HEAD_CHARS * 4))
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return None
        name = options.layout if options.layout is not None else _detect(first)
        if name is None:
            return None
        layout = get_registry().layout(name)
        blocks = _blocks(first, handle)
        del first
        results: list[LayoutResult] = []
        tail = ""
        blank = True
        for lines, position, data in cut(blocks, layout.record_start, PIECE_BYTES):
            text, found = decode(data, position, None if position == 0 else "utf-8")
            if found or (position and text.startswith(BOM)):
                return None  # decoding problems, or a BOM normalise would take
            del data
            prepared = normalise(text)
            del text
            blank = blank and (not prepared or prepared.isspace())
            reading = run(layout, prepared, first_line=lines + 1)  # the file's line numbers
            # Where dumps start, as parse_text looks (see its _starts), with the end of
            # the piece before as context (a dump begun mid-line is inside one piece).
            if reading.regular:
                several = len(start_points(tail + prepared[: reading.lead_end])) > 1
                several = several or bool(glued_starts(prepared))
            else:
                several = len(start_points(tail + prepared)) > 1
            if several:
                return None
            begin = prepared.find("\n", max(len(prepared) - TAIL_CHARS, 0)) + 1
            tail = prepared[begin:]
            del prepared
            results.append(reading.result)
            del reading
    if blank:
        return None  # the whole-text walk says the dump is empty
    result = LayoutResult(
        profile=next((r.profile for r in results if r.profile is not None), None),
        papers=[paper for r in results for paper in r.papers],
        diagnostics=[d for r in results for d in r.diagnostics],
    )
    document = finish(layout, result, options)
    return None if options.strict and document.errors else document


def _detect(first: bytes) -> str | None:
    """The layout the start of a file shows, or None when it cannot be told from there
    (bytes that do not decode, or too little text after its blank lines)."""
    known, found = decode(first[: first.rfind(b"\n") + 1])
    head = normalise(known)
    if found or len(head) - len(head.lstrip("\n")) + HEAD_CHARS >= len(head):
        return None
    return detect(head)


def _blocks(first: bytes, handle: BinaryIO) -> Iterator[bytes]:
    """``first``, then the rest of ``handle`` in blocks, holding none once it is passed on."""
    block = first
    del first
    while block:
        yield block
        block = handle.read(PIECE_BYTES)


def parse_file(
    path: str | os.PathLike[str],
    *,
    layout: str | None = None,
    source: str | None = None,
    strict: bool = False,
    reference_year: int | None = None,
    encoding: str | None = None,
) -> Document:
    """Read ``path`` and :func:`parse` it.

    The file is read as UTF-8 (a BOM is fine), or as UTF-16 when it starts with a UTF-16
    BOM, or in ``encoding`` (``"cp1252"``, ...) when given. Bytes that do not decode
    become ``encoding`` errors naming the line, column and byte (shown as U+FFFD in the
    text); the rest of the file is still parsed. A binary file gives one ``binary``
    error. ``source`` defaults to the path as given; the other options are those of
    :func:`parse`.

    A big UTF-8 file is read a piece at a time (``_in_pieces``): the same
    document, without the whole text in memory at once.
    """
    options = ParseOptions(
        layout, os.fspath(path) if source is None else source, strict, reference_year, encoding
    )
    with open(path, "rb") as file:  # a binary file is told from its start, not read whole
        if found := binary_head(file.read(BINARY_HEAD), encoding):
            return Document(source=options.source, diagnostics=found)
    if _utf8(encoding) and os.path.isfile(path) and os.stat(path).st_size > 2 * PIECE_BYTES:
        document = _in_pieces(path, options)
        if document is not None:
            return document
    with open(path, "rb") as file:
        data = file.read()
    text, found = decode(data, encoding=encoding)
    del data
    if binary(found):
        return Document(source=options.source, diagnostics=found)
    return parse_one(text, options, found)


def _utf8(encoding: str | None) -> bool:
    return encoding is None or codecs.lookup(encoding).name == "utf-8"

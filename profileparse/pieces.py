"""A big file in pieces of whole lines, each after the first starting where a record
may (``Layout.record_start``): what streaming and ``parse_file`` read large dumps in."""

from __future__ import annotations

import codecs
import functools
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from profileparse.layouts import LayoutResult
from profileparse.registry import get_registry
from profileparse.text import BOM, decode, normalise

if TYPE_CHECKING:
    from profileparse.model import Document
    from profileparse.parsing import ParseOptions

__all__ = ["PIECE_BYTES", "TAIL_CHARS", "cut", "parse_in_pieces"]

#: ``parse_file`` reads files of more than twice this many bytes in pieces this big.
PIECE_BYTES = 2 << 20
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
        yield lines, position, data[:at]
        lines += data.count(b"\n", 0, at)
        position += at
        held, count = [data[at:]], len(data) - at
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


def parse_in_pieces(path: str | os.PathLike[str], options: ParseOptions) -> Document | None:
    """``parse_file`` of a big UTF-8 file, a piece at a time: the same document in memory
    that holds the model and one piece, not the whole text (two bytes a character when
    any character is past U+00FF). None when the file needs the whole-text walk: bytes
    that do not decode, no layout, several dumps, ``strict`` with an error, or too few
    lines to tell the layout from, nothing but white space.

    Each piece is decoded and normalised on its own (the same text as the whole file's,
    cut at line ends), parsed by the layout with the line numbers of the whole file, and
    the results are finished together as one dump. Where dumps start is asked of each
    piece with the end of the one before (``TAIL_CHARS``) as context."""
    from profileparse.parsing import HEAD_CHARS, _run, _starts, detect, finish

    with open(path, "rb") as handle:
        first = handle.read(max(PIECE_BYTES, HEAD_CHARS * 4))
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return None
        name = options.layout
        if name is None:
            known, found = decode(first[: first.rfind(b"\n") + 1])
            head = normalise(known)
            if found or len(head) - len(head.lstrip("\n")) + HEAD_CHARS >= len(head):
                return None
            name = detect(head)
            if name is None:
                return None
        layout = get_registry().layout(name)
        blocks = itertools.chain([first], iter(functools.partial(handle.read, PIECE_BYTES), b""))
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
            if len(_starts(tail + prepared)) > 1:
                return None
            begin = prepared.find("\n", max(len(prepared) - TAIL_CHARS, 0)) + 1
            tail = prepared[begin:]
            prepared = "\n" * lines + prepared  # the whole file's line numbers
            results.append(_run(layout, prepared))
            del prepared
    if blank:
        return None  # the whole-text walk says the dump is empty
    result = LayoutResult(
        profile=next((r.profile for r in results if r.profile is not None), None),
        papers=[paper for r in results for paper in r.papers],
        diagnostics=[d for r in results for d in r.diagnostics],
    )
    document = finish(layout, result, options)
    return None if options.strict and document.errors else document

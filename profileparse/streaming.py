"""Streaming: papers as each record completes, in memory that does not grow with the file."""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Iterable, Iterator
from typing import IO

import attrs

from profileparse.model import Diagnostic, Document, Paper, Profile
from profileparse.parsing import ParseOptions, detect, parse_text
from profileparse.pieces import cut
from profileparse.registry import get_registry
from profileparse.text import BINARY_HEAD, binary_head, decode, normalise

__all__ = ["PaperStream", "iter_papers"]

CHUNK_BYTES = 1 << 20  # parse about 1 MB at a time, always cut at a record boundary
_SNIFF_BYTES = 64 << 10


def _shift_diagnostic(d: Diagnostic, by: int) -> Diagnostic:
    return attrs.evolve(d, line=d.line + by, end_line=d.end_line + by)


class PaperStream:
    """An iterator of :class:`Paper` read incrementally from a dump.

    ``layout`` is known once the stream is created; ``profile`` (for a profile dump) is
    set before the first paper is yielded; ``diagnostics`` grows as records are read and
    is complete once the iterator is exhausted. Line numbers are those of the whole file.
    """

    def __init__(
        self,
        lines: Iterator[bytes],
        *,
        layout: str | None,
        source: str | None,
        reference_year: int | None,
        head: bytes,
        encoding: str | None = None,
    ) -> None:
        self.source = source
        self.profile: Profile | None = None
        self.diagnostics: list[Diagnostic] = []
        self._lines = lines
        self._reference_year = reference_year
        self._encoding = encoding
        #: A binary file's one error: it is told from its head, and not read further.
        self._binary = binary_head(head, encoding)
        self.layout = (
            layout
            if layout is not None or self._binary
            else detect(normalise(decode(head, 0, encoding)[0]))
        )
        self.count = 0
        self._papers = self._generate()

    def document(self, papers: Iterable[Paper]) -> Document:
        """Some of this stream's papers as a document (with its source, layout and
        profile), e.g. a batch to write out."""
        return Document(source=self.source, layout=self.layout, profile=self.profile, papers=papers)

    def __iter__(self) -> PaperStream:
        return self

    def __next__(self) -> Paper:
        return next(self._papers)

    def _generate(self) -> Iterator[Paper]:
        options = ParseOptions(self.layout, self.source, False, self._reference_year)
        if self._binary:
            self.diagnostics.extend(self._binary)
            return
        if self.layout is None:
            text, found = decode(b"".join(self._lines), 0, self._encoding)  # with the head
            (doc,) = parse_text(text, options, found, split=False)
            self.diagnostics.extend(doc.diagnostics)
            return
        layout = get_registry().layout(self.layout)
        for offset, position, data in cut(self._lines, layout.record_start, CHUNK_BYTES):
            text, found = decode(data, position, self._encoding)
            found = tuple(_shift_diagnostic(d, offset) for d in found) if offset else found
            # (the chunk's lines numbered as the file's)
            (doc,) = parse_text(
                text, options, found, split=False, checks=False, first_line=offset + 1
            )
            if doc.profile is not None and self.profile is None:
                self.profile = doc.profile
            self.diagnostics.extend(doc.diagnostics)
            for paper in doc.papers:
                self.count += 1
                yield paper
        if layout.check is not None:  # checks that need the whole dump, once
            self.diagnostics.extend(layout.check(self.profile, self.count))
        self.diagnostics.sort(key=lambda d: (d.line, d.column))


def iter_papers(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    *,
    layout: str | None = None,
    reference_year: int | None = None,
    encoding: str | None = None,
) -> PaperStream:
    """Read a dump incrementally and yield each :class:`Paper` as its record completes.

    ``source`` is a path or an open file (binary or text). Memory stays flat in the size of
    the file: about a megabyte of text is parsed at a time. The layout is detected from the
    first 64 KB unless given. A file holding several dumps is read as one. ``encoding``
    reads the bytes in that encoding instead of UTF-8 (see :func:`parse_file`).
    """
    wide = encoding is not None and codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    opened: IO[bytes] | None = None
    if isinstance(source, (str, os.PathLike)):
        opened = open(source, "rb")  # noqa: SIM115 (closed when the stream ends)
        handle: IO[bytes] = opened
        name: str | None = os.fspath(source)
    else:
        handle = source  # type: ignore[assignment]
        name = getattr(source, "name", None)
    if isinstance(source, io.TextIOBase):
        lines: Iterator[bytes] = (line.encode("utf-8") for line in source)
    elif wide:  # lines cannot be split on b"\n": read them as text, pass them on as UTF-8
        assert encoding is not None
        wrapped = io.TextIOWrapper(handle, encoding=encoding, errors="replace")
        lines = (line.encode("utf-8") for line in wrapped)
        encoding = None
    else:
        start = handle.read(BINARY_HEAD)
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = io.TextIOWrapper(handle, encoding="utf-16")
            lines = (line.encode("utf-8") for line in _rewound(handle, text))
        elif binary_head(start, encoding):  # its one error; the rest is not read
            if opened is not None:
                opened.close()
            return PaperStream(
                iter(()),
                layout=layout,
                source=name if isinstance(name, str) else None,
                reference_year=reference_year,
                head=start,
                encoding=encoding,
            )
        else:
            lines = _prepend(start, iter(handle))
    head, lines = _peek(lines, _SNIFF_BYTES)
    return PaperStream(
        _closing(lines, opened),
        layout=layout,
        source=name if isinstance(name, str) else None,
        reference_year=reference_year,
        head=head,
        encoding=encoding,
    )


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    """The file's lines again, ``first`` being the bytes already read from its start
    (whole lines, and the start of the line ``rest`` goes on with)."""
    *whole, line = first.split(b"\n")
    for done in whole:
        yield done + b"\n"
    for more in rest:
        line += more
        if line.endswith(b"\n"):
            yield line
            line = b""
    if line:
        yield line


def _rewound(handle: IO[bytes], text: io.TextIOWrapper) -> Iterator[str]:
    """The UTF-16 text from the start (its BOM was read to tell the encoding)."""
    handle.seek(0)
    yield from text


def _peek(lines: Iterator[bytes], limit: int) -> tuple[bytes, Iterator[bytes]]:
    """The first ``limit`` bytes (whole lines) for sniffing, and all the lines again."""
    seen: list[bytes] = []
    size = 0
    for line in lines:
        seen.append(line)
        size += len(line)
        if size >= limit:
            break

    def again() -> Iterator[bytes]:
        yield from seen
        yield from lines

    return b"".join(seen), again()


def _closing(lines: Iterator[bytes], handle: IO[bytes] | None) -> Iterator[bytes]:
    try:
        yield from lines
    finally:
        if handle is not None:
            handle.close()

"""The text stage: bytes to text (with a diagnostic for every line that does not
decode), and the one normalisation every layout reads."""

from __future__ import annotations

import codecs
import re

from profileparse.model import Diagnostic, DiagnosticCode, Severity

__all__ = [
    "BINARY_HEAD",
    "BOM",
    "binary",
    "binary_head",
    "decode",
    "normal_head",
    "normalise",
    "trailing_space",
]

BOM = "\ufeff"
#: Whether a file is binary is decided from this much of its start, before the rest is
#: read: a 2 GB image is not read whole to be told it is no dump.
BINARY_HEAD = 64 << 10
#: A file is taken as binary when more than this share of its head's bytes are NUL, or
#: when more than BINARY_SHARE of its head's lines (and more than a few) cannot be
#: decoded. A few NUL bytes in a text are local damage: an error at their line.
NUL_SHARE = 0.01
BINARY_SHARE = 0.3
_FEW = 3


# A line break after white space. The pattern starts with the literal "\n", so the regex
# engine scans for it at memchr speed and looks back only at line ends.
_TRAILING_SPACE = re.compile(r"\n(?<=[^\S\n]\n)")


def normalise(text: str) -> str:
    """The text the grammars read: no BOM, ``\\n`` line ends, no trailing white space on
    any line, and a final newline. Line numbers and the columns of content are unchanged.

    A text that is already so is returned as it is, without a copy."""
    if _normal(text):
        return text
    if text.startswith(BOM):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _TRAILING_SPACE.search(text) is None and not text[-1:].isspace():
        return text + "\n" if text else text  # only the final newline was missing
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return "".join(line.rstrip() + "\n" for line in lines)


def normal_head(text: str, head: str) -> tuple[str, bool]:
    """``text`` normalised but for trailing white space after ``head`` (a slice of its
    start), which is looked for only there: the cheap part of :func:`normalise`. The
    flag says whether the whole text is known to be normal. A text with a BOM or a
    carriage return is normalised whole."""
    if text.startswith(BOM) or "\r" in text or _TRAILING_SPACE.search(head) is not None:
        return normalise(text), True
    if not text.endswith("\n"):
        if text[-1:].isspace():  # (white space at the very end, after no line break)
            return normalise(text), True
        text += "\n"
    return text, False


def trailing_space(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether any line of ``text[start:end]`` ends in white space."""
    return _TRAILING_SPACE.search(text, start, len(text) if end is None else end) is not None


def _normal(text: str) -> bool:
    return (
        text.endswith("\n")
        and not text.startswith(BOM)
        and "\r" not in text
        and _TRAILING_SPACE.search(text) is None
    ) or text == ""


def binary(found: tuple[Diagnostic, ...]) -> bool:
    """True when decoding found the bytes to be a binary file, not a text dump."""
    return any(d.code == DiagnosticCode.BINARY for d in found)


def _binary(data: bytes) -> tuple[str, tuple[Diagnostic, ...]]:
    lines = max(data.count(b"\n") + (not data.endswith(b"\n")), 1)
    message = "binary file, not a text dump"
    return "", (Diagnostic(Severity.ERROR, DiagnosticCode.BINARY, message, 1, 1, lines),)


def binary_head(head: bytes, encoding: str | None = None) -> tuple[Diagnostic, ...]:
    """The ``binary`` error for a file that starts with ``head`` (its first
    ``BINARY_HEAD`` bytes, or all of it) when that start shows a binary file, else ``()``:
    more than ``NUL_SHARE`` of its bytes are NUL, or most of its lines cannot be
    decoded. A file in UTF-16 or UTF-32 (a BOM, or ``encoding``) is not binary."""
    name = codecs.lookup(encoding).name if encoding is not None else None
    head = head[:BINARY_HEAD]
    if name is not None and name.startswith(("utf-16", "utf-32")):
        return ()
    if name is None and head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ()
    if head.count(b"\0") > NUL_SHARE * len(head):
        return _binary(head)[1]
    cut = head.rfind(b"\n") + 1 if len(head) == BINARY_HEAD else len(head)  # whole lines
    lines = head[: cut or len(head)].split(b"\n")
    bad = 0
    for raw in lines:
        try:
            raw.decode(name or "utf-8")
        except UnicodeDecodeError:
            bad += 1
    if bad > _FEW and bad > BINARY_SHARE * len(lines):
        return _binary(head)[1]
    return ()


#: Control characters that have no place in a copied page: the C0 controls but tab, line
#: feed and carriage return (NUL, form feed and vertical tab included), and DEL. Inside
#: a text they are stray bytes: shown as U+FFFD, an error at their line.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _has_control(data: bytes) -> bool:
    """Whether ``data`` holds a control byte: one C pass, several times faster than a
    regex search on clean text."""
    return len(data.translate(None, _CONTROL_BYTES)) != len(data)


def _control_errors(text: str) -> tuple[str, tuple[Diagnostic, ...]]:
    """``text`` with each control character shown as U+FFFD, and an error for each line
    that held one (at its first): stray bytes, local damage the rest is read past."""
    found = []
    line, counted = 1, 0
    at_line = -1
    for match in _CONTROL.finditer(text):
        at = match.start()
        if at < at_line:
            continue  # this line is reported already
        line += text.count("\n", counted, at)
        counted = at
        line_start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        at_line = len(text) if end < 0 else end
        shown = _CONTROL.findall(text, at, at_line)
        names = ", ".join(
            f"U+{ord(c):04X}" + (" NUL" if c == "\0" else "") for c in dict.fromkeys(shown)
        )
        what = "NUL byte(s)" if set(shown) == {"\0"} else f"control character(s) ({names})"
        message = f"{len(shown)} {what} in this line (shown as U+FFFD): stray bytes in the text"
        column = at - line_start + 1
        found.append(Diagnostic(Severity.ERROR, DiagnosticCode.STRAY_BYTES, message, line, column))
    return _CONTROL.sub("\ufffd", text), tuple(found)


def decode(
    data: bytes, offset: int = 0, encoding: str | None = None
) -> tuple[str, tuple[Diagnostic, ...]]:
    """``data`` as text, with an ``encoding`` error for each line that does not decode.

    Without ``encoding`` the bytes are read as UTF-8 (a BOM is fine), or as UTF-16 when
    they start with a UTF-16 BOM. Binary data (a NUL byte, or mostly undecodable lines)
    gives no text and one ``binary`` error. ``offset`` is where ``data`` starts in its
    file, for the byte offsets reported. An unknown ``encoding`` is a ``LookupError``."""
    name = codecs.lookup(encoding).name if encoding is not None else None
    wide = name is not None and name.startswith(("utf-16", "utf-32"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and name is None:
        try:
            return data.decode("utf-16"), ()
        except UnicodeDecodeError:
            pass  # a UTF-16 BOM on something else: report it as bytes below
    if not wide and (found := binary_head(data, encoding)):
        return "", found  # (decided from the head, as files are)
    try:
        text, found = data.decode(name or "utf-8-sig"), ()
    except UnicodeDecodeError:
        if wide:  # lines cannot be split on b"\n": one diagnostic for the whole text
            assert name is not None
            text = data.decode(name, "replace")
            message = f"not {name}: some bytes cannot be decoded (shown as U+FFFD)"
            return text, (Diagnostic(Severity.ERROR, DiagnosticCode.ENCODING, message, 1),)
        text, found = _by_line(data, offset, name)
        if binary(found):
            return text, found
    if not wide and _has_control(data):
        text, stray = _control_errors(text)
        found = tuple(sorted((*found, *stray), key=lambda d: (d.line, d.column)))
    return text, found


def _by_line(data: bytes, offset: int, name: str | None) -> tuple[str, tuple[Diagnostic, ...]]:
    """Decode line by line so each bad line is reported once and the work stays linear."""
    found: list[Diagnostic] = []
    lines = data.split(b"\n")
    if name is None and lines[0].startswith(codecs.BOM_UTF8):
        lines[0] = lines[0][len(codecs.BOM_UTF8) :]
        offset += len(codecs.BOM_UTF8)
    codec = name or "utf-8"
    hint = (
        "is the file Latin-1 or cp1252? read it with --encoding cp1252 (encoding='cp1252')"
        if name is None
        else "is that the file's encoding?"
    )
    decoded = []
    for number, raw in enumerate(lines, start=1):
        try:
            decoded.append(raw.decode(codec))
        except UnicodeDecodeError as exc:
            column = len(raw[: exc.start].decode(codec, "replace")) + 1
            found.append(
                Diagnostic(
                    Severity.ERROR,
                    DiagnosticCode.ENCODING,
                    f"not {'UTF-8' if name is None else name}: byte 0x{raw[exc.start]:02x} "
                    f"at offset {offset + exc.start} cannot be decoded (shown as U+FFFD); {hint}",
                    number,
                    column,
                )
            )
            decoded.append(raw.decode(codec, "replace"))
        offset += len(raw) + 1
    if len(found) > _FEW and len(found) > BINARY_SHARE * len(lines):
        return _binary(data)
    return "\n".join(decoded), tuple(found)

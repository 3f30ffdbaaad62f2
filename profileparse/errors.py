"""Exceptions raised to callers. Nothing from inside Lark reaches a user directly.

Every exception profileparse raises on purpose is a :class:`ProfileparseError`, so
``except profileparse.ProfileparseError`` catches them all; each also derives from the
built-in exception it has always been (``ValueError`` for bad input or names,
``RuntimeError`` for broken plugins and corpora).
"""

from __future__ import annotations

__all__ = [
    "CorpusError",
    "CorpusLockedError",
    "FormatOptionError",
    "MissingExtraError",
    "ParseError",
    "PluginError",
    "ProfileparseError",
    "UnknownFormatError",
    "UnknownLayoutError",
]


class ProfileparseError(Exception):
    """The base of every error profileparse raises on purpose."""


class UnknownLayoutError(ProfileparseError, ValueError):
    """No layout of that name is registered (the message lists the known ones)."""


class UnknownFormatError(ProfileparseError, ValueError):
    """No format of that name is registered (the message lists the known ones)."""


class FormatOptionError(ProfileparseError, ValueError):
    """A format was given an option it does not take (the message lists the ones it
    does), or a value it rejects."""


class MissingExtraError(ProfileparseError, ImportError):
    """A format or command needs a library that is not installed; the message is one
    line that names it and the ``pip install`` that brings it."""


class ParseError(ProfileparseError, ValueError):
    """A dump could not be read as intended (raised by ``strict=True`` parsing).

    Carries where the problem is: ``line`` and ``column`` are 1-based, ``text`` is the
    offending input line as it was, ``source`` the file name when known.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int,
        column: int = 1,
        text: str = "",
        source: str | None = None,
        code: str = "parse-error",
    ) -> None:
        self.message = message
        self.line = line
        self.column = column
        self.text = text
        self.source = source
        self.code = code
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"{self.source or '<input>'}:{self.line}:{self.column}"
        out = f"{where}: error: {self.message}"  # the form every diagnostic is shown in
        if self.text:
            shown = self.text if len(self.text) <= 120 else self.text[:117] + "..."
            caret = " " * min(max(self.column - 1, 0), len(shown)) + "^"
            out += f"\n    {shown}\n    {caret}"
        return out


class PluginError(ProfileparseError, RuntimeError):
    """A plugin is broken or two plugins claim the same name."""


class CorpusError(ProfileparseError, RuntimeError):
    """A corpus cannot be opened or written: not a corpus, a newer schema, a setting
    that differs from the one it was built with, or a missing optional dependency."""


class CorpusLockedError(CorpusError):
    """Another process kept the corpus's write lock for longer than the write was
    allowed to wait (``Corpus(..., wait=SECONDS)``, ``corpus build --wait``)."""

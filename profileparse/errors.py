"""Exceptions raised to callers. Nothing from inside Lark reaches a user directly."""

from __future__ import annotations

__all__ = ["CorpusError", "ParseError", "PluginError"]


class ParseError(ValueError):
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
        out = f"{where}: {self.message}"
        if self.text:
            shown = self.text if len(self.text) <= 120 else self.text[:117] + "..."
            caret = " " * min(max(self.column - 1, 0), len(shown)) + "^"
            out += f"\n    {shown}\n    {caret}"
        return out


class PluginError(RuntimeError):
    """A plugin is broken or two plugins claim the same name."""


class CorpusError(RuntimeError):
    """A corpus cannot be opened or written: not a corpus, a newer schema, a setting
    that differs from the one it was built with, or a missing optional dependency."""

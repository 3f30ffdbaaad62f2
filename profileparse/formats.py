"""What an export format plugin provides, and how the core calls it."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from profileparse.errors import FormatOptionError, MissingExtraError

if TYPE_CHECKING:
    from profileparse.model import Document

__all__ = [
    "DumpFunction",
    "DumpManyFunction",
    "DumpPiecesFunction",
    "Format",
    "SkippedRecordsWarning",
]

_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")


#: ``dump(document, /, **options) -> str | bytes``: render one parsed document. Options
#: are keyword-only parameters with defaults; they are the format's options.
DumpFunction = Callable[..., str | bytes]
#: ``dump_many(documents, /, **options) -> Iterator[str]``: render several documents as
#: one output (one JSON array, one CSV header, citation keys unique across them all),
#: yielding the text in pieces. It takes the same options as ``dump``.
DumpManyFunction = Callable[..., Iterator[str]]
#: ``dump_pieces(document, /, **options) -> Iterator[str]``: the text ``dump`` gives, in
#: pieces that join to it, so a big document is written without all its text in memory
#: at once. It takes the same options as ``dump``.
DumpPiecesFunction = Callable[..., Iterator[str]]


class SkippedRecordsWarning(UserWarning):
    """A format left records out (a bibliography entry needs a title); the message says
    how many. The command line shows it as a note on stderr."""


def _check_name(instance: Any, attribute: Any, value: str) -> None:
    if not _NAME.match(value):
        raise ValueError(f"format name must be lower-case letters, digits and '-': {value!r}")


def _check_suffix(instance: Any, attribute: Any, value: str) -> None:
    if not value.startswith("."):
        raise ValueError(f"suffix must start with '.': {value!r}")


def _boolean(text: str) -> bool:
    value = _BOOLEANS.get(text.lower())
    if value is None:
        raise ValueError(text)
    return value


_BOOLEANS = {"yes": True, "true": True, "on": True, "1": True}
_BOOLEANS.update({"no": False, "false": False, "off": False, "0": False})
#: How an option's text is read, by the type ``dump`` declares: what it is called in
#: an error, and the function that reads it (ValueError for a value of another type).
_READERS: dict[type, tuple[str, Callable[[str], Any]]] = {
    bool: ("yes or no (true/false, on/off, 1/0)", _boolean),
    int: ("a whole number", int),
    float: ("a number", float),
    str: ("text", str),
}


def _modules(names: Iterable[str]) -> tuple[str, ...]:
    return (names,) if isinstance(names, str) else tuple(names)


def _installed(module: str) -> bool:
    """Whether ``module`` can be imported, found without importing it."""
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent that is missing, or set to None
        return False


def _text(out: str | bytes) -> str:
    return out.decode("utf-8") if isinstance(out, bytes) else out


@frozen
class Format:
    """An export format: a name for ``-f``/``dumps``, a file suffix, a one-line
    description, and the function that renders a :class:`~profileparse.Document`.

    ``dump_many`` renders several documents as one output; without it, several
    documents are written one after another. ``streaming`` says that ``dump_many``
    reads its documents lazily and writes as it goes, and that consecutive documents
    with the same ``source`` are batches of one dump's papers: the command line then
    writes a huge dump through it in flat memory.

    ``dump_pieces`` gives ``dump``'s text in pieces; the command line writes a
    document through it piece by piece (a million papers in JSON, without the whole
    text in memory).

    ``modules`` are what the format imports beyond the core install, and ``install``
    the requirement that brings them (``profileparse[report]``): without them it fails
    with one line that says so (:meth:`missing`), before anything is written.
    """

    name: str = field(validator=_check_name)
    suffix: str = field(validator=_check_suffix)
    description: str
    dump: DumpFunction
    dump_many: DumpManyFunction | None = None
    streaming: bool = False
    modules: tuple[str, ...] = field(default=(), converter=_modules)
    install: str | None = None
    dump_pieces: DumpPiecesFunction | None = None

    def missing(self) -> str | None:
        """None when every module the format needs can be imported; else the line
        that says which cannot and what to install. (Modules are looked for, not
        imported.)"""
        absent = [module for module in self.modules if not _installed(module)]
        if not absent:
            return None
        line = f"the {self.name} format needs {', '.join(absent)}"
        return f"{line}: pip install '{self.install}'" if self.install else line

    def require(self) -> None:
        """Raise :class:`MissingExtraError` when :meth:`missing` says something is."""
        problem = self.missing()
        if problem is not None:
            raise MissingExtraError(problem)

    def options(self) -> dict[str, Any]:
        """The options ``dump`` takes, with their defaults."""
        try:
            parameters = inspect.signature(self.dump).parameters.values()
        except (TypeError, ValueError):  # a builtin or C function: options unknown
            return {}
        return {
            p.name: p.default
            for p in parameters
            if p.kind is inspect.Parameter.KEYWORD_ONLY
            or (p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and p.default is not p.empty)
        }

    def _takes_any_option(self) -> bool:
        try:
            parameters = inspect.signature(self.dump).parameters.values()
        except (TypeError, ValueError):
            return True
        return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)

    def check_options(self, options: Mapping[str, Any]) -> None:
        """Raise :class:`FormatOptionError` for an option ``dump`` does not take (a
        ``dump`` with ``**options`` takes any and checks them itself)."""
        if self._takes_any_option():
            return
        known = self.options()
        unknown = sorted(set(options) - set(known))
        if unknown:
            valid = ", ".join(sorted(known)) if known else "none"
            raise FormatOptionError(
                f"format {self.name!r} has no option {', '.join(map(repr, unknown))}; "
                f"its options: {valid}"
            )

    def read_options(self, given: Mapping[str, str]) -> dict[str, Any]:
        """Options given as text (``-O KEY=VALUE``) read by the type ``dump`` declares
        for each: ``bool`` from yes/no, true/false, on/off or 1/0; ``int`` and
        ``float`` from numbers; ``None`` from none or null where the type allows it;
        ``str`` as it is. An option with no declared type is read as JSON when it
        parses as JSON, else as text. A value of the wrong type is a
        :class:`FormatOptionError` that names the option and the type."""
        self.check_options(given)
        hints = self._hints()
        return {key: self._read(key, text, hints.get(key)) for key, text in given.items()}

    def _hints(self) -> dict[str, Any]:
        import typing

        try:
            return typing.get_type_hints(self.dump)
        except Exception:  # annotations that do not evaluate: read values as JSON
            return {}

    def _read(self, key: str, text: str, hint: Any) -> Any:
        import types
        import typing

        kinds = (
            typing.get_args(hint)
            if typing.get_origin(hint) in (typing.Union, types.UnionType)
            else (hint,)
        )
        optional = type(None) in kinds
        kinds = tuple(k for k in kinds if k is not type(None))
        if optional and text.strip().lower() in ("none", "null"):
            return None
        kind = kinds[0] if len(kinds) == 1 else None
        reader = _READERS.get(kind)  # type: ignore[arg-type]
        if reader is None:
            import json

            try:
                return json.loads(text)
            except ValueError:
                return text
        what, read = reader
        try:
            return read(text if kind is str else text.strip())
        except ValueError:
            expected = f"{what} or none" if optional else what
            raise FormatOptionError(
                f"format {self.name!r}: option {key!r} takes {expected}, not {text!r}"
            ) from None

    def render(self, document: Document, **options: Any) -> str:
        """``document`` in this format; a value the format rejects is a
        :class:`FormatOptionError`, a module it needs and cannot import a
        :class:`MissingExtraError`."""
        self.require()
        self.check_options(options)
        try:
            return _text(self.dump(document, **options))
        except ValueError as exc:
            raise FormatOptionError(f"format {self.name!r}: {exc}") from None

    def render_pieces(self, document: Document, **options: Any) -> Iterator[str]:
        """The text :meth:`render` gives, in pieces to write in turn: several when the
        format has ``dump_pieces``, else one. The format's extras and the option names
        are checked before the first piece is asked for."""
        if self.dump_pieces is None:
            return iter((self.render(document, **options),))
        self.require()
        self.check_options(options)
        return self._pieces(self.dump_pieces, document, options)

    def _pieces(
        self, dump_pieces: DumpPiecesFunction, document: Document, options: dict[str, Any]
    ) -> Iterator[str]:
        try:
            yield from dump_pieces(document, **options)
        except ValueError as exc:
            raise FormatOptionError(f"format {self.name!r}: {exc}") from None

    def render_many(self, documents: Iterable[Document], **options: Any) -> Iterator[str]:
        """Several documents as one output, in pieces."""
        self.require()
        self.check_options(options)
        try:
            if self.dump_many is not None:
                yield from self.dump_many(documents, **options)
            else:
                for document in documents:
                    yield _text(self.dump(document, **options))
        except ValueError as exc:
            raise FormatOptionError(f"format {self.name!r}: {exc}") from None

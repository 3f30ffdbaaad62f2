"""The model as plain data (dicts, lists, strings, numbers) and back.

This is the shape the ``json`` format writes and snapshot tests compare:
dates as ``YYYY-MM-DD`` or ``--MM-DD``, severities as strings, tuples as lists.
:func:`to_data` reads it off the model's attrs fields and their types; only
:func:`from_data` imports cattrs, whose import would add to every export's start-up.
"""

from __future__ import annotations

import functools
import operator
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from profileparse.model import Document, Paper, PaperDate, Severity

if TYPE_CHECKING:
    import cattrs

__all__ = ["converter", "from_data", "paper_data", "to_data"]

_AS_IS = (str, int, float, bool)


def _convert(kind: Any) -> Callable[[Any], Any] | None:
    """How a value of type ``kind`` (other than None) becomes plain data; None when it
    already is."""
    if kind in _AS_IS:
        return None
    if kind is PaperDate:
        return PaperDate.isoformat
    if kind is Severity:
        return operator.attrgetter("value")
    if attrs.has(kind):
        return _record(kind)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple and args[1:] == (...,):
        item = _convert(args[0])
        return list if item is None else lambda value: [item(x) for x in value]
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in args if arg is not type(None)]
        if len(inner) == 1:
            return _convert(inner[0])
    raise TypeError(f"no plain form for {kind!r}")


@functools.cache
def _record(cls: type) -> Callable[[Any], dict[str, Any]]:
    """Instances of the attrs class ``cls`` as dicts, keys in field order."""
    hints = typing.get_type_hints(cls)
    names = tuple(field.name for field in attrs.fields(cls))
    converted = [
        (name, convert) for name in names if (convert := _convert(hints[name])) is not None
    ]

    def record(instance: Any) -> dict[str, Any]:
        data = {name: getattr(instance, name) for name in names}
        for name, convert in converted:
            if data[name] is not None:
                data[name] = convert(data[name])
        return data

    return record


@functools.cache
def converter() -> cattrs.Converter:
    """The cattrs converter from plain data back to the model (it unstructures to the
    same shape as :func:`to_data`)."""
    import cattrs

    conv = cattrs.Converter()
    conv.register_unstructure_hook(PaperDate, PaperDate.isoformat)
    conv.register_structure_hook(PaperDate, lambda value, _: PaperDate.fromisoformat(value))
    conv.register_unstructure_hook(Severity, lambda s: s.value)
    conv.register_structure_hook(Severity, lambda value, _: Severity(value))
    return conv


def paper_data(paper: Paper) -> dict[str, Any]:
    """``paper`` as the plain data :func:`to_data` gives it in a document's papers."""
    return _record(Paper)(paper)


def to_data(document: Document) -> dict[str, Any]:
    """``document`` as plain JSON-ready data, keys in the model's field order."""
    return _record(Document)(document)


def from_data(data: dict[str, Any]) -> Document:
    """The inverse of :func:`to_data`."""
    return converter().structure(data, Document)

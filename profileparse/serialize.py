"""The model as plain data (dicts, lists, strings, numbers) and back.

This is the shape the ``json`` format writes and snapshot tests compare:
dates as ``YYYY-MM-DD`` or ``--MM-DD``, severities as strings, tuples as lists.
"""

from __future__ import annotations

import functools
from typing import Any

import cattrs

from profileparse.model import Document, PaperDate, Severity

__all__ = ["converter", "from_data", "to_data"]


@functools.cache
def converter() -> cattrs.Converter:
    """The cattrs converter between the model and plain data."""
    conv = cattrs.Converter()
    conv.register_unstructure_hook(PaperDate, PaperDate.isoformat)
    conv.register_structure_hook(PaperDate, lambda value, _: PaperDate.fromisoformat(value))
    conv.register_unstructure_hook(Severity, lambda s: s.value)
    conv.register_structure_hook(Severity, lambda value, _: Severity(value))
    return conv


def to_data(document: Document) -> dict[str, Any]:
    """``document`` as plain JSON-ready data, keys in the model's field order."""
    data: dict[str, Any] = converter().unstructure(document)
    return data


def from_data(data: dict[str, Any]) -> Document:
    """The inverse of :func:`to_data`."""
    return converter().structure(data, Document)

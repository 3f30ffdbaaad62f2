"""What an export format plugin provides."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from attrs import field, frozen

__all__ = ["DumpFunction", "Format"]

_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")


#: ``dump(document, **options) -> str | bytes``: render one parsed document. Options are
#: keyword arguments; a format documents the ones it takes.
DumpFunction = Callable[..., str | bytes]


def _check_name(instance: Any, attribute: Any, value: str) -> None:
    if not _NAME.match(value):
        raise ValueError(f"format name must be lower-case letters, digits and '-': {value!r}")


def _check_suffix(instance: Any, attribute: Any, value: str) -> None:
    if not value.startswith("."):
        raise ValueError(f"suffix must start with '.': {value!r}")


@frozen
class Format:
    """An export format: a name for ``-f``/``dumps``, a file suffix, a one-line
    description, and the function that renders a :class:`~profileparse.Document`."""

    name: str = field(validator=_check_name)
    suffix: str = field(validator=_check_suffix)
    description: str
    dump: DumpFunction

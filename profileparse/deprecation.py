"""Names that moved keep working for a while, with a ``DeprecationWarning``."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["moved"]


def moved(module: str, table: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for names of ``module`` that now live elsewhere:
    ``table`` maps each old name to the module that has it now."""

    def attribute(name: str) -> Any:
        if name not in table:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        warnings.warn(
            f"{module}.{name} moved to {table[name]}.{name}; import it from there",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(table[name]), name)

    return attribute

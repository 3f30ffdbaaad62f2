"""The plugin hooks. Built-in layouts and formats use exactly these, like any third party.

A plugin is a module (or object) with functions named after these hooks and marked with
``@profileparse.hookimpl``. Make it known with an entry point in the ``profileparse``
group of your package's ``pyproject.toml``::

    [project.entry-points.profileparse]
    titles = "my_package.titles_plugin"
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from profileparse.formats import Format
    from profileparse.layouts import Layout

__all__ = ["PROJECT", "hookimpl", "hookspec", "register_formats", "register_layouts"]

PROJECT = "profileparse"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_layouts(register: Callable[[Layout], None]) -> None:
    """Called once, when the plugin manager is first used, to collect dump layouts.

    Call ``register(Layout(...))`` once for each layout the plugin provides. The layout's
    name is what ``parse(..., layout=NAME)`` and ``--layout NAME`` accept, and its
    ``sniff`` takes part in automatic layout detection. Returns nothing.
    """


@hookspec
def register_formats(register: Callable[[Format], None]) -> None:
    """Called once, when the plugin manager is first used, to collect export formats.

    Call ``register(Format(...))`` once for each format the plugin provides. The format's
    name is what ``dumps(doc, NAME)`` and ``-f NAME`` accept. Returns nothing.
    """

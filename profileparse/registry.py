"""The plugin manager, and the registry of layouts and formats it collects."""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Callable, Iterable
from importlib.machinery import PathFinder
from typing import Any, Generic, TypeVar

import attrs
import pluggy
from attrs import frozen

from profileparse import hookspecs
from profileparse.errors import PluginError, UnknownFormatError, UnknownLayoutError
from profileparse.formats import Format
from profileparse.layouts import Layout

__all__ = [
    "BUILTIN_PACKAGE",
    "Entry",
    "Registry",
    "builtin_plugins",
    "get_plugin_manager",
    "get_registry",
]

# The built-in plugins: every module of profileparse.plugins, registered through the same
# hooks a third-party plugin uses (a module with no hook implementations adds nothing).
BUILTIN_PACKAGE = "profileparse.plugins"


def builtin_plugins() -> tuple[str, ...]:
    """The module names of the built-in plugins."""
    package = importlib.import_module(BUILTIN_PACKAGE)
    try:  # the modules of a plain folder, read without pkgutil (start-up time)
        names = {
            name.removesuffix(".py")
            for folder in package.__path__
            for name in os.listdir(folder)
            if name.endswith(".py") and name != "__init__.py"
        }
    except OSError:  # a zip or other importer: ask it
        import pkgutil

        names = {info.name for info in pkgutil.iter_modules(package.__path__)}
    return tuple(f"{BUILTIN_PACKAGE}.{name}" for name in sorted(names))


BUILTIN = "built-in"

T = TypeVar("T", Layout, Format)


@frozen
class Entry(Generic[T]):
    """A registered layout or format and where it came from."""

    item: T
    origin: str


#: Set (to anything but empty or 0) to load only the built-in plugins, as pytest's
#: PYTEST_DISABLE_PLUGIN_AUTOLOAD does: for tests, and to rule out a broken plugin.
DISABLE_AUTOLOAD = "PROFILEPARSE_DISABLE_PLUGIN_AUTOLOAD"


def autoload() -> bool:
    """Whether installed third-party plugins are loaded (see ``DISABLE_AUTOLOAD``)."""
    return os.environ.get(DISABLE_AUTOLOAD, "") in ("", "0")


def _group_declared(group: str) -> bool:
    """Whether an installed distribution may declare entry points in ``group``, found
    without importlib.metadata (it imports email, zipfile and more, which costs more
    than the look): such a distribution has an ``entry_points.txt`` with a ``[group]``
    line in its ``.dist-info`` or ``.egg-info`` folder on ``sys.path`` (or in the
    ``EGG-INFO`` of an ``.egg`` folder there). True also when the look cannot tell: a
    zip file on ``sys.path``, or an import hook that finds distributions of its own."""
    if any(
        finder is not PathFinder and hasattr(finder, "find_distributions")
        for finder in sys.meta_path
    ):
        return True
    header = f"[{group}]".encode()
    for entry in sys.path:
        if not isinstance(entry, str):
            return True
        folder = entry or "."
        try:
            names = os.listdir(folder)
        except NotADirectoryError:  # a zip file
            return True
        except OSError:
            continue
        for name in names:
            if not name.lower().endswith((".dist-info", "egg-info")):
                continue
            try:
                with open(os.path.join(folder, name, "entry_points.txt"), "rb") as f:
                    if header in f.read():
                        return True
            except OSError:
                continue
    return False


# The hooks, by name (pluggy marks each spec with a "<project>_spec" attribute).
_HOOKS = frozenset(
    name for name, value in vars(hookspecs).items() if hasattr(value, f"{hookspecs.PROJECT}_spec")
)


class _PluginManager(pluggy.PluginManager):
    """pluggy's manager, which looks at every name a plugin holds for hook
    implementations; a built-in plugin implements hooks under their own names only, so
    its other names are passed over unseen (a few milliseconds of every start-up)."""

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        if name not in _HOOKS and getattr(plugin, "__name__", "").startswith(BUILTIN_PACKAGE + "."):
            return None
        return super().parse_hookimpl_opts(plugin, name)


def get_plugin_manager(*, load_entry_points: bool | None = None) -> pluggy.PluginManager:
    """A new plugin manager with the built-in plugins and every installed plugin from
    the ``profileparse`` entry-point group (unless ``load_entry_points`` is False, or
    it is None and ``PROFILEPARSE_DISABLE_PLUGIN_AUTOLOAD`` is set)."""
    if load_entry_points is None:
        load_entry_points = autoload()
    pm = _PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for module_name in builtin_plugins():
        pm.register(importlib.import_module(module_name), name=module_name)
    if load_entry_points and _group_declared(hookspecs.PROJECT):
        pm.load_setuptools_entrypoints(hookspecs.PROJECT)
    return pm


def _origins(pm: pluggy.PluginManager) -> dict[int, str]:
    found: dict[int, str] = {}
    for plugin, dist in pm.list_plugin_distinfo():
        found[id(plugin)] = f"{dist.project_name} {dist.version}"
    for name, plugin in pm.list_name_plugin():
        if name.startswith(BUILTIN_PACKAGE + "."):
            found[id(plugin)] = BUILTIN
        found.setdefault(id(plugin), name)
    return found


class Registry:
    """Every layout and format the plugins registered, by name."""

    def __init__(self, layouts: Iterable[Entry[Layout]], formats: Iterable[Entry[Format]]):
        self.layouts: dict[str, Entry[Layout]] = {e.item.name: e for e in layouts}
        self.formats: dict[str, Entry[Format]] = {e.item.name: e for e in formats}

    @classmethod
    def from_plugin_manager(cls, pm: pluggy.PluginManager) -> Registry:
        origins = _origins(pm)
        layouts: dict[str, Entry[Layout]] = {}
        formats: dict[str, Entry[Format]] = {}
        _collect(pm.hook.register_layouts, origins, layouts, Layout, "layout")
        _collect(pm.hook.register_formats, origins, formats, Format, "format")
        return cls(layouts.values(), formats.values())

    def layout(self, name: str) -> Layout:
        try:
            return self.layouts[name].item
        except KeyError:
            raise UnknownLayoutError(
                f"unknown layout {name!r}; known layouts: {', '.join(sorted(self.layouts))}"
            ) from None

    def format(self, name: str) -> Format:
        try:
            return self.formats[name].item
        except KeyError:
            raise UnknownFormatError(
                f"unknown format {name!r}; known formats: {', '.join(sorted(self.formats))}"
            ) from None


#: What a duck-typed layout or format must have; it may have any other field too.
_FIELDS: dict[type[Any], tuple[str, ...]] = {
    Format: ("name", "suffix", "description", "dump"),
    Layout: ("name", "description", "grammar", "transformer", "sniff"),
}


def _coerce(item: object, kind: type[T], what: str, origin: str) -> T:
    """``item`` as a ``kind``: plugins may register any object with the right fields."""
    if isinstance(item, kind):
        return item
    fields = _FIELDS[kind]
    missing = [f for f in fields if not hasattr(item, f)]
    if missing:
        raise PluginError(
            f"{origin} registered {item!r} as a {what}, but it has no {', '.join(missing)}"
        )
    values = {f: getattr(item, f) for f in fields}
    for optional in attrs.fields(kind):  # (the class's own list: none is left behind)
        if optional.name not in values and hasattr(item, optional.name):
            values[optional.name] = getattr(item, optional.name)
    try:
        return kind(**values)
    except (TypeError, ValueError) as exc:
        raise PluginError(f"{origin} registered a broken {what}: {exc}") from None


def _collect(
    hook: Any,
    origins: dict[int, str],
    into: dict[str, Entry[T]],
    kind: type[T],
    what: str,
) -> None:
    for impl in hook.get_hookimpls():
        origin: str = origins.get(id(impl.plugin), impl.plugin_name)

        def register(item: object, origin: str = origin) -> None:
            checked = _coerce(item, kind, what, origin)
            if checked.name in into:
                raise PluginError(
                    f"two plugins register the {what} {checked.name!r}: "
                    f"{into[checked.name].origin} and {origin}"
                )
            into[checked.name] = Entry(checked, origin)

        register_fn: Callable[[object], None] = register
        impl.function(register=register_fn)


@functools.cache
def get_registry() -> Registry:
    """The registry of the default plugin manager, built once per process."""
    return Registry.from_plugin_manager(get_plugin_manager())

"""The plugin manager: built-ins through the same hooks as third parties."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import profileparse
from profileparse import Document, Format, FormatOptionError, MissingExtraError, PluginError
from profileparse.layouts import Layout
from profileparse.registry import (
    Registry,
    _group_declared,
    builtin_plugins,
    get_plugin_manager,
    get_registry,
)
from tests.conftest import install_distribution


def test_builtins_register_and_hooks_are_all_implemented_correctly() -> None:
    pm = get_plugin_manager(load_entry_points=False)
    pm.check_pending()
    registry = Registry.from_plugin_manager(pm)
    assert set(registry.layouts) == {"profile", "inline", "abstracts"}
    assert "json" in registry.formats
    assert {e.origin for e in registry.layouts.values()} == {"built-in"}


def _titles(document: Document, **options: Any) -> str:
    return "".join(f"{p.title}\n" for p in document.papers)


def test_a_throwaway_format_plugin_is_registered_and_used() -> None:
    plugin = SimpleNamespace(
        register_formats=profileparse.hookimpl(
            lambda register: register(Format("titles", ".txt", "one title a line", _titles))
        )
    )
    pm = get_plugin_manager(load_entry_points=False)
    pm.register(plugin, name="throwaway")
    try:
        pm.check_pending()
        registry = Registry.from_plugin_manager(pm)
        assert registry.formats["titles"].origin == "throwaway"
        doc = profileparse.parse("CLJun 29, 2023\nA TitleAda Lovelace\nAn abstract.\n")
        assert registry.format("titles").dump(doc) == "A Title\n"
    finally:
        pm.unregister(plugin)
    assert "titles" not in Registry.from_plugin_manager(pm).formats


def test_two_plugins_with_one_name_is_an_error_naming_both() -> None:
    plugin = SimpleNamespace(
        register_formats=profileparse.hookimpl(
            lambda register: register(Format("json", ".json", "another json", _titles))
        )
    )
    pm = get_plugin_manager(load_entry_points=False)
    pm.register(plugin, name="impostor")
    with pytest.raises(PluginError, match=r"'json'.*(built-in and impostor|impostor and built-in)"):
        Registry.from_plugin_manager(pm)


def test_a_misspelled_hook_fails_check_pending() -> None:
    plugin = SimpleNamespace(register_format=profileparse.hookimpl(lambda register: None))
    pm = get_plugin_manager(load_entry_points=False)
    pm.register(plugin)
    with pytest.raises(Exception, match="unknown hook"):
        pm.check_pending()


def test_builtin_modules_are_the_plugins_package() -> None:
    assert all(m.startswith("profileparse.plugins.") for m in builtin_plugins())


def test_any_object_with_the_format_fields_can_be_registered() -> None:
    shaped = SimpleNamespace(
        name="count",
        suffix=".txt",
        description="paper count",
        dump=lambda document, **options: f"{len(document.papers)}\n",
    )
    broken = SimpleNamespace(name="Bad Name!", suffix=".txt", description="x", dump=_titles)
    plugin = SimpleNamespace(
        register_formats=profileparse.hookimpl(lambda register: register(shaped))
    )
    pm = get_plugin_manager(load_entry_points=False)
    pm.register(plugin, name="duck")
    registry = Registry.from_plugin_manager(pm)
    assert registry.format("count").dump(profileparse.parse("Abstract: x\n")) == "1\n"
    pm.unregister(plugin)
    bad = SimpleNamespace(register_formats=profileparse.hookimpl(lambda register: register(broken)))
    pm.register(bad, name="bad-plugin")
    with pytest.raises(PluginError, match="bad-plugin registered a broken format"):
        Registry.from_plugin_manager(pm)


def test_a_format_whose_module_is_not_installed_says_so_in_one_line(tmp_path: Path) -> None:
    needy = Format(
        "needy",
        ".txt",
        "needs a module that is not installed",
        lambda document: "never\n",
        modules=("profileparse_no_such_module",),
        install="needy-extras",
    )
    line = "the needy format needs profileparse_no_such_module: pip install 'needy-extras'"
    assert needy.missing() == line
    with pytest.raises(MissingExtraError, match=r"^the needy format needs"):
        needy.render(profileparse.parse("Abstract: x\n"))
    with pytest.raises(ImportError):  # (what it is, for code that catches that)
        list(needy.render_many([]))
    assert Format("plain", ".txt", "x", _titles, modules=("json",)).missing() is None


def _options(
    document: Document, /, *, ratio: float = 1.0, tags: object = None, sep: str = ","
) -> str:
    return f"{ratio} {tags} {sep}\n"


def test_options_given_as_text_are_read_by_their_declared_types() -> None:
    fmt = Format("typed", ".txt", "typed options", _options)
    given = {"ratio": "0.5", "tags": '["a", 1]', "sep": " | "}
    assert fmt.read_options(given) == {"ratio": 0.5, "tags": ["a", 1], "sep": " | "}
    assert fmt.read_options({"tags": "plain words"}) == {"tags": "plain words"}
    with pytest.raises(FormatOptionError, match=r"option 'ratio' takes a number, not 'x'"):
        fmt.read_options({"ratio": "x"})
    with pytest.raises(FormatOptionError, match=r"has no option 'colour'"):
        fmt.read_options({"colour": "red"})


def test_a_layout_registered_as_any_object_keeps_every_field_it_has() -> None:
    """A duck-typed layout is copied field by field from ``Layout``'s own list: its
    record shape and its glued starts too, so the record engine reads it."""
    import attrs

    builtin = get_registry().layout("abstracts")
    shaped = SimpleNamespace(**{f.name: getattr(builtin, f.name) for f in attrs.fields(Layout)})
    shaped.name = "abstracts-copy"
    plugin = SimpleNamespace(
        register_layouts=profileparse.hookimpl(lambda register: register(shaped))
    )
    pm = get_plugin_manager(load_entry_points=False)
    pm.register(plugin, name="duck")
    copy = Registry.from_plugin_manager(pm).layout("abstracts-copy")
    assert copy.records is builtin.records and copy.glued_starts is builtin.glued_starts
    assert attrs.evolve(copy, name="abstracts") == builtin


def _groups() -> set[str]:
    import importlib.metadata

    return {ep.group for dist in importlib.metadata.distributions() for ep in dist.entry_points}


def _ran_in_a_fresh_interpreter(name: str) -> bool:
    """Whether the test ``name`` had to run in a new interpreter (and passed there): an
    earlier test imported distributed, which imports the importlib_metadata backport,
    whose finder finds distributions of its own, so the look answers "maybe" by design
    in this one."""
    if "importlib_metadata" not in sys.modules:
        return False
    fresh = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{__file__}::{name}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    return True


def test_the_entry_point_look_finds_every_group_importlib_metadata_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    if _ran_in_a_fresh_interpreter(request.node.name):
        return
    assert _group_declared("profileparse") == ("profileparse" in _groups())
    install_distribution(tmp_path, "titles-plugin", "1.2", "titles", "titles_plugin")
    legacy = tmp_path / "older_plugin.egg-info"
    legacy.mkdir()
    (legacy / "entry_points.txt").write_text("[profileparse-older]\nx = y\n", encoding="utf-8")
    (tmp_path / "lone.egg-info").write_text("Metadata-Version: 1.0\n", encoding="utf-8")
    egg = tmp_path / "oldest_plugin-1.0-py3.11.egg"
    (egg / "EGG-INFO").mkdir(parents=True)
    (egg / "EGG-INFO" / "entry_points.txt").write_text(
        "[profileparse-egg]\nx = y\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(egg))
    groups = _groups()
    assert {"profileparse", "profileparse-older", "profileparse-egg"} <= groups
    assert all(_group_declared(group) for group in groups)
    assert not _group_declared("profileparse-none")


def test_the_entry_point_look_cannot_read_a_zip_and_says_maybe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    if _ran_in_a_fresh_interpreter(request.node.name):
        return
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(tmp_path)])
    assert not _group_declared("profileparse")
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("titles_plugin-1.2.dist-info/entry_points.txt", "[profileparse]\nt = t\n")
    monkeypatch.setattr(sys, "path", [str(archive)])
    assert _group_declared("profileparse")

"""The grammars: LALR, loaded from package resources (with Lark's cache), every rule handled."""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

import pytest
from lark import Lark

from profileparse.parsing import _parser
from profileparse.registry import get_registry

LAYOUTS = ["profile", "inline", "abstracts"]


@pytest.mark.parametrize("name", LAYOUTS)
def test_every_rule_has_a_transformer_handler(name: str) -> None:
    layout = get_registry().layout(name)
    rules = {str(rule.origin.name) for rule in _parser(layout).rules}
    named = {r for r in rules if not r.startswith("_")}  # "_x" rules are inlined by Lark
    transformer = layout.transformer()
    missing = sorted(r for r in named if not callable(getattr(transformer, r, None)))
    assert not missing, f"{name}: rules without a handler in the transformer: {missing}"
    assert "start" in named


@pytest.mark.parametrize("name", LAYOUTS)
def test_parser_is_lalr_cached_and_built_once(name: str) -> None:
    layout = get_registry().layout(name)
    parser = _parser(layout)
    assert parser.options.parser == "lalr"
    assert parser.options.cache is True
    assert _parser(layout) is parser


@pytest.mark.parametrize("name", LAYOUTS)
def test_grammar_file_is_a_package_resource_that_builds_lalr(name: str) -> None:
    layout = get_registry().layout(name)
    resource = importlib.resources.files(layout.package).joinpath(layout.grammar)
    assert resource.is_file()
    fresh = Lark.open_from_package(layout.package, layout.grammar, ("",), parser="lalr")
    assert {str(r.origin.name) for r in fresh.rules} == {
        str(r.origin.name) for r in _parser(layout).rules
    }


def test_cached_terminals_from_other_grammar_files_are_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from profileparse import layouts

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh = layouts._terminals.__wrapped__("profileparse.grammars", "abstracts.lark")
    path = tmp_path / "profileparse" / "terminals-profileparse.grammars-abstracts.lark.json"
    stale = json.loads(path.read_text(encoding="utf-8"))
    stale["sources"]["abstracts.lark"] += "\n// edited\n"
    stale["terminals"]["ABSTRACT"] = "stale"
    path.write_text(json.dumps(stale), encoding="utf-8")
    assert layouts._terminals.__wrapped__("profileparse.grammars", "abstracts.lark") == fresh
    path.write_text("not json", encoding="utf-8")
    assert layouts._terminals.__wrapped__("profileparse.grammars", "abstracts.lark") == fresh
    monkeypatch.setenv("XDG_CACHE_HOME", str(path))  # a file where the folder should be
    assert layouts._terminals.__wrapped__("profileparse.grammars", "abstracts.lark") == fresh

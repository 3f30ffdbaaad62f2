"""The core names no layout and no format: everything about one comes from its plugin."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from profileparse.registry import Registry, get_plugin_manager

CORE = Path(__file__).resolve().parents[1] / "profileparse"


def _string_constants(path: Path) -> list[tuple[int, str]]:
    """Every string constant in a module that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


@pytest.fixture(scope="module")
def builtins() -> Registry:
    return Registry.from_plugin_manager(get_plugin_manager(load_entry_points=False))


def test_no_string_in_the_core_is_a_layout_name_or_syntax(builtins: Registry) -> None:
    names = set(builtins.layouts)
    codes = {code for entry in builtins.layouts.values() for code in entry.item.codes}
    syntax = re.compile(
        r"h-index|abstract\s*:|[0-9]\s*citations|novelty\s*[0-9]|ai score\s*[0-9]", re.I
    )
    found = []
    labels = CORE / "labels.py"  # the words people read for the header's fields, not syntax
    for path in sorted(CORE.rglob("*.py")):
        for line, text in _string_constants(path):
            if text in names or text in codes or (path != labels and syntax.search(text)):
                found.append(f"{path.relative_to(CORE.parent)}:{line}: {text!r}")
    assert found == []


def test_every_layout_documents_its_codes(builtins: Registry) -> None:
    for name, entry in builtins.layouts.items():
        assert entry.item.codes, f"layout {name} documents no diagnostic codes"

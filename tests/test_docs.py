"""The docs stay honest: every hook is documented, every layout and diagnostic code too."""

from __future__ import annotations

import re
from pathlib import Path

from profileparse import hookspecs
from profileparse.registry import get_registry

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_hook_is_documented() -> None:
    text = (DOCS / "plugins.md").read_text(encoding="utf-8")
    hooks = [name for name in dir(hookspecs) if name.startswith("register_")]
    assert hooks
    for hook in hooks:
        assert f"### {hook}" in text, f"docs/plugins.md does not document the {hook} hook"


def test_every_layout_has_a_section() -> None:
    text = (DOCS / "layouts.md").read_text(encoding="utf-8")
    for name in get_registry().layouts:
        assert f"## {name}" in text


def test_every_diagnostic_code_is_documented() -> None:
    source = "\n".join(
        p.read_text(encoding="utf-8")
        for folder in ("profileparse", "plugins")
        for p in (DOCS.parent / folder).glob("*.py")
    )
    codes = set(re.findall(r'(?:Severity\.(?:ERROR|WARNING),\s*|code=)"([a-z-]+)"', source))
    codes |= {f"missing-{f}" for f in ("title", "authors", "abstract")}
    codes.discard("missing-")
    text = (DOCS / "model.md").read_text(encoding="utf-8")
    undocumented = sorted(c for c in codes if f"`{c}`" not in text)
    assert not undocumented, undocumented

"""The fast extra (lark-cython) gives exactly what the pure-Python parser gives."""

from __future__ import annotations

import random

import pytest

import profileparse
from profileparse.parsing import _fast_plugins
from tests.conftest import seed_paths
from tests.render import RENDERERS, Variations, load_records

pytest.importorskip("lark_cython", reason="the fast extra is not installed")


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in seed_paths()]
    records = load_records(300)
    rng = random.Random(5)
    for render in RENDERERS.values():
        texts.append(render(records, rng, Variations(crlf=True, extra_blank_lines=True)).text)
    damaged = texts[0].replace("LGSep 7, 2024", "LGSep 7 2024x").replace("16 Papers", "")
    texts += [damaged, "hello\nworld", "", "Abstract: one\nstray\n"]
    return texts


@pytest.mark.parametrize("index", range(len(_texts())))
def test_fast_and_pure_agree(index: int, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _texts()[index]
    assert _fast_plugins() is not None
    fast = profileparse.parse_all(text)
    monkeypatch.setenv("PROFILEPARSE_PURE", "1")
    assert _fast_plugins() is None
    assert profileparse.parse_all(text) == fast

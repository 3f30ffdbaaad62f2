"""A layout's fast path gives exactly what its grammar gives: equal documents and
diagnostics on real, rendered, damaged and random text."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import profileparse
from tests.conftest import seed_paths
from tests.render import RENDERERS, Variations, load_records

FAST = [name for name, e in profileparse.get_registry().layouts.items() if e.item.fast]


def _both(text: str, layout: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = profileparse.parse(text, layout=layout)
    with monkeypatch.context() as m:
        m.setenv("PROFILEPARSE_NO_FAST_PATH", "1")
        grammar = profileparse.parse(text, layout=layout)
    assert fast == grammar


def _texts() -> list[str]:
    records = load_records(200)
    rng = random.Random(11)
    texts = [p.read_text(encoding="utf-8") for p in seed_paths()]
    for layout in RENDERERS:
        for start in range(0, 200, 25):
            chunk = records[start : start + 25]
            texts.append(RENDERERS[layout](chunk, rng, Variations.random(rng)).text)
    damaged = []
    for text in texts:
        lines = text.split("\n")
        for _ in range(3):
            i = rng.randrange(len(lines))
            lines.insert(
                i,
                rng.choice(
                    [
                        "  Abstract :  indented",
                        "CLJun 29, 2023Code",
                        "CLFeb 30, 2023",
                        "CLJun 31 2023Cod",
                        "junk",
                        "",
                    ]
                ),
            )
        damaged.append("\n".join(lines))
    return texts + damaged


def test_there_is_a_fast_path() -> None:
    assert {"profile", "inline", "abstracts"} <= set(FAST)


@pytest.mark.parametrize("layout", FAST)
def test_fast_path_equals_the_grammar(layout: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for text in _texts():
        _both(text, layout, monkeypatch)


LINES = st.sampled_from(
    ["Abstract:We study parsing.", "  abstract : spaced", "ABSTRACT:", "Abstract", "",
     "CLJun 29, 2023Code", "  56.3CLApr 7", "CLFeb 30, 2023", "CLJun 31 2023Cod",
     "plain text", "\t", "Abstract:x\r", "Xiaokun Wang", "CV", "h-index19", "16papers",
     "1,851citations", "Novelty40%", "AI Score38", "10 Papers", "  indented title",
     "Tianwen Wei, Jian Luan et al.", "Skywork: A ModelTianwen Wei, Jian Luan · mit",
     "We present a model. " * 12]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=16), st.sampled_from(FAST or ["abstracts"]))
def test_fast_path_equals_the_grammar_on_random_lines(lines: list[str], layout: str) -> None:
    text = "\n".join(lines)
    fast = profileparse.parse(text, layout=layout)
    with pytest.MonkeyPatch.context() as m:
        m.setenv("PROFILEPARSE_NO_FAST_PATH", "1")
        grammar = profileparse.parse(text, layout=layout)
    assert fast == grammar


@pytest.mark.parametrize("indent", ["", " ", "   ", "\t"])
@pytest.mark.parametrize("length", [38, 39, 40, 41, 42])
@pytest.mark.parametrize("layout", ["profile", "inline"])
def test_a_damaged_meta_line_near_the_length_limit_is_read_alike(
    indent: str, length: int, layout: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line after a record's first that reads like a damaged meta line starts a new
    record only when it is short: both paths draw that line in the same place, however
    the line is indented."""
    damaged = indent + ("CLJun 31 2023Cod " + "x" * length)[:length]
    abstract = "We present a model. " * 12
    if layout == "profile":  # in the author line's place
        record = ["CLJun 29, 2023Code", "Skywork: A Model", "", damaged, "", abstract]
    else:  # in the abstract line's place
        record = ["CLJun 29, 2023Code", "Skywork: A ModelTianwen Wei, Jian Luan · mit", damaged]
    _both("\n".join(record * 3) + "\n", layout, monkeypatch)

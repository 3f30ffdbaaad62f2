"""The record engine gives exactly what Lark's parse of a layout's grammar gives: equal
papers, profiles and diagnostics on real, rendered, damaged and random text."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import profileparse
from profileparse import engine
from profileparse.parsing import parse_with_grammar
from profileparse.text import normalise
from tests.conftest import seed_paths
from tests.render import RENDERERS, Variations, load_records

RECORDS = [name for name, e in profileparse.get_registry().layouts.items() if e.item.records]


def _both(text: str, layout: str) -> None:
    chosen = profileparse.get_registry().layout(layout)
    prepared = normalise(text)
    assert engine.read(chosen, prepared) == parse_with_grammar(chosen, prepared)


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


def test_the_built_in_layouts_declare_their_records() -> None:
    assert {"profile", "inline", "abstracts"} <= set(RECORDS)


@pytest.mark.parametrize("layout", RECORDS)
def test_the_engine_equals_the_grammar(layout: str) -> None:
    for text in _texts():
        _both(text, layout)


LINES = st.sampled_from(
    ["Abstract:We study parsing.", "  abstract : spaced", "ABSTRACT:", "Abstract", "",
     "CLJun 29, 2023Code", "  56.3CLApr 7", "CLFeb 30, 2023", "CLJun 31 2023Cod",
     "plain text", "\t", "Abstract:x\r", "Xiaokun Wang", "CV", "h-index19", "16papers",
     "1,851citations", "Novelty40%", "AI Score38", "10 Papers", "  indented title",
     "Tianwen Wei, Jian Luan et al.", "Skywork: A ModelTianwen Wei, Jian Luan · mit",
     "We present a model. " * 12]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=16), st.sampled_from(RECORDS or ["abstracts"]))
def test_the_engine_equals_the_grammar_on_random_lines(lines: list[str], layout: str) -> None:
    _both("\n".join(lines), layout)


@pytest.mark.parametrize("indent", ["", " ", "   ", "\t"])
@pytest.mark.parametrize("length", [38, 39, 40, 41, 42])
@pytest.mark.parametrize("layout", ["profile", "inline"])
def test_a_damaged_meta_line_near_the_length_limit_is_read_alike(
    indent: str, length: int, layout: str
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
    _both("\n".join(record * 3) + "\n", layout)

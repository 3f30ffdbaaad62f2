"""Fuzzing: mutated seeds and random text never crash the parser, never lose a line, and
strict mode raises only ParseError with a line number."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import profileparse
from profileparse import ParseError, engine
from profileparse.parsing import parse_with_grammar
from profileparse.text import normalise
from tests.conftest import lines_of, seed_paths, unaccounted

SEEDS = [p.read_text(encoding="utf-8") for p in seed_paths()]
FUZZ = settings(
    max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
NASTY = st.sampled_from(
    ["\x00", "\x07", "\x1b[31m", "\u200f", "\u202e", "\u0301", "\u2028", "\x0c", "\x85",
     "\ufeff", "\t", "\r", "CLJun 29, 2023Code", "Abstract:", "h-index7", " · ", " et al.",
     "x" * 5000, "Ab Cd, " * 300, "$", "{", "\\"]
)  # fmt: skip


RECORD_LAYOUTS = [e.item for e in profileparse.get_registry().layouts.values() if e.item.records]


def check(text: str) -> None:
    doc = profileparse.parse(text)
    assert unaccounted(doc, text) == []
    # The record engine reads every layout as Lark's parse of its grammar does.
    prepared = normalise(text)
    for layout in RECORD_LAYOUTS:
        assert engine.read(layout, prepared).result == parse_with_grammar(layout, prepared)
    # strict raises exactly when the lenient parse found an error, at the first error.
    if doc.ok:
        assert profileparse.parse(text, strict=True) == doc
    else:
        with pytest.raises(ParseError) as info:
            profileparse.parse(text, strict=True)
        assert 1 <= info.value.line <= len(lines_of(text)) + 1
        assert (info.value.line, info.value.code) == (doc.errors[0].line, doc.errors[0].code)


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(SEEDS)).split("\n")
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "cut", "splice"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            lines.insert(i, draw(NASTY | st.text(max_size=80)))
        elif op == "cut":
            lines[i] = lines[i][: draw(st.integers(0, max(len(lines[i]), 0)))]
        else:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(NASTY | st.text(max_size=20)) + lines[i][at:]
    text = "\n".join(lines)
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    return text


@settings(FUZZ, max_examples=max(FUZZ.max_examples, 600))
@given(mutated_seed())
def test_mutated_seeds(text: str) -> None:
    check(text)


@FUZZ
@given(st.text(max_size=400) | st.lists(NASTY | st.text(max_size=40)).map("\n".join))
def test_random_text(text: str) -> None:
    check(text)


def _grammar_text(layout: str) -> st.SearchStrategy[str]:
    from hypothesis.extra.lark import from_lark
    from lark import Lark

    grammar = Lark.open_from_package(
        "profileparse.grammars", f"{layout}.lark", ("",), parser="lalr"
    )
    # Terminals with lookaheads are drawn explicitly; the rest come from their regexes.
    text = st.text(st.characters(exclude_characters="\n\r"), min_size=1, max_size=60).filter(
        lambda s: not s[0].isspace() and s.strip() == s
    )
    newline = st.sampled_from(["\n", "\n\n", "\n  \n"])
    line = st.tuples(text, newline).map("".join)
    metas = ["CLJun 29, 2023Code", "56.3CLApr 7Code", "LGFeb 10", "NAFeb 5, 2015"]
    explicit = {
        "LINE": line,
        "BODY": st.lists(line, min_size=1, max_size=5).map("".join),
        "META": st.tuples(st.sampled_from(metas), newline).map("".join),
        "_NL": newline,
    }
    names = {t.name for t in grammar.terminals}
    return from_lark(grammar, explicit={k: v for k, v in explicit.items() if k in names})


@FUZZ
@given(
    st.sampled_from(["profile", "inline", "abstracts"]).flatmap(
        lambda name: st.tuples(st.just(name), _grammar_text(name))
    )
)
def test_text_from_each_grammar(case: tuple[str, str]) -> None:
    layout, text = case
    doc = profileparse.parse(text, layout=layout)
    assert not [d for d in doc.diagnostics if d.code == "syntax"]
    assert unaccounted(doc, text) == []

"""The record engine gives exactly what Lark's parse of a layout's grammar gives: equal
papers, profiles and diagnostics on real, rendered, damaged and random text."""

from __future__ import annotations

import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from profileparse.plugins.common import is_meta_line

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
    assert engine.read(chosen, prepared).result == parse_with_grammar(chosen, prepared)


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


def _pastes() -> list[str]:
    """Dumps of every layout pasted one after another: with a line break between, with
    blank lines, and glued (the first without its final newline, as ``cat`` joins them);
    one-record dumps among them, whose glued line is all that shows of the join."""
    records = load_records(60)
    rng = random.Random(23)
    dumps = []
    for render in RENDERERS.values():
        for size in (1, 3):
            chunk = rng.sample(records, size)
            dumps.append(render(chunk, rng, Variations()).text)
        dumps.append(render(rng.sample(records, 4), rng, Variations.random(rng)).text)
    texts = []
    for first in dumps:
        for second in dumps:
            for join in ("", "\n", "\n\n\n"):
                texts.append(first.rstrip("\n") + ("\n" if join else "") + join + second)
    return texts


def test_a_dump_starts_only_where_a_record_breaks_or_mid_line() -> None:
    """The shortcut ``parse_text`` takes when a layout read every record as regular
    (``starts`` asked about the first record only, ``glued_starts`` about the whole
    text) finds every dump start the whole search finds, on pastes of every layout
    after every other, joined every way."""
    from profileparse.parsing import ParseOptions, _read, start_points

    shortcuts = 0
    for text in _pastes():
        prepared = normalise(text)
        read = _read(prepared, ParseOptions(), whole=True)
        assert read.reading is not None
        shortcuts += read.reading[1].regular
        assert read.starts == start_points(prepared), text[:200]
    assert shortcuts > 20  # the shortcut was taken, glued one-record dumps among them


def test_a_one_line_abstracts_dump_glued_inside_regular_records_is_found() -> None:
    profile = RENDERERS["profile"](load_records(5), random.Random(2), Variations()).text
    for glued, abstract in (
        (profile.rstrip("\n") + "Abstract:We study parsing.\n", "We study parsing."),
        (
            "Abstract:One.\nAbstract:Two ends here.Abstract:Three starts here.\nAbstract:Four.\n",
            "Three starts here.",
        ),
    ):
        first, second = profileparse.parse_all(glued)
        assert second.layout == "abstracts" and second.papers[0].abstract == abstract
        assert first.papers[-1].abstract is not None
        assert "Abstract:" not in first.papers[-1].abstract


SPACES = st.sampled_from([" ", "\t", "  ", " \t", "\u00a0", "\u3000"])


def _with_trailing_space(
    text: str, rng: random.Random, after: int, share: float, meta: bool
) -> str:
    lines = text.split("\n")
    at = 0
    for i, line in enumerate(lines):
        at += len(line) + 1
        if at > after and line and rng.random() < share and (meta or not is_meta_line(line)):
            lines[i] = line + rng.choice([" ", "\t", "  ", "\u00a0 "])
    return "\n".join(lines)


def test_trailing_space_past_the_head_reads_as_the_normal_text() -> None:
    """Trailing white space is looked for past the first 64 KB only when the reading
    could depend on it (see parsing._read): on big dumps of every layout, with
    trailing spaces after 70,000 characters on some lines or on every line, meta lines
    among them, every door gives what the normalised text gives, and the saving is
    taken where the records stay regular."""
    from profileparse.parsing import ParseOptions, _read

    records = load_records(400)
    rng = random.Random(31)
    lazy = 0
    for render in RENDERERS.values():
        clean = render(records, rng, Variations()).text
        for share, meta in ((0.05, True), (1.0, True), (0.3, False)):
            text = _with_trailing_space(clean, rng, 70_000, share, meta)
            normal = normalise(text)
            assert normal != text
            assert profileparse.parse(text) == profileparse.parse(normal)
            assert profileparse.parse_all(text) == profileparse.parse_all(normal)
            assert profileparse.parse_bytes(text.encode()) == profileparse.parse_all(normal)
            lazy += _read(text, ParseOptions()).prepared != normal
    assert lazy >= 3  # the meta lines left alone: no layout needed the normal text


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(LINES, st.one_of(st.just(""), SPACES)), max_size=16),
    st.sampled_from(RECORDS or ["abstracts"]),
)
def test_trailing_space_is_read_as_the_normal_text_on_random_lines(
    lines: list[tuple[str, str]], layout: str
) -> None:
    """The same with the first 64 KB cut to a few characters, so every line but the
    first is past it."""
    import profileparse.parsing as parsing

    text = "\n".join(line + space for line, space in lines) + "\n"
    with pytest.MonkeyPatch.context() as m:
        m.setattr(parsing, "HEAD_CHARS", 8)
        got = profileparse.parse_all(text, layout=layout)
        one = profileparse.parse(text, layout=layout)
    assert got == profileparse.parse_all(normalise(text), layout=layout)
    assert one == profileparse.parse(normalise(text), layout=layout)


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=16), st.sampled_from([None, *RECORDS]))
@example(["CLJun 29, 2023Code", "Abstract:We study parsing.", "Abstract:Two."], "abstracts")
def test_the_dump_start_shortcut_finds_every_start_on_random_lines(
    lines: list[str], layout: str | None
) -> None:
    """Where the shortcut is taken (every record regular), it finds what the whole
    search finds, whichever layout reads the text."""
    from profileparse.parsing import ParseOptions, _read, start_points

    prepared = normalise("\n".join(lines))
    assert _read(prepared, ParseOptions(layout=layout)).starts == start_points(prepared)

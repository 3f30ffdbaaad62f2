"""The text stage: ``normalise`` on texts that need it and on texts that do not."""

from __future__ import annotations

import random
import sys

import pytest

from profileparse.text import BOM, normalise

# Every white space character str.rstrip() removes, and some that it does not.
_SPACES = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c) != "\n"]
_OTHERS = ["a", "é", "·", "\u200b", "\ufeff", "Abstract:", "CLJun 29, 2023"]


def _by_definition(text: str) -> str:
    """What normalise promises, written the plain way: no BOM, \\n line ends, each line
    right-stripped and ended by \\n."""
    text = text.removeprefix(BOM).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return "".join(line.rstrip() + "\n" for line in lines)


@pytest.mark.parametrize("seed", range(300))
def test_normalise_gives_what_it_promises(seed: int) -> None:
    rng = random.Random(seed)
    pieces = [*_SPACES, *_OTHERS, "\n", "\n", "\r\n", "\r"]
    text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
    if rng.random() < 0.2:
        text = BOM + text
    assert normalise(text) == _by_definition(text)


@pytest.mark.parametrize("space", _SPACES)
def test_a_single_trailing_space_of_any_kind_is_removed(space: str) -> None:
    text = f"CLJun 29, 2023{space}\nTitle\n"
    assert normalise(text) == "CLJun 29, 2023\nTitle\n"


def test_a_normal_text_is_returned_without_a_copy() -> None:
    text = "".join(f"line {n}\n\n" for n in range(1000))
    assert normalise(text) is text
    assert normalise(text + " ") is not text

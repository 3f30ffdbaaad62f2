"""Each adversarial 1 MB input parses once, under every layout, within a generous bound.

This is not a speed test (benchmarks/adversarial.py measures that, with medians and the
growth from 0.5 MB): the bound is far above a linear parse on a slow machine and far
below what a quadratic regex or loop would take on 1 MB.
"""

from __future__ import annotations

import time

import pytest

import profileparse
from benchmarks.adversarial import INPUTS, LAYOUTS, MB
from tests.conftest import unaccounted

BOUND_SECONDS = 20.0


@pytest.mark.parametrize("name", list(INPUTS))
def test_adversarial_input_parses_in_bounded_time(name: str) -> None:
    text = INPUTS[name](MB)
    for layout in LAYOUTS:
        start = time.perf_counter()
        doc = profileparse.parse(text, layout=layout)
        elapsed = time.perf_counter() - start
        assert elapsed < BOUND_SECONDS, f"{name} as {layout}: {elapsed:.1f} s"
        assert unaccounted(doc, text) == []

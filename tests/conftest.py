from __future__ import annotations

import re
from pathlib import Path

import pytest

from profileparse import Document
from tests.render import SHARED

pytest_plugins = ["pytester"]

SEEDS = SHARED / "seeds"
EXPECTED = SHARED / "expected"
HERE = Path(__file__).resolve().parent


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    paths = seed_paths()
    assert paths, f"no seeds found in {SEEDS}"
    return paths


def lines_of(text: str) -> list[str]:
    """Lines the way the parser counts them: \\r\\n, \\r and \\n end a line."""
    text = text.removeprefix("\ufeff")
    return re.split(r"\r\n|\r|\n", text)


def unaccounted(doc: Document, text: str) -> list[int]:
    spans = [p.span for p in doc.papers if p.span is not None]
    if doc.profile is not None and doc.profile.span is not None:
        spans.append(doc.profile.span)
    lost = []
    for number, line in enumerate(lines_of(text), start=1):
        if (
            line.strip()
            and not any(number in s for s in spans)
            and not any(d.line <= number <= d.end_line for d in doc.diagnostics)
        ):
            lost.append(number)
    return lost

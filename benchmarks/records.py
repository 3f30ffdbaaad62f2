"""The records benchmarks render dumps from: the full sample beside the checkout when it
is there (CI has it), else the slice the tests use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.render import ARXIV, load_records

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "arxiv-sample.jsonl"


def all_records() -> list[dict[str, Any]]:
    """Every usable record of the full sample, or of tests/data/arxiv-slice.jsonl."""
    return load_records(path=SAMPLE if SAMPLE.is_file() else ARXIV)

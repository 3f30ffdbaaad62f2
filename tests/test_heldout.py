"""Held-out accuracy: dumps rendered from real arXiv records, with the input variations
people's files have (CRLF, BOM, trailing spaces, blank lines, affiliations). Reports per
layout the share of records exactly right, the silent misses (wrong, and no diagnostic
touches the record) and the correct records flagged anyway."""

from __future__ import annotations

import json
from collections import Counter

import pytest

import profileparse
from tests.render import Expected, dumps_for, load_records

FIELDS = list(Expected.__dataclass_fields__)


def _actual(paper: dict[str, object]) -> dict[str, object]:
    return {k: paper[k] for k in FIELDS}


@pytest.fixture(scope="module")
def records() -> list[dict[str, object]]:
    return load_records()


# Per layout: the least share of records exactly right, and for inline the most silent
# misses (no diagnostic touches the record) per record and flagged correct records.
EXACT = {"profile": 1.0, "inline": 0.998, "abstracts": 1.0}
SILENT_PER_RECORD = 1 / 2000
FLAGGED_CORRECT = 0.01


@pytest.mark.parametrize("layout", ["profile", "inline", "abstracts"])
def test_rendered_dumps_parse_exactly(layout: str, records: list[dict[str, object]]) -> None:
    total = right = silent = flagged_right = 0
    wrong: Counter[str] = Counter()
    examples: list[str] = []
    for dump in dumps_for(layout, records, seed=20261123):
        doc = profileparse.parse(dump.text)
        assert doc.layout == layout
        assert profileparse.dump_starts(dump.text) == [1], "one dump must not be split"
        got = json.loads(profileparse.dumps(doc, "json"))["papers"]
        assert len(got) == len(dump.expected), doc.diagnostics
        for want, paper, parsed in zip(dump.expected, got, doc.papers, strict=True):
            total += 1
            actual = _actual(paper)
            span = parsed.span
            touched = span is not None and any(
                d.line <= span.end_line and d.end_line >= span.start_line for d in doc.diagnostics
            )
            if actual == want.__dict__:
                right += 1
                flagged_right += touched
            else:
                silent += not touched
                diff = [k for k in FIELDS if actual[k] != want.__dict__[k]]
                wrong.update(diff)
                if len(examples) < 5:
                    examples.append(
                        f"{diff}: want {want.title!r} {want.authors} got "
                        f"{actual['title']!r} {actual['authors']} (flagged: {touched})"
                    )
    accuracy = right / total
    print(
        f"{layout}: {right}/{total} records exact ({accuracy:.4%}); silent misses {silent}; "
        f"correct but flagged {flagged_right} ({flagged_right / total:.3%}); "
        f"wrong fields {dict(wrong)}"
    )
    assert total > 3000
    assert accuracy >= EXACT[layout], "\n".join(examples)
    assert silent <= max(1, total * SILENT_PER_RECORD), "\n".join(examples)
    assert flagged_right <= total * FLAGGED_CORRECT

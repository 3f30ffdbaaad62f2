"""Held-out accuracy: dumps rendered from real arXiv records, with the input variations
people's files have, must parse with at least 99.5% of records exactly right per layout."""

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


@pytest.mark.parametrize("layout", ["profile", "inline", "abstracts"])
def test_rendered_dumps_parse_exactly(layout: str, records: list[dict[str, object]]) -> None:
    total = right = 0
    wrong: Counter[str] = Counter()
    examples: list[str] = []
    for dump in dumps_for(layout, records, seed=20261123):
        doc = profileparse.parse(dump.text)
        assert doc.layout == layout
        assert profileparse.dump_starts(dump.text) == [1], "one dump must not be split"
        got = json.loads(profileparse.dumps(doc, "json"))["papers"]
        assert len(got) == len(dump.expected), doc.diagnostics
        for want, paper in zip(dump.expected, got, strict=True):
            total += 1
            actual = _actual(paper)
            if actual == want.__dict__:
                right += 1
            else:
                diff = [k for k in FIELDS if actual[k] != want.__dict__[k]]
                wrong.update(diff)
                if len(examples) < 5:
                    examples.append(
                        f"{diff}: want {want.title!r} {want.authors} got "
                        f"{actual['title']!r} {actual['authors']}"
                    )
    accuracy = right / total
    print(f"{layout}: {right}/{total} records exact ({accuracy:.4%}); wrong fields {dict(wrong)}")
    assert total > 3000
    assert accuracy >= 0.995, "\n".join(examples)

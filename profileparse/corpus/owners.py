"""Whose dump is it: the owner of a header-less dump, inferred from its papers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from profileparse.model import Paper

__all__ = ["infer_owner"]


def infer_owner(papers: Iterable[Paper]) -> tuple[str, float] | None:
    """The author shown on most of a header-less dump's papers, and the share of papers
    they are on (a dump of someone's profile lists their papers)."""
    papers = list(papers)
    counts: Counter[str] = Counter()
    for paper in papers:
        counts.update(set(paper.authors))
    if not counts:
        return None
    (name, count), *rest = [*counts.most_common(2), ("", 0)]
    runner_up = rest[0][1]
    if count < 2 or count == runner_up:
        return None
    return name, round(count / len(papers), 3)

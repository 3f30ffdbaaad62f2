"""The words a person reads for the profile header's fields, in tables, diffs and
notebooks: one source for them. They are labels for people, not the dumps' syntax,
which only the layouts know (``tests/test_core.py`` holds every other core module to
that)."""

from __future__ import annotations

__all__ = ["PROFILE_LABELS"]

#: A profile field's label, by the model's field name (``Profile.h_index``, ...).
PROFILE_LABELS: dict[str, str] = {
    "name": "name",
    "category": "category",
    "h_index": "h-index",
    "paper_count": "papers",
    "listed_papers": "listed papers",
    "citations": "citations",
    "novelty": "novelty",
    "ai_score": "AI score",
}

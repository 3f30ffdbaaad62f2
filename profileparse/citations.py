"""Citation keys shared by the citation formats (BibTeX, CSL-JSON)."""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable

from profileparse.formats import SkippedRecordsWarning
from profileparse.model import Paper
from profileparse.names import split_person

__all__ = ["citable", "citation_keys"]

_STOP = frozenset({"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "is"})


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded)


def _key_base(paper: Paper) -> str:
    family = split_person(paper.authors[0]).family if paper.authors else "anon"
    year = str(paper.date.year) if paper.date and paper.date.year else "nd"
    words = [w for w in re.findall(r"[^\W_]+", paper.title or "") if w.lower() not in _STOP]
    first = _ascii_word(words[0]).lower() if words else "untitled"
    return f"{_ascii_word(family).lower() or 'anon'}{year}{first}"


def citation_keys(papers: tuple[Paper, ...]) -> list[str]:
    """Keys that depend only on each paper, made unique with ``a``, ``b``, ... in order."""
    bases = [_key_base(p) for p in papers]
    counts: dict[str, int] = {}
    for base in bases:
        counts[base] = counts.get(base, 0) + 1
    seen: dict[str, int] = {}
    keys = []
    for base in bases:
        if counts[base] == 1:
            keys.append(base)
            continue
        index = seen.get(base, 0)
        seen[base] = index + 1
        keys.append(base + _suffix(index))
    return keys


def _suffix(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def citable(papers: Iterable[Paper], format_name: str) -> tuple[Paper, ...]:
    """The papers a bibliography can hold: those with a title. The others (abstract-only
    records) are left out with a :class:`~profileparse.formats.SkippedRecordsWarning`
    that says how many."""
    papers = tuple(papers)
    kept = tuple(p for p in papers if p.title)
    if len(kept) < len(papers):
        warnings.warn(
            f"{format_name}: left out {len(papers) - len(kept)} record(s) with no title "
            "(abstract-only); a bibliography entry needs one",
            SkippedRecordsWarning,
            stacklevel=3,
        )
    return kept

"""Name evidence across a corpus: the authors some dump shows cleanly settle the
uncertain title/author splits of inline records in every other dump.

A name is *clean* when a record shows it where no boundary had to be guessed: every
author of a record whose dump shows title and authors apart (a profile's author line),
and every author of an inline record whose split was confident. An inline record
whose split was uncertain (the inline layout flags it ``ambiguous-split``) is read
again from its glued text; of its readings (the one it was stored with, the best and
the next best), the one whose first author is a clean name is taken when it is the only
such reading. Whether a split is uncertain is found again from the record's own title
and authors, so both build engines, and a corpus reopened from disk, decide alike.

Used by both build engines: ``batch.build_tables`` (and the Dask engine's ``repair``)
over all records at once, ``matching.Matcher`` as records arrive.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Protocol

from profileparse.corpus.keys import author_key
from profileparse.glued import glued_text, split_glued

__all__ = [
    "Split",
    "clean_names",
    "corpus_clean_names",
    "evidence_split",
    "first_keys",
    "readings",
    "repair_by_names",
]

#: A title and its authors.
Split = tuple[str, tuple[str, ...]]


class Sighting(Protocol):
    """What is read of a titled record here (``matching.Sighting`` has it; the matcher
    uses this module, so it is not imported from there)."""

    @property
    def title(self) -> str: ...
    @property
    def authors(self) -> tuple[str, ...]: ...
    @property
    def et_al(self) -> bool: ...


def _reread(s: Sighting) -> tuple[bool, list[Split]]:
    """Whether the record's glued text splits confidently, and its readings: the one
    stored first, then the best and the next best when they differ from it."""
    confident, found = _reread_text(s.title, s.authors, s.et_al)
    return confident, list(found)


@functools.lru_cache(maxsize=1 << 16)  # (a paper recurs in many dumps)
def _reread_text(
    title: str, authors: tuple[str, ...], et_al: bool
) -> tuple[bool, tuple[Split, ...]]:
    text = glued_text(title, authors)
    split = split_glued(text + (" et al." if et_al else ""))
    found: list[Split] = [(title, authors)]
    best = (split.title, split.authors.names)
    if best[1] and best not in found:
        found.append(best)
    if split.other is not None:
        other, first = split.other
        rest = text[len(other) :].strip()
        names = tuple(name.strip() for name in rest.split(","))
        if text.startswith(other) and names[0] == first and (other, names) not in found:
            found.append((other, names))
    return split.confident, tuple(found)


def readings(s: Sighting, inferred: bool) -> list[Split]:
    """The readings an uncertain inline record may take, the stored one first; empty
    when the record's split is not in doubt (shown apart, or confident)."""
    if not inferred or not s.authors:
        return []
    confident, found = _reread(s)
    return [] if confident else found


def clean_names(s: Sighting, inferred: bool) -> frozenset[str]:
    """The author keys this record shows cleanly (see the module docstring)."""
    if not s.authors:
        return frozenset()
    if inferred and not _reread(s)[0]:
        return frozenset()
    return frozenset(author_key(name) for name in s.authors)


def evidence_split(options: list[Split], clean: frozenset[str] | set[str]) -> Split | None:
    """Of a record's readings (:func:`readings`), the one to take: the only reading
    whose first author is a clean name, when that is not the stored one; else None."""
    chosen = [split for split in options if split[1] and _first_key(split) in clean]
    if len(chosen) == 1 and chosen[0] != options[0]:
        return chosen[0]
    return None


def first_keys(options: Iterable[Split]) -> frozenset[str]:
    """The first authors' keys of these readings: the names that decide between them."""
    return frozenset(_first_key(split) for split in options if split[1])


def _first_key(split: Split) -> str:
    return author_key(split[1][0])


def corpus_clean_names(records: Iterable[tuple[Sighting, bool]]) -> frozenset[str]:
    """The clean names of these records (record, inferred) together."""
    found: set[str] = set()
    for s, inferred in records:
        found |= clean_names(s, inferred)
    return frozenset(found)


def repair_by_names(s: Sighting, inferred: bool, clean: frozenset[str]) -> Split | None:
    """The split an inferred record takes from the corpus's clean names, or None: a
    record whose stored first author is clean keeps its split (that reading
    qualifies, so another can be the only one only if it is not)."""
    if not inferred or not s.authors or author_key(s.authors[0]) in clean:
        return None
    return evidence_split(readings(s, inferred), clean)

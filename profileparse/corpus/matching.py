"""Which records are the same paper: the corpus's in-memory index.

Two titled records are the same paper when

- their normalised titles are equal and they share an author, or
- their normalised titles are at least ``TITLE_THRESHOLD`` similar and their abstracts
  reach the corpus threshold.

A paper is a connected group of records under that relation, so the grouping does not
depend on the order records arrive in. Candidates come from indexes, never from a scan
of every paper: a dict from title key to the papers that have it, and an inverted index
from abstract fingerprints (:func:`~profileparse.corpus.keys.fingerprints`) to the
distinct abstract texts that have them. Every distinct abstract is scored against its
candidates once, when it first arrives.

An abstract-only record links to the paper with the most similar abstract, when that
reaches the threshold. Each distinct abstract-only text is scored against the titled
abstracts once, and later against each new titled abstract only.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import attrs
from attrs import frozen
from rapidfuzz import fuzz

from profileparse.corpus.evidence import Split, evidence_split, first_keys, readings
from profileparse.corpus.keys import (
    author_key,
    fingerprints,
    normalise_abstract,
    normalise_title,
    stable_id,
)
from profileparse.glued import glued_text

__all__ = [
    "TITLE_THRESHOLD",
    "Cluster",
    "Matcher",
    "PendingAbstract",
    "Sighting",
    "abstract_similarity",
    "author_keys",
    "candidate_pairs",
    "fingerprints",
    "glued_key",
    "resplit",
    "shares_enough",
    "title_similarity",
    "titles_match",
]


#: Minimum title similarity (0-100) for two different titles to be the same paper;
#: their abstracts must then also reach the corpus threshold.
TITLE_THRESHOLD = 92.0

_author_key = functools.lru_cache(maxsize=1 << 17)(author_key)


@frozen
class Sighting:
    """A titled record as the matcher sees it."""

    id: int
    title: str
    title_key: str
    authors: tuple[str, ...]
    et_al: bool
    date: str | None
    category: str | None
    has_code: bool
    abstract: str | None

    @property
    def rank(self) -> tuple[int, int, int, int]:
        """Sightings that show more come first; the id makes the order total, so the
        record that represents a paper does not depend on arrival order."""
        full_date = self.date is not None and not self.date.startswith("--")
        return (not self.abstract, not full_date, -len(self.authors), self.id)


class AbstractText:
    """One distinct (normalised) abstract of titled records, and the papers showing it
    under each title key."""

    __slots__ = ("followers", "fps", "key", "neighbours", "text", "titles")

    def __init__(self, text: str) -> None:
        self.text = text
        self.key = stable_id(text)
        self.fps = fingerprints(text)
        self.titles: dict[str, Cluster] = {}
        #: Other titled abstracts at or above the threshold; None until computed.
        self.neighbours: dict[AbstractText, float] | None = None
        #: Abstract-only texts whose best match this is.
        self.followers: set[PendingAbstract] = set()


class PendingAbstract:
    """One distinct abstract-only text, the records showing it, and its best match."""

    __slots__ = ("best", "fps", "sightings", "similarity", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.fps = fingerprints(text)
        self.sightings: list[int] = []
        self.best: AbstractText | None = None
        self.similarity = 0.0

    def offer(self, candidate: AbstractText, similarity: float) -> bool:
        """Take ``candidate`` if it beats the best so far (ties: the smaller key)."""
        best = self.best
        if best is not None and (similarity, -candidate.key) <= (self.similarity, -best.key):
            return False
        if best is not None:
            best.followers.discard(self)
        self.best, self.similarity = candidate, similarity
        candidate.followers.add(self)
        return True

    def paper_id(self) -> int | None:
        if self.best is None:
            return None
        return min(c.root().paper_id for c in self.best.titles.values())


class Cluster:
    """A paper: its records, what the matcher compares new records with, and a summary
    folded from its records in an order-free way (best-ranked record first)."""

    __slots__ = (
        "authors_by_key",
        "best",
        "category",
        "date",
        "dead",
        "has_code",
        "into",
        "members",
        "names",
        "paper_id",
        "stored_ids",
        "texts",
    )

    def __init__(self, first: Sighting) -> None:
        self.paper_id = first.id
        self.members: list[int] = []
        self.authors_by_key: dict[str, set[str]] = {}
        self.texts: set[AbstractText] = set()
        self.best: tuple[Any, Sighting] = (first.rank, first)
        self.category: tuple[Any, str] | None = None
        self.date: tuple[Any, str] | None = None
        self.has_code = False
        self.names: dict[str, str] = {}
        #: Paper ids this paper's records are stored under (more than one after merges).
        self.stored_ids: set[int] = set()
        self.into: Cluster | None = None
        #: Dissolved: its only record was re-read with a repaired title/author split.
        self.dead = False

    def root(self) -> Cluster:
        cluster = self
        while cluster.into is not None:
            cluster = cluster.into
        if cluster is not self:
            self.into = cluster  # path compression
        return cluster

    def add(self, s: Sighting, keys: frozenset[str]) -> None:
        self.members.append(s.id)
        self.paper_id = min(self.paper_id, s.id)
        self.authors_by_key.setdefault(s.title_key, set()).update(keys)
        rank = s.rank
        self.best = min(self.best, (rank, s))
        if s.category:
            self.category = _least(self.category, (rank, s.category))
        if s.date:
            self.date = _least(self.date, ((s.date.startswith("--"), rank), s.date))
        self.has_code = self.has_code or s.has_code
        for name in s.authors:
            key = _author_key(name)
            known = self.names.get(key)
            self.names[key] = name if known is None else min(known, name)

    def absorb(self, other: Cluster) -> None:
        self.members.extend(other.members)
        self.paper_id = min(self.paper_id, other.paper_id)
        for key, authors in other.authors_by_key.items():
            self.authors_by_key.setdefault(key, set()).update(authors)
        self.texts |= other.texts
        self.best = min(self.best, other.best)
        self.category = _least(self.category, other.category)
        self.date = _least(self.date, other.date)
        self.has_code = self.has_code or other.has_code
        for key, name in other.names.items():
            known = self.names.get(key)
            self.names[key] = name if known is None else min(known, name)
        self.stored_ids |= other.stored_ids
        other.into = self

    def authors(self) -> list[str]:
        """The best record's authors, then any other author seen (sorted)."""
        shown = list(self.best[1].authors)
        keys = {_author_key(name) for name in shown}
        return shown + [name for key, name in sorted(self.names.items()) if key not in keys]


T = TypeVar("T", AbstractText, PendingAbstract)


# -- the rules, shared by both build engines -------------------------------------------


def glued_key(s: Sighting) -> str:
    """A record's title and authors as the inline layout glues them, normalised."""
    return normalise_title(glued_text(s.title, s.authors))


def resplit(s: Sighting, split: tuple[str, tuple[str, ...]]) -> Sighting:
    """A record read again with another title/author split."""
    title, authors = split
    return attrs.evolve(s, title=title, title_key=normalise_title(title), authors=authors)


def author_keys(authors: Iterable[str]) -> frozenset[str]:
    return frozenset(_author_key(name) for name in authors)


def titles_match(a: str, b: str) -> bool:
    """Two title keys that may be one paper's (its abstracts permitting): equal, or at
    least ``TITLE_THRESHOLD`` similar."""
    return a == b or bool(fuzz.ratio(a, b, score_cutoff=TITLE_THRESHOLD))


def title_similarity(a: str, b: str) -> float:
    """How similar a record's title key is to its paper's (``sightings.similarity``)."""
    return round(float(fuzz.ratio(a, b)), 2)


def abstract_similarity(a: str, b: str, threshold: float) -> float:
    """Two normalised abstracts' similarity, or 0 below ``threshold``."""
    return round(float(fuzz.ratio(a, b, score_cutoff=threshold)), 2)


def shares_enough(shared: int, size_a: int, size_b: int) -> bool:
    """The blocking rule: two abstracts are compared at all when they share at least
    two fingerprints and a fifth of the smaller set's. Symmetric, so no pair depends on
    which of the two arrived first."""
    return shared > 1 and shared >= _SHARED * min(size_a, size_b)


def candidate_pairs(
    texts: dict[str, tuple[int, ...]], others: dict[str, tuple[int, ...]] | None = None
) -> Iterator[tuple[str, str]]:
    """The pairs of texts (by their fingerprints) that :func:`shares_enough`: each
    unordered pair of ``texts`` once, or each (text, other) pair across two sets."""
    index: dict[int, list[str]] = defaultdict(list)
    for text, fps in (texts if others is None else others).items():
        for fp in fps:
            index[fp].append(text)
    targets = texts if others is None else others
    for text, fps in texts.items():
        counts: Counter[str] = Counter()
        for fp in fps:
            counts.update(index.get(fp, ()))
        for other, shared in counts.items():
            if others is None and other <= text:
                continue
            if shares_enough(shared, len(fps), len(targets[other])):
                yield text, other


def _least(a: tuple[Any, str] | None, b: tuple[Any, str] | None) -> tuple[Any, str] | None:
    if a is None:
        return b
    return a if b is None else min(a, b)


#: The share of fingerprints two abstracts must have in common to be compared at all.
#: Abstracts that reach a similarity of 85 share at least a third of them (an edit every
#: few words is needed to break more); unrelated abstracts seldom share a fifth.
_SHARED = 0.2


def _candidates(fps: tuple[int, ...], index: dict[int, T | list[T]]) -> Iterator[T]:
    """Items sharing at least two fingerprints with ``fps``, and a fifth of those of the
    smaller of the two: the blocking step. The test is symmetric, so no pair depends on which of the
    two arrived first."""
    counts: Counter[T] = Counter()
    for fp in fps:
        bucket = index.get(fp)
        if isinstance(bucket, list):
            counts.update(bucket)
        elif bucket is not None:
            counts[bucket] += 1
    size = len(fps)
    for item in [item for item, shared in counts.items() if shared > 1]:
        if shares_enough(counts[item], size, len(item.fps)):
            yield item


class Matcher:
    """The index a corpus matches new records against; see the module docstring."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self._by_title: dict[str, list[Cluster]] = defaultdict(list)
        self._texts: dict[str, AbstractText] = {}
        self._text_index: dict[int, AbstractText | list[AbstractText]] = {}
        self._pending: dict[str, PendingAbstract] = {}
        self._pending_index: dict[int, PendingAbstract | list[PendingAbstract]] = {}
        self._restored: dict[int, Cluster] = {}
        self._dirty: set[Cluster] = set()
        self._dirty_pending: set[PendingAbstract] = set()
        #: Title + authors as records that show them apart give them, by their glued
        #: text, and the records whose split was inferred from glued text, by the same.
        self._reliable: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._inferred: dict[str, list[tuple[Sighting, Cluster]]] = defaultdict(list)
        self._dead: list[Cluster] = []
        #: Records re-read with a repaired split since the last flush: their paper, the
        #: title key they were matched under, and 1 when that split is not their own.
        self.repaired: dict[int, tuple[Cluster, str, int]] = {}
        #: Names shown cleanly so far (``evidence``), and the records whose split is
        #: uncertain: by id (the record, its readings, the reading taken, its paper),
        #: and their ids by the first author of each of their readings.
        self._clean: set[str] = set()
        self._doubts: dict[int, tuple[Sighting, list[Split], Split, Cluster]] = {}
        self._doubtful: dict[str, list[int]] = defaultdict(list)

    # -- new records ----------------------------------------------------------------

    def add_record(self, s: Sighting, *, inferred: bool) -> tuple[Cluster, str | None]:
        """Add a titled record; ``inferred``: its title/author boundary was inferred
        from glued text. Such a record whose text equals a record that shows title and
        authors apart takes that split (returns True: repaired). A record that shows
        them apart repairs the inferred ones met before, when their paper is their own.
        Returns the paper, and the title key of the repaired split (None if not)."""
        key = glued_key(s)
        if inferred:
            options = readings(s, True)
            if not options:  # confident (or no authors): its names are clean
                self._learn(author_keys(s.authors))
            reliable = self._reliable.get(key)
            if reliable is not None and reliable != (s.title, s.authors):
                fixed = resplit(s, reliable)
                return self.add_titled(fixed), fixed.title_key
            if not options or reliable is not None:
                cluster = self.add_titled(s)
                self._inferred[key].append((s, cluster))
                return cluster, None
            split = evidence_split(options, self._clean) or options[0]
            taken = s if split == options[0] else resplit(s, split)
            cluster = self.add_titled(taken)
            self._inferred[key].append((s, cluster))
            self._doubts[s.id] = (s, options, split, cluster)
            for name in first_keys(options):
                self._doubtful[name].append(s.id)
            return cluster, None if taken is s else taken.title_key
        if s.authors and (key not in self._reliable or (s.title, s.authors) < self._reliable[key]):
            self._reliable[key] = (s.title, s.authors)
            self._repair(key)  # first, so a misread record is not merged with this one
        cluster = self.add_titled(s)
        self._learn(author_keys(s.authors))
        return cluster, None

    def _learn(self, names: Iterable[str], *, settle: bool = True) -> None:
        """Take these names as clean; with ``settle``, re-read the uncertain records
        whose choice of reading they change."""
        new = [name for name in names if name not in self._clean]
        self._clean.update(new)
        if not settle:
            return
        for sid in sorted({sid for name in new for sid in self._doubtful.get(name, ())}):
            doubt = self._doubts.get(sid)
            if doubt is None or glued_key(doubt[0]) in self._reliable:
                continue  # settled by a split shown apart
            s, options, taken, cluster = doubt
            split = evidence_split(options, self._clean) or options[0]
            root = cluster.root()
            if split == taken or sorted(root.members) != [s.id]:
                continue  # unchanged, or its paper has other records: leave it
            self._dissolve(root, resplit(s, taken))
            fixed = resplit(s, split)
            cluster = self.add_titled(fixed)
            self._doubts[sid] = (s, options, split, cluster)
            waiting = self._inferred[glued_key(s)]
            waiting[:] = [(r, cluster if r.id == sid else c) for r, c in waiting]
            self.repaired[sid] = (cluster, fixed.title_key, int(split != options[0]))

    def _repair(self, key: str) -> None:
        """Re-read the inferred records of glued text ``key`` with the split a record
        that shows title and authors apart gives. A paper made of such misread records
        only is dissolved and its records added again under the split, however many
        they are, so the outcome does not depend on whether they came before the
        reliable record or after it. A misread record whose paper has other records
        is left as it is."""
        reliable = self._reliable[key]
        waiting = self._inferred.get(key, [])
        misread: dict[Cluster, list[Sighting]] = defaultdict(list)
        taken: dict[int, Split] = {}
        for s, cluster in waiting:
            doubt = self._doubts.pop(s.id, None)  # settled by the split shown apart
            taken[s.id] = doubt[2] if doubt is not None else (s.title, s.authors)
            if taken[s.id] != reliable:
                misread[cluster.root()].append(s)
        for root, records in misread.items():
            if sorted(root.members) != sorted(s.id for s in records):
                continue  # its paper has other records: leave it
            ids = {s.id for s in records}
            waiting[:] = [(s, c) for s, c in waiting if s.id not in ids]
            self._dissolve(root, resplit(records[0], taken[records[0].id]))
            for s in sorted(records, key=lambda s: s.id):
                fixed = resplit(s, reliable)
                changed = int(reliable != (s.title, s.authors))
                self.repaired[s.id] = (self.add_titled(fixed), fixed.title_key, changed)

    def _dissolve(self, cluster: Cluster, s: Sighting) -> None:
        cluster.dead = True
        self._dirty.discard(cluster)
        self._dead.append(cluster)
        for text in cluster.texts:
            if text.titles.get(s.title_key) is cluster:
                del text.titles[s.title_key]
                self._dirty_pending |= text.followers

    def add_titled(self, s: Sighting) -> Cluster:
        keys = author_keys(s.authors)
        links = [
            c
            for c in self._clusters_with_title(s.title_key)
            if keys & c.authors_by_key[s.title_key]
        ]
        text = None
        if s.abstract:
            norm = normalise_abstract(s.abstract)
            text = self._texts.get(norm) or self._new_text(norm)
            similar = [text, *self._neighbours(text)]
            for other in similar:
                for key, cluster in other.titles.items():
                    if titles_match(key, s.title_key):
                        links.append(cluster.root())
        cluster = self._merge(links) if links else Cluster(s)
        if s.title_key not in cluster.authors_by_key:
            self._by_title[s.title_key].append(cluster)
        cluster.add(s, keys)
        if text is not None:
            self._attach(text, s.title_key, cluster)
        self._dirty.add(cluster)
        return cluster

    def add_abstract_only(self, sighting_id: int, abstract: str) -> PendingAbstract:
        norm = normalise_abstract(abstract)
        pending = self._pending.get(norm)
        if pending is None:
            pending = self._new_pending(norm)
            for text in _candidates(pending.fps, self._text_index):
                similarity = self._similarity(pending.text, text.text)
                if similarity:
                    pending.offer(text, similarity)
        pending.sightings.append(sighting_id)
        self._dirty_pending.add(pending)
        return pending

    # -- records already stored -----------------------------------------------------

    def restore_record(self, s: Sighting, paper_id: int, *, inferred: bool, repaired: bool) -> None:
        """Put back a stored record, and what repairs need to know of it."""
        key = glued_key(s)
        options = readings(s, inferred)
        if not options:  # shown apart, or confident: its names are clean
            self._learn(author_keys(s.authors), settle=False)
        reliable = self._reliable.get(key)
        if repaired and reliable:  # stored with the split it was repaired to: restore it so
            return self.restore_titled(resplit(s, reliable), paper_id)
        if not options or not inferred:
            self.restore_titled(s, paper_id)
            if inferred:
                self._inferred[key].append((s, self._restored[paper_id]))
            elif s.authors and (
                key not in self._reliable or (s.title, s.authors) < self._reliable[key]
            ):
                self._reliable[key] = (s.title, s.authors)
            return None
        # Uncertain: stored with the reading its title key names.
        split = next((o for o in options if normalise_title(o[0]) == s.title_key), options[0])
        self.restore_titled(resplit(s, split), paper_id)
        cluster = self._restored[paper_id]
        self._inferred[key].append((s, cluster))
        self._doubts[s.id] = (s, options, split, cluster)
        for name in first_keys(options):
            self._doubtful[name].append(s.id)
        return None

    def restore_titled(self, s: Sighting, paper_id: int) -> None:
        """Put back a stored record under its stored paper, without matching."""
        keys = author_keys(s.authors)
        cluster = self._restored.get(paper_id)
        if cluster is None:
            cluster = self._restored[paper_id] = Cluster(s)
            cluster.stored_ids.add(paper_id)
        if s.title_key not in cluster.authors_by_key:
            self._by_title[s.title_key].append(cluster)
        cluster.add(s, keys)
        if s.abstract:
            norm = normalise_abstract(s.abstract)
            text = self._texts.get(norm)
            if text is None:
                text = self._texts[norm] = AbstractText(norm)
                self._index(text.fps, text, self._text_index)
            self._attach(text, s.title_key, cluster)

    def restore_abstract_only(self, sighting_id: int, abstract: str, paper_id: int | None) -> None:
        norm = normalise_abstract(abstract)
        pending = self._pending.get(norm) or self._new_pending(norm)
        pending.sightings.append(sighting_id)
        cluster = self._restored.get(paper_id) if paper_id is not None else None
        if cluster is not None and pending.best is None:
            for text in cluster.texts:
                similarity = self._similarity(pending.text, text.text)
                if similarity:
                    pending.offer(text, similarity)

    def finish_restore(self) -> None:
        for cluster in self._restored.values():
            cluster.paper_id = min(cluster.stored_ids)
        self._restored.clear()
        self._dirty.clear()
        self._dirty_pending.clear()

    # -- what changed -----------------------------------------------------------------

    def take_dead(self) -> list[Cluster]:
        """Papers dissolved since the last call (their stored rows must go)."""
        dead, self._dead = self._dead, []
        return dead

    def take_changes(self) -> tuple[list[Cluster], list[PendingAbstract]]:
        """The papers and abstract-only texts changed since the last call."""
        roots = {c.root() for c in self._dirty if not c.root().dead}
        pending = set(self._dirty_pending)
        for cluster in roots:
            if cluster.stored_ids != {cluster.paper_id}:
                for text in cluster.texts:
                    pending |= text.followers
        self._dirty.clear()
        self._dirty_pending.clear()
        return sorted(roots, key=lambda c: c.paper_id), sorted(pending, key=lambda p: p.text)

    # -- internals --------------------------------------------------------------------

    def _similarity(self, a: str, b: str) -> float:
        return abstract_similarity(a, b, self.threshold)

    def _clusters_with_title(self, key: str) -> list[Cluster]:
        clusters = self._by_title.get(key)
        if not clusters:
            return []
        roots = list(dict.fromkeys(c.root() for c in clusters if not c.root().dead))
        clusters[:] = roots
        return roots

    def _merge(self, links: Iterable[Cluster]) -> Cluster:
        unique = sorted(set(links), key=lambda c: (-len(c.members), c.paper_id))
        root = unique[0]
        for other in unique[1:]:
            root.absorb(other)
            self._dirty.discard(other)
        return root

    def _attach(self, text: AbstractText, title_key: str, cluster: Cluster) -> None:
        if title_key not in text.titles:
            text.titles[title_key] = cluster
            self._dirty_pending |= text.followers
        cluster.texts.add(text)

    def _new_text(self, norm: str) -> AbstractText:
        text = self._texts[norm] = AbstractText(norm)
        text.neighbours = {}
        for other in _candidates(text.fps, self._text_index):
            similarity = self._similarity(norm, other.text)
            if similarity:
                text.neighbours[other] = similarity
                if other.neighbours is not None:
                    other.neighbours[text] = similarity
        self._index(text.fps, text, self._text_index)
        for pending in _candidates(text.fps, self._pending_index):
            similarity = self._similarity(pending.text, norm)
            if similarity and pending.offer(text, similarity):
                self._dirty_pending.add(pending)
        return text

    def _neighbours(self, text: AbstractText) -> list[AbstractText]:
        if text.neighbours is None:  # restored from storage: score it now, once
            text.neighbours = {}
            for other in _candidates(text.fps, self._text_index):
                if other is not text:
                    similarity = self._similarity(text.text, other.text)
                    if similarity:
                        text.neighbours[other] = similarity
        return list(text.neighbours)

    def _new_pending(self, norm: str) -> PendingAbstract:
        pending = self._pending[norm] = PendingAbstract(norm)
        self._index(pending.fps, pending, self._pending_index)
        return pending

    @staticmethod
    def _index(fps: tuple[int, ...], item: T, index: dict[int, T | list[T]]) -> None:
        """Post ``item`` under each fingerprint: the item itself while it is alone there
        (most fingerprints are), a list once others share it."""
        for fp in fps:
            bucket = index.get(fp)
            if bucket is None:
                index[fp] = item
            elif isinstance(bucket, list):
                bucket.append(item)
            else:
                index[fp] = [bucket, item]

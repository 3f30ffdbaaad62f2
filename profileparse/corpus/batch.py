"""The corpus build over the whole set of records at once, as stages a distributed
engine can run: repair the inferred splits, link records (same title and an author;
equal or similar abstracts with near-identical titles), take connected components,
fold each paper, link abstract-only records. Each rule is the one the incremental
build (``matching.Matcher``) applies, called from the same functions.

This module runs the stages in one process; ``dask_engine`` runs them as Dask steps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from profileparse.corpus import schema
from profileparse.corpus.evidence import corpus_clean_names, repair_by_names
from profileparse.corpus.keys import normalise_abstract, stable_id
from profileparse.corpus.matching import (
    Cluster,
    Sighting,
    abstract_similarity,
    author_keys,
    candidate_pairs,
    fingerprints,
    glued_key,
    resplit,
    titles_match,
)
from profileparse.corpus.writer import (
    DumpRows,
    authorship_rows,
    paper_authors,
    paper_row,
    record_link,
)

__all__ = ["Components", "build_tables", "fold", "reliable_splits"]


class Components:
    """Union-find over record ids: the papers are its components."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = parent.setdefault(x, x)
        while root != parent[root]:
            root = parent[root]
        while x != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def reliable_splits(
    records: Iterable[tuple[Sighting, bool]],
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Title and authors as records that show them apart give them, by glued text (the
    smallest, when several do)."""
    reliable: dict[str, tuple[str, tuple[str, ...]]] = {}
    for s, inferred in records:
        if not inferred and s.authors:
            key = glued_key(s)
            split = (s.title, s.authors)
            if key not in reliable or split < reliable[key]:
                reliable[key] = split
    return reliable


def fold(records: list[Sighting]) -> Cluster:
    """A paper from its records, folded as the incremental build folds it."""
    cluster = Cluster(records[0])
    for s in records:
        cluster.add(s, author_keys(s.authors))
    return cluster


def build_tables(dumps: Iterable[DumpRows], threshold: float) -> dict[str, list[dict[str, Any]]]:
    """Every table of the corpus these dumps make, rows in primary-key order, as
    ``Corpus.tables()`` gives them."""
    documents: list[dict[str, Any]] = []
    profiles: list[dict[str, Any]] = []
    rows: dict[int, dict[str, Any]] = {}
    titled: list[tuple[Sighting, bool]] = []
    abstract_only: dict[str, list[int]] = defaultdict(list)
    seen: set[str] = set()
    for dump in dumps:
        if dump.document["key"] in seen:
            continue
        seen.add(dump.document["key"])
        documents.append(dump.document)
        if dump.profile is not None:
            profiles.append(dump.profile)
        for row, record in zip(dump.sightings, dump.records, strict=True):
            rows[row["id"]] = dict(row)
            if isinstance(record, Sighting):
                titled.append((record, dump.inferred))
            elif record is not None:
                abstract_only[normalise_abstract(record)].append(row["id"])

    # 1. Inferred splits repaired by the split a record showing them apart gives, or
    # else, when uncertain, by the names other records show cleanly.
    reliable = reliable_splits(titled)
    clean = corpus_clean_names(titled)
    records: list[Sighting] = []
    for s, inferred in titled:
        split = reliable.get(glued_key(s)) if inferred else None
        if split is None:
            split = repair_by_names(s, inferred, clean)
        if split is not None and split != (s.title, s.authors):
            s = resplit(s, split)
            rows[s.id].update(title_key=s.title_key, repaired=1)
        records.append(s)

    # 2. Links: the same title and a shared author; equal or similar abstracts whose
    # titles match.
    components = Components()
    by_author: dict[tuple[str, str], int] = {}
    keys_of: dict[int, frozenset[str]] = {}
    by_text: dict[str, dict[str, int]] = defaultdict(dict)
    for s in records:
        keys = keys_of[s.id] = author_keys(s.authors)
        components.find(s.id)
        for key in keys:
            first = by_author.setdefault((s.title_key, key), s.id)
            components.union(first, s.id)
        if s.abstract:
            titles = by_text[normalise_abstract(s.abstract)]
            components.union(titles.setdefault(s.title_key, s.id), s.id)
    texts = sorted(by_text)
    prints = {text: fingerprints(text) for text in texts}
    similar: dict[str, dict[str, float]] = {text: {} for text in texts}
    for a, b in candidate_pairs(prints):
        score = abstract_similarity(a, b, threshold)
        if score:
            similar[a][b] = similar[b][a] = score
    for text in texts:
        titles = by_text[text]
        for other in [text, *similar[text]]:
            for key, first in titles.items():
                for other_key, other_first in by_text[other].items():
                    if titles_match(key, other_key):
                        components.union(first, other_first)

    # 3. Papers: each component folded as the incremental build folds a paper.
    members: dict[int, list[Sighting]] = defaultdict(list)
    for s in records:
        members[components.find(s.id)].append(s)
    papers: list[dict[str, Any]] = []
    authorships: list[dict[str, Any]] = []
    authors: dict[int, dict[str, Any]] = {}
    for group in members.values():
        cluster = fold(group)
        papers.append(paper_row(cluster))
        named = paper_authors(cluster)
        authors.update((author["id"], author) for author in named)
        authorships += authorship_rows(cluster.paper_id, named)
        for s in group:
            rows[s.id].update(
                paper_id=cluster.paper_id, **record_link(s.title_key, cluster.best[1].title_key)
            )

    # 4. Abstract-only records: the paper of the most similar titled abstract.
    paper_of_text: dict[str, int] = {}
    for text, titles in by_text.items():
        paper_of_text[text] = min(components.find(r) for r in titles.values())
    pending = sorted(abstract_only)
    pending_prints = {text: fingerprints(text) for text in pending}
    best_match: dict[str, tuple[float, int, str]] = {}
    for p, t in candidate_pairs(pending_prints, prints):
        score = abstract_similarity(p, t, threshold)
        if score:
            offer = (score, -stable_id(t), t)
            if p not in best_match or offer > best_match[p]:
                best_match[p] = offer
    for text, ids in abstract_only.items():
        match = best_match.get(text)
        for sid in ids:
            if match is not None:
                rows[sid].update(
                    paper_id=paper_of_text[match[2]], link="abstract", similarity=match[0]
                )

    tables: dict[str, list[dict[str, Any]]] = {
        "settings": [{"name": "threshold", "value": str(threshold)}],
        "documents": documents,
        "profiles": profiles,
        "papers": papers,
        "authors": list(authors.values()),
        "authorships": authorships,
        "sightings": list(rows.values()),
    }
    for name, table in tables.items():
        order = schema.KEYS[name]
        table.sort(key=lambda row: tuple(row[k] for k in order))
    return tables

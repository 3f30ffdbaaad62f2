"""The corpus build on Dask (the ``dask`` extra): the stages of ``batch.py`` as Dask bag
steps, so no step needs all records in one place.

1. **Per file** (map): read (any fsspec URL), decode, split, parse, and the rows and
   records of each dump (``writer.rows_of``). A dump given twice is kept once (fold by
   its key).
2. **Group by glued text**: the split records showing title and authors apart give,
   and the inferred records it repairs.
3. **Group by title and author key**, and **by abstract and title key**: links to each
   group's smallest record.
4. **Group by fingerprint**: candidate pairs of distinct abstracts (the blocking rule),
   scored; the titles of each similar pair compared, for more links.
5. **Connected components** by min-label propagation, one shuffle a round, until no
   label changes.
6. **Group by paper**: each paper folded as the incremental build folds it.
7. **Abstract-only records**: candidates by fingerprint, the best score per text, the
   paper of that text.
8. **The tables written partitioned** into a new version of the Parquet corpus, then
   ``HEAD`` switched.

Every rule is the one the local build applies (``matching``, ``batch``), so the two
builds make the same tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from attrs import define, field

from profileparse.corpus import schema
from profileparse.corpus.batch import fold, reliable_splits
from profileparse.corpus.keys import normalise_abstract, stable_id
from profileparse.corpus.matching import (
    Sighting,
    abstract_similarity,
    author_keys,
    fingerprints,
    glued_key,
    resplit,
    shares_enough,
    titles_match,
)
from profileparse.corpus.writer import (
    DumpRows,
    authorship_rows,
    paper_authors,
    paper_row,
    record_link,
    rows_of,
)
from profileparse.errors import CorpusError

__all__ = ["DaskBuild", "build"]

#: Files handed to one task of the per-file map.
FILES_PER_PARTITION = 100
#: Rounds of label propagation before giving up (components are papers: a few records).
MAX_ROUNDS = 50


@define
class DaskBuild:
    """What a Dask build did, in the local build's terms (see ``AddResult``)."""

    added: list[str] = field(factory=list)
    with_errors: list[tuple[str, int]] = field(factory=list)
    failed: list[str] = field(factory=list)
    version: str = ""
    rounds: int = 0


# -- 1. per file -------------------------------------------------------------------------


def _read(item: tuple[int, str], encoding: str | None) -> list[tuple[Any, ...]]:
    """One file's dumps as ("dump", order, rows), or ("failed", message)."""
    from profileparse.corpus.files import read_dumps

    index, path = item
    found = read_dumps(path, encoding=encoding)
    if found.failure is not None:
        return [("failed", found.failure)]
    return [
        (
            "dump",
            (index, position),
            rows_of(document, key),
            document.source or path,
            len(document.errors),
        )
        for position, (document, key) in enumerate(found.dumps)
    ]


def _first(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
    """Of two copies of one dump, the one stored, or else the first given."""
    return a if a[1] <= b[1] else b


# -- 2. repairs --------------------------------------------------------------------------


def _titled(dump: DumpRows) -> Iterator[tuple[Sighting, bool]]:
    for record in dump.records:
        if isinstance(record, Sighting):
            yield record, dump.inferred


def _repair_group(item: tuple[str, list[tuple[Sighting, bool]]]) -> list[tuple[Sighting, int]]:
    """A glued text's records, the inferred ones read with the split the others show:
    (record, repaired)."""
    _, records = item
    split = reliable_splits(records).get(glued_key(records[0][0]))
    out = []
    for s, inferred in records:
        if inferred and split is not None and split != (s.title, s.authors):
            out.append((resplit(s, split), 1))
        else:
            out.append((s, 0))
    return out


# -- 3, 4. links -------------------------------------------------------------------------


def _star(item: tuple[Any, list[int]]) -> list[tuple[int, int]]:
    """Links from each member of a group to its smallest."""
    _, ids = item
    first = min(ids)
    return [(i, first) for i in ids if i != first]


def _text_titles(item: tuple[str, list[tuple[str, int]]]) -> tuple[str, dict[str, int]]:
    """A distinct abstract and, for each title key shown with it, its smallest record."""
    text, pairs = item
    titles: dict[str, int] = {}
    for key, sid in pairs:
        titles[key] = min(sid, titles.get(key, sid))
    return text, titles


def _same_text_links(item: tuple[str, dict[str, int]]) -> list[tuple[int, int]]:
    _, titles = item
    keys = sorted(titles)
    return [
        (titles[a], titles[b])
        for i, a in enumerate(keys)
        for b in keys[i + 1 :]
        if titles_match(a, b)
    ]


def _postings(kind: str, text: str) -> list[tuple[int, tuple[str, int, int]]]:
    """A text posted under each of its fingerprints, by its id (texts stay put)."""
    fps = fingerprints(text)
    return [(fp, (kind, stable_id(text), len(fps))) for fp in fps]


def _bucket_pairs(
    item: tuple[int, list[tuple[str, int, int]]], across: bool
) -> list[tuple[tuple[int, int, int, int], int]]:
    """Pairs of text ids posted under one fingerprint: among titled texts, or
    (``across``) from abstract-only texts to titled ones."""
    _, posted = item
    titled = [p for p in posted if p[0] == "T"]
    if across:
        pending = [p for p in posted if p[0] == "P"]
        return [((p[1], t[1], p[2], t[2]), 1) for p in pending for t in titled]
    titled.sort(key=lambda p: p[1])
    return [((a[1], b[1], a[2], b[2]), 1) for i, a in enumerate(titled) for b in titled[i + 1 :]]


def _candidates(item: tuple[tuple[int, int, int, int], int]) -> list[tuple[int, int]]:
    """The pairs that share enough fingerprints to be compared at all."""
    (a, b, size_a, size_b), shared = item
    return [(a, b)] if shares_enough(shared, size_a, size_b) else []


def _with_first_text(item: tuple[int, list[tuple[str, Any]]]) -> list[tuple[int, tuple[str, Any]]]:
    """Join step: a text, handed to each pair it starts, re-keyed by the pair's other."""
    _, tagged = item
    text = next((v for tag, v in tagged if tag == "text"), None)
    return [(other, ("pair", text)) for tag, other in tagged if tag == "other" and text]


def _score_pairs(
    item: tuple[int, list[tuple[str, Any]]], threshold: float
) -> list[tuple[str, str, float]]:
    """Join step: a text and the first texts of its pairs, scored."""
    _, tagged = item
    text = next((v for tag, v in tagged if tag == "text"), None)
    out = []
    for tag, first in tagged:
        if tag == "pair" and text is not None:
            score = abstract_similarity(first, text, threshold)
            if score:
                out.append((first, text, score))
    return out


def _similar_pairs(candidates: Any, firsts: Any, seconds: Any, threshold: float, parts: int) -> Any:
    """(first text, second text, score) for each candidate pair of text ids at or above
    ``threshold``: each pair joined with its first text, then with its second."""
    import dask.bag as db

    halfway = (
        db.concat([firsts, candidates.map(lambda c: (c[0], ("other", c[1])))])
        .groupby(lambda x: x[0], npartitions=parts)
        .map(lambda g: _with_first_text((g[0], _joined(g[1]))))
        .flatten()
    )
    return (
        db.concat([seconds, halfway])
        .groupby(lambda x: x[0], npartitions=parts)
        .map(lambda g: _score_pairs((g[0], _joined(g[1])), threshold))
        .flatten()
    )


def _pair_links(
    item: tuple[str, list[tuple[str, Any]]],
) -> list[tuple[str, tuple[str, Any]]]:
    """Join step: a text's titles and the similar texts it pairs with; re-keyed by the
    other text with this text's titles attached."""
    _, tagged = item
    titles: dict[str, int] = next((v for tag, v in tagged if tag == "titles"), {})
    return [(other, ("pair", titles)) for tag, other in tagged if tag == "other"]


def _similar_links(item: tuple[str, list[tuple[str, Any]]]) -> list[tuple[int, int]]:
    _, tagged = item
    titles: dict[str, int] = next((v for tag, v in tagged if tag == "titles"), {})
    out = []
    for tag, theirs in tagged:
        if tag != "pair":
            continue
        for key, first in titles.items():
            for other_key, other_first in theirs.items():
                if titles_match(key, other_key):
                    out.append((first, other_first))
    return out


# -- 5. components -----------------------------------------------------------------------


def _propagate(item: tuple[int, list[tuple[str, int]]]) -> list[tuple[int, tuple[int, bool]]]:
    """One node's label and links: its label offered to each neighbour, and kept."""
    node, tagged = item
    label = min(v for tag, v in tagged if tag == "L")
    out = [(node, (label, False))]
    out += [(v, (label, True)) for tag, v in tagged if tag == "E"]
    return out


def _lowest(a: tuple[int, bool], b: tuple[int, bool]) -> tuple[int, bool]:
    return min(a, b)


def _settle(item: tuple[int, list[tuple[int, bool]]]) -> tuple[int, int, bool]:
    """A node's new label, and whether a neighbour lowered it."""
    node, offers = item
    own = min(label for label, offered in offers if not offered)
    best = min(label for label, _ in offers)
    return node, best, best < own


# -- 6. papers ---------------------------------------------------------------------------


def _fold(item: tuple[int, list[tuple[Sighting, int]]]) -> list[tuple[str, Any]]:
    """A paper from its records (``batch.fold``): its ``papers`` row, ``authors`` and
    ``authorships`` rows, and each record's link."""
    _, group = item
    cluster = fold([s for s, _ in group])
    paper_key = cluster.best[1].title_key
    named = paper_authors(cluster)
    out: list[tuple[str, Any]] = [("papers", paper_row(cluster))]
    out += [("authors", author) for author in named]
    out += [("authorships", row) for row in authorship_rows(cluster.paper_id, named)]
    for s, repaired in group:
        link = {"paper_id": cluster.paper_id, "title_key": s.title_key, "repaired": repaired}
        out.append(("link", (s.id, {**link, **record_link(s.title_key, paper_key)})))
    return out


# -- 7. abstract-only --------------------------------------------------------------------


def _better(a: tuple[float, int, str], b: tuple[float, int, str]) -> tuple[float, int, str]:
    return max(a, b)


def _text_paper(item: tuple[int, list[tuple[str, Any]]]) -> list[tuple[str, int]]:
    """Join step: a record's paper, for each text it is the smallest record of."""
    _, tagged = item
    label = next(v for tag, v in tagged if tag == "L")
    return [(text, label) for tag, text in tagged if tag == "T"]


def _abstract_links(item: tuple[str, list[tuple[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    """Join step: a titled text's paper, given to the abstract-only records matched to it."""
    _, tagged = item
    paper = min(v for tag, v in tagged if tag == "paper")
    return [
        (sid, {"paper_id": paper, "link": "abstract", "similarity": score})
        for tag, (score, sids) in ((t, v) for t, v in tagged if t == "match")
        for sid in sids
    ]


# -- 8. tables ---------------------------------------------------------------------------


def _finish_sighting(item: tuple[int, list[tuple[str, Any]]]) -> dict[str, Any]:
    _, tagged = item
    row = dict(next(v for tag, v in tagged if tag == "row"))
    for tag, update in tagged:
        if tag == "update":
            row.update(update)
    return row


def _write_part(
    rows: Iterable[dict[str, Any]],
    location: str,
    path: str,
    table: str,
    columns: list[tuple[str, str]],
) -> int:
    """Write one partition of a table (rows in key order); the number of rows."""
    from profileparse.corpus.parquet_storage import arrow_table
    from profileparse.corpus.places import open_place

    ordered = sorted(rows, key=lambda row: tuple(row[k] for k in schema.KEYS[table]))
    open_place(location).write_table(path, arrow_table(ordered, columns))
    return len(ordered)


def _joined(tagged: list[tuple[Any, Any]]) -> list[Any]:
    return [value for _, value in tagged]


def build(
    sources: Sequence[str],
    target: str,
    *,
    client: Any,
    threshold: float | None = None,
    encoding: str | None = None,
    wait: float = 600.0,
    on_wait: Callable[[], None] | None = None,
    show_progress: bool = False,
) -> DaskBuild:
    """Build the Parquet corpus at ``target`` (a path or an fsspec URL) from the dumps
    in ``sources`` on the Dask cluster ``client`` is connected to: a new version of the
    corpus there, holding its dumps and the new ones."""
    import dask.bag as db
    from dask import delayed

    from profileparse.corpus.parquet_storage import ParquetStorage
    from profileparse.corpus.store import stored_threshold, threshold_to_use

    result = DaskBuild()
    storage = ParquetStorage(target, readonly=False)
    try:
        existing = storage.read()
        version = schema.schema_version(existing)
        if version not in (0, schema.SCHEMA_VERSION):
            raise CorpusError(
                f"{target}: this corpus has an older schema; add to it once with the local "
                "engine to migrate it"
            )
        chosen = threshold_to_use(stored_threshold(existing) if version else None, threshold)
        stored = _stored_dumps(existing) if version else []
    except BaseException:
        storage.close()
        raise

    persist = client.persist
    # Pairs of texts are counted in this many partitions, spread over the workers.
    parts = max(2, 2 * len(client.scheduler_info()["workers"]))

    # 1. Per file, and one copy of each dump (those already stored come first).
    files = (
        db.from_sequence(list(enumerate(sources)), partition_size=FILES_PER_PARTITION)
        .map(_read, encoding)
        .flatten()
    )
    failed = files.filter(lambda x: x[0] == "failed").pluck(1)
    dumps = files.filter(lambda x: x[0] == "dump")
    if stored:
        dumps = db.concat([db.from_sequence(stored, partition_size=200), dumps])
    unique = persist(dumps.foldby(lambda x: x[2].document["key"], _first).pluck(1))
    new = unique.filter(lambda x: x[1][0] >= 0)
    errors = new.filter(lambda x: x[4] > 0).map(lambda x: (x[3], x[4]))
    added = new.map(lambda x: (x[1], x[3]))
    rows = unique.pluck(2)

    # 2. Repairs, by glued text.
    repaired = persist(
        rows.map(lambda d: list(_titled(d)))
        .flatten()
        .groupby(lambda r: glued_key(r[0]))
        .map(_repair_group)
        .flatten()
    )
    records = repaired.map(lambda r: r[0])

    # 3. Links by title and author, and by abstract and title.
    by_author = (
        records.map(lambda s: [((s.title_key, k), s.id) for k in author_keys(s.authors)])
        .flatten()
        .groupby(lambda x: x[0])
        .map(lambda g: (g[0], [i for _, i in g[1]]))
        .map(_star)
        .flatten()
    )
    with_text = records.filter(lambda s: bool(s.abstract)).map(
        lambda s: (normalise_abstract(s.abstract or ""), (s.title_key, s.id))
    )
    texts = persist(
        with_text.groupby(lambda x: x[0]).map(lambda g: _text_titles((g[0], _joined(g[1]))))
    )
    by_text = (
        with_text.groupby(lambda x: x[1][0] + "\x1f" + x[0])
        .map(lambda g: (g[0], [v[1] for _, v in g[1]]))
        .map(_star)
        .flatten()
    )

    # 4. Similar abstracts, their titles compared.
    postings = texts.map(lambda t: _postings("T", t[0])).flatten()
    titled_texts = texts.map(lambda t: (stable_id(t[0]), ("text", t[0])))
    similar = _similar_pairs(
        postings.groupby(lambda p: p[0])
        .map(lambda g: _bucket_pairs((g[0], _joined(g[1])), False))
        .flatten()
        .groupby(lambda x: x[0], npartitions=parts)
        .map(lambda g: (g[0], len(g[1])))
        .map(_candidates)
        .flatten(),
        titled_texts,
        titled_texts,
        chosen,
        parts,
    )
    titles_of = texts.map(lambda t: (t[0], ("titles", t[1])))
    paired = (
        db.concat([titles_of, similar.map(lambda p: (p[0], ("other", p[1])))])
        .groupby(lambda x: x[0])
        .map(lambda g: _pair_links((g[0], _joined(g[1]))))
        .flatten()
    )
    by_similar = (
        db.concat([titles_of, paired])
        .groupby(lambda x: x[0])
        .map(lambda g: _similar_links((g[0], _joined(g[1]))))
        .flatten()
    )
    edges = db.concat([by_author, by_text, texts.map(_same_text_links).flatten(), by_similar])
    both = persist(edges.map(lambda e: [e, (e[1], e[0])]).flatten())

    # 5. Connected components: each record's label, the smallest id it is linked to.
    labels = persist(records.map(lambda s: (s.id, s.id)))
    for rounds in range(1, MAX_ROUNDS + 1):
        offers = (
            db.concat(
                [
                    labels.map(lambda x: (x[0], ("L", x[1]))),
                    both.map(lambda e: (e[0], ("E", e[1]))),
                ]
            )
            .groupby(lambda x: x[0])
            .map(lambda g: _propagate((g[0], _joined(g[1]))))
            .flatten()
        )
        settled = persist(
            offers.groupby(lambda x: x[0]).map(lambda g: _settle((g[0], _joined(g[1]))))
        )
        changed = client.compute(settled.filter(lambda x: x[2]).count()).result()
        labels = persist(settled.map(lambda x: (x[0], x[1])))
        result.rounds = rounds
        if not changed:
            break
    else:
        raise CorpusError("the papers' links did not settle; please report this")

    # 6. Papers.
    labelled = (
        db.concat(
            [
                labels.map(lambda x: (x[0], ("L", x[1]))),
                repaired.map(lambda r: (r[0].id, ("R", r))),
            ]
        )
        .groupby(lambda x: x[0])
        .map(lambda g: _label_and_record(_joined(g[1])))
    )
    folded = persist(
        labelled.groupby(lambda x: x[0]).map(lambda g: _fold((g[0], _joined(g[1])))).flatten()
    )
    papers = folded.filter(lambda x: x[0] == "papers").pluck(1)
    authorships = folded.filter(lambda x: x[0] == "authorships").pluck(1)
    authors = (
        folded.filter(lambda x: x[0] == "authors")
        .pluck(1)
        .groupby(lambda a: a["id"], npartitions=parts)
        .map(lambda g: g[1][0])
    )
    title_links = folded.filter(lambda x: x[0] == "link").pluck(1)

    # 7. Abstract-only records.
    pending = (
        rows.map(_abstract_only)
        .flatten()
        .groupby(lambda x: x[0])
        .map(lambda g: (g[0], [i for _, i in g[1]]))
    )
    none: tuple[float, int, str] = (0.0, 0, "")
    matches = (
        _similar_pairs(
            db.concat([pending.map(lambda p: _postings("P", p[0])).flatten(), postings])
            .groupby(lambda p: p[0])
            .map(lambda g: _bucket_pairs((g[0], _joined(g[1])), True))
            .flatten()
            .groupby(lambda x: x[0], npartitions=parts)
            .map(lambda g: (g[0], len(g[1])))
            .map(_candidates)
            .flatten(),
            pending.map(lambda p: (stable_id(p[0]), ("text", p[0]))),
            titled_texts,
            chosen,
            parts,
        )
        .map(lambda m: (m[0], (m[2], -stable_id(m[1]), m[1])))
        .foldby(lambda m: m[0], lambda best, m: _better(best, m[1]), none, _better, none)
    )
    text_papers = (
        db.concat(
            [
                labels.map(lambda x: (x[0], ("L", x[1]))),
                texts.map(lambda t: [(i, ("T", t[0])) for i in t[1].values()]).flatten(),
            ]
        )
        .groupby(lambda x: x[0])
        .map(lambda g: _text_paper((g[0], _joined(g[1]))))
        .flatten()
    )
    matched = (
        db.concat(
            [
                matches.map(lambda m: (m[0], ("best", m[1]))),
                pending.map(lambda p: (p[0], ("sids", p[1]))),
            ]
        )
        .groupby(lambda x: x[0])
        .map(lambda g: _match_sids((g[0], _joined(g[1]))))
        .flatten()
    )
    abstract_links = (
        db.concat([text_papers.map(lambda x: (x[0], ("paper", x[1]))), matched])
        .groupby(lambda x: x[0])
        .map(lambda g: _abstract_links((g[0], _joined(g[1]))))
        .flatten()
    )

    # 8. The tables, written partitioned into a new version.
    sightings = (
        db.concat(
            [
                rows.map(lambda d: [(row["id"], ("row", row)) for row in d.sightings]).flatten(),
                title_links.map(lambda x: (x[0], ("update", x[1]))),
                abstract_links.map(lambda x: (x[0], ("update", x[1]))),
            ]
        )
        .groupby(lambda x: x[0])
        .map(lambda g: _finish_sighting((g[0], _joined(g[1]))))
    )
    tables = {
        "documents": rows.map(lambda d: d.document),
        "profiles": rows.filter(lambda d: d.profile is not None).map(lambda d: d.profile),
        "papers": papers,
        "authors": authors,
        "authorships": authorships,
        "sightings": sightings,
    }
    columns = schema.declared_columns()

    def write(name: str) -> None:
        parts = [
            delayed(_write_part)(
                part, target, f"{name}/{table}/part-{i:05d}.parquet", table, columns[table]
            )
            for table, bag in tables.items()
            for i, part in enumerate(bag.to_delayed())
        ]
        futures = client.compute([*parts, failed, errors, added])
        if show_progress:
            from distributed import progress

            progress(futures)
        done = client.gather(futures)
        result.failed = list(done[-3])
        result.with_errors = sorted(done[-2])
        result.added = [source for _, source in sorted(done[-1])]
        from profileparse.corpus.parquet_storage import arrow_table

        settings = [{"name": "threshold", "value": str(chosen)}]
        storage.place.write_table(
            f"{name}/settings.parquet", arrow_table(settings, columns["settings"])
        )

    try:
        result.version = storage.write_version(wait, on_wait, write)
    finally:
        storage.close()
    return result


def _label_and_record(tagged: list[tuple[str, Any]]) -> tuple[int, tuple[Sighting, int]]:
    label = next(v for tag, v in tagged if tag == "L")
    record = next(v for tag, v in tagged if tag == "R")
    return label, record


def _abstract_only(dump: DumpRows) -> list[tuple[str, int]]:
    return [
        (normalise_abstract(record), row["id"])
        for row, record in zip(dump.sightings, dump.records, strict=True)
        if isinstance(record, str)
    ]


def _match_sids(item: tuple[str, list[tuple[str, Any]]]) -> list[tuple[str, tuple[str, Any]]]:
    """Join step: an abstract-only text's best titled text and the records showing it."""
    _, tagged = item
    best = next((v for tag, v in tagged if tag == "best"), None)
    sids = [sid for tag, v in tagged if tag == "sids" for sid in v]
    if best is None or not best[2]:
        return []
    return [(best[2], ("match", (best[0], sids)))]


def _stored_dumps(db: Any) -> list[tuple[Any, ...]]:
    """The dumps already in the corpus, as the per-file map gives them: read back from
    their rows (order (-1, n), so a new copy of one is not counted as added)."""
    import json

    from profileparse.corpus.keys import normalise_title

    profiles = {row[0]: row for row in db.execute("SELECT * FROM profiles")}
    profile_names = [c[0] for c in db.execute("SELECT * FROM profiles LIMIT 0").description]
    out: list[tuple[Any, ...]] = []
    sightings: dict[int, list[dict[str, Any]]] = {}
    cur = db.execute("SELECT * FROM sightings ORDER BY document_id, position")
    names = [c[0] for c in cur.description]
    for values in cur:
        row = dict(zip(names, values, strict=True))
        sightings.setdefault(row["document_id"], []).append(row)
    cur = db.execute("SELECT * FROM documents ORDER BY id")
    doc_names = [c[0] for c in cur.description]
    for n, values in enumerate(cur.fetchall()):
        document = dict(zip(doc_names, values, strict=True))
        rows: list[dict[str, Any]] = []
        records: list[Sighting | str | None] = []
        inferred = False
        for row in sightings.get(document["id"], []):
            fresh = dict(row)
            title = row["title"]
            fresh.update(
                paper_id=None,
                link="abstract-only",
                similarity=None,
                repaired=0,
                title_key=normalise_title(title) if title else None,
            )
            rows.append(fresh)
            inferred = inferred or bool(row["inferred"])
            if title:
                records.append(
                    Sighting(
                        row["id"],
                        title,
                        fresh["title_key"],
                        tuple(json.loads(row["authors"])),
                        bool(row["et_al"]),
                        row["date"],
                        row["category"],
                        bool(row["has_code"]),
                        row["abstract"],
                    )
                )
            else:
                records.append(row["abstract"] or None)
        profile = profiles.get(document["id"])
        dump = DumpRows(
            document=document,
            profile=dict(zip(profile_names, profile, strict=True)) if profile else None,
            sightings=rows,
            records=records,
            inferred=inferred,
        )
        out.append(("dump", (-1, n), dump, document["source"], document["errors"]))
    return out


def build_on_cluster(
    sources: Sequence[str],
    target: str,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    memory_limit: str | None = None,
    threshold: float | None = None,
    encoding: str | None = None,
    wait: float = 600.0,
    on_wait: Callable[[], None] | None = None,
    show_progress: bool = False,
    say: Callable[[str], None] | None = None,
) -> DaskBuild:
    """:func:`build` on the cluster at ``scheduler``, or on a local cluster of
    ``workers`` processes with ``memory_limit`` each, started and stopped here."""
    import importlib.util

    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise CorpusError("--engine dask needs Dask: pip install 'profileparse[dask]'") from None
    cluster: Any = None
    try:
        if scheduler is not None:
            client = Client(scheduler, timeout="20s")
        else:
            dashboard = "127.0.0.1:0" if importlib.util.find_spec("bokeh") else None
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                memory_limit=memory_limit or "auto",
                host="127.0.0.1",
                dashboard_address=dashboard,
            )
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        where = scheduler or "a local cluster"
        raise CorpusError(f"cannot reach the Dask scheduler at {where}: {exc}") from None
    try:
        if say is not None and client.dashboard_link and cluster is not None:
            say(f"Dask dashboard: {client.dashboard_link}")
        return build(
            sources,
            target,
            client=client,
            threshold=threshold,
            encoding=encoding,
            wait=wait,
            on_wait=on_wait,
            show_progress=show_progress,
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

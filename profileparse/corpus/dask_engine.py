"""The corpus build on Dask (the ``dask`` extra): the stages of ``batch.py`` as Dask
steps on DataFrames, so no step needs all records in one place. Each shuffle moves
integer ids and keys, or the records themselves once to fold them; the functions that
run on each partition are in ``dask_parts``.

1. **Per file** (a task per partition of files): read (any fsspec URL), decode, split,
   parse; each dump's rows stay where they were read until they are written. The
   index of dumps (a few fields each) comes back, and a dump given twice is kept once.
2. **Records by glued text**: the inferred splits repaired by the split records
   showing title and authors apart give, or else by the names the records show
   cleanly (gathered first, over all records; ``evidence``).
3. **Records by (title, author) key and by (title, abstract) key**: links to each
   group's smallest record. **Records by abstract**: each distinct abstract with its
   title keys, and links between those that match.
4. **Abstracts by fingerprint**: candidate pairs (titled with titled, abstract-only
   with titled), counted by pair and kept by the blocking rule, joined with their texts
   and scored; the titles of each similar titled pair compared, for more links.
5. **Connected components**: links reduced within each partition, then Hash-to-Min
   on (record, member) rows, one shuffle a round, until no cluster changes.
6. **Records by paper**: each paper folded as the local build folds it.
7. **Abstract-only records**: the paper of each one's best match.
8. **The tables written partitioned** into a new version of the Parquet corpus, then
   ``HEAD`` switched; a dump's rows with their papers and links, where they were read.

Every rule is the one the local build applies (``matching``, ``batch``, ``writer``),
so the two builds make the same tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from attrs import define, field

from profileparse.corpus import schema
from profileparse.errors import CorpusError

__all__ = ["DaskBuild", "build"]

#: Files handed to one task of the per-file map: enough for a few tasks a worker, and
#: at most this many, so that one partition's dumps stay small.
FILES_PER_PARTITION = 200
#: Dumps whose records one partition of a shuffle holds, at most (about 100 MB of
#: records with their abstracts). Fewer partitions are fewer, larger tasks.
DUMPS_PER_SHUFFLE = 2000
#: Rounds of Hash-to-Min before giving up (a few even for long chains of links).
MAX_ROUNDS = 50


@define
class DaskBuild:
    """What a Dask build did, in the local build's terms (see ``AddResult``)."""

    added: list[str] = field(factory=list)
    with_errors: list[tuple[str, int]] = field(factory=list)
    failed: list[str] = field(factory=list)
    version: str = ""
    rounds: int = 0
    #: Rows written, by table.
    rows: dict[str, int] = field(factory=dict)
    #: Abstract-only records linked to no paper (source, key, position, line, abstract
    #: start), the first of them in ``Corpus.unlinked()``'s order; and how many.
    unlinked: list[tuple[str, str, int, int | None, str]] = field(factory=list)
    unlinked_count: int = 0


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
    roots: Mapping[str, str] | None = None,
    taken: str | None = None,
    reference_year: int | None = None,
) -> DaskBuild:
    """Build the Parquet corpus at ``target`` (a path or an fsspec URL) from the dumps
    in ``sources`` on the Dask cluster ``client`` is connected to: a new version of the
    corpus there, holding its dumps and the new ones. The build runs under the
    corpus's write lock, as a local build's transaction does. ``roots``, ``taken`` and
    ``reference_year``: as ``Corpus.add_files`` takes them."""
    import dask

    from profileparse.corpus.parquet_storage import ParquetStorage
    from profileparse.corpus.settings import stored_threshold, threshold_to_use

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

    run = _Run(client, sources, stored, target, chosen, encoding, show_progress)
    run.reading = {"roots": roots or {}, "taken": taken, "reference_year": reference_year}
    # Frames hold Python objects (records, lists of titles): the task-based shuffle
    # moves them as they are, and columns keep the types given.
    settings = {"dataframe.shuffle.method": "tasks", "dataframe.convert-string": False}
    try:
        with dask.config.set(settings):
            run.result.version = storage.write_version(wait, on_wait, run.write)
    finally:
        storage.close()
    return run.result


class _Run:
    """One Dask build: its inputs, and its stages as methods, run by :meth:`write`."""

    def __init__(
        self,
        client: Any,
        sources: Sequence[str],
        stored: list[tuple[int, Any, str, int]],
        target: str,
        threshold: float,
        encoding: str | None,
        show_progress: bool,
    ) -> None:
        self.client = client
        self.sources = list(sources)
        self.stored = stored
        self.target = target
        self.threshold = threshold
        self.encoding = encoding
        self.show_progress = show_progress
        self.result = DaskBuild()
        self.dropped: frozenset[int] = frozenset()
        self.partitions = 1
        self.parts = 1
        #: How files are read: the roots of their paths, the date taken, the reference year.
        self.reading: dict[str, Any] = {"roots": {}, "taken": None, "reference_year": None}

    def _progress(self, futures: Any) -> None:
        if self.show_progress:
            from distributed import progress

            progress(futures)

    def _frame(self, futures: list[Any], columns: dict[str, str]) -> Any:
        """One field of every part, as a Dask DataFrame (a partition a part)."""
        import dask.dataframe as dd

        from profileparse.corpus.dask_parts import empty

        return dd.from_delayed(futures, meta=empty(columns), verify_meta=False)

    def _persist(self, df: Any) -> Any:
        from distributed import wait

        df = self.client.persist(df)
        wait(df)
        return df

    # -- 1. per file ---------------------------------------------------------------------

    def read(self, version: str) -> dict[str, list[Any]]:
        """Each partition of files read and parsed where it runs (the dumps already in
        the corpus first); the index of dumps gathered, and a dump given twice kept once.
        Returns each field of the parts (``Part``) as futures, one a part; each is let go
        once the stages that need it are done."""
        from profileparse.corpus.dask_parts import STORED, part_of, pick, read_part

        workers = len(self.client.scheduler_info()["workers"])
        size = min(FILES_PER_PARTITION, max(50, -(-len(self.sources) // (4 * workers))))
        stored = [self.stored[i : i + size] for i in range(0, len(self.stored), size)]
        files = list(enumerate(self.sources))
        roots = self.reading["roots"]
        chunks = [files[i : i + size] for i in range(0, len(files), size)]
        parts = self.client.map(
            part_of,
            range(len(stored)),
            [[(STORED + n, *rest) for n, *rest in chunk] for chunk in stored],
            [[]] * len(stored),
            location=self.target,
            version=version,
        ) + self.client.map(
            read_part,
            range(len(stored), len(stored) + len(chunks)),
            chunks,
            [{path: roots[path] for _, path in chunk if path in roots} for chunk in chunks],
            location=self.target,
            version=version,
            encoding=self.encoding,
            taken=self.reading["taken"],
            reference_year=self.reading["reference_year"],
        )
        if not parts:
            parts = [self.client.submit(part_of, 0, [], [], self.target, version)]
        parts = list(parts)
        self._progress(parts)
        fields = {
            name: self.client.map(pick, parts, name=name)
            for name in ("records", "pending", "texts")
        }
        index = self.client.gather(self.client.map(pick, parts, name="index"))
        failed = self.client.gather(self.client.map(pick, parts, name="failed"))
        self.parts = len(parts)
        dumps = sum(len(entries) for entries in index)
        self.partitions = max(2 * workers, -(-dumps // DUMPS_PER_SHUFFLE))
        first: dict[str, int] = {}
        for dumps in index:
            for order, key, _, _ in dumps:
                first[key] = min(order, first.get(key, order))
        kept = sorted(
            (order, source, errors)
            for dumps in index
            for order, key, source, errors in dumps
            if first[key] == order
        )
        self.dropped = frozenset(
            order for dumps in index for order, key, _, _ in dumps if first[key] != order
        )
        new = [entry for entry in kept if entry[0] >= 0]
        self.result.added = [source for _, source, _ in new]
        self.result.with_errors = sorted((source, errors) for _, source, errors in new if errors)
        self.result.failed = [message for messages in failed for message in messages]
        return fields

    # -- 2-4. links ----------------------------------------------------------------------

    def records(self, parts: dict[str, list[Any]]) -> Any:
        """The titled records of the dumps kept, repaired (``repair``)."""
        from profileparse.corpus import dask_parts as p

        records = self._frame(parts.pop("records"), p.RECORDS).map_partitions(
            p.keep, self.dropped, meta=p.empty(p.RECORDS)
        )
        records = self._persist(records)
        names = frozenset(
            records.map_partitions(p.clean, meta=("clean", p.TEXT)).unique().compute()
        )
        records = records.assign(glued=records.map_partitions(p.glued, meta=("glued", p.TEXT)))
        return self._persist(
            records.shuffle("glued", npartitions=self.partitions).map_partitions(
                p.repair, names, meta=p.empty(p.RECORDS)
            )
        )

    def texts(self, parts: dict[str, list[Any]], records: Any) -> tuple[Any, Any]:
        """Every distinct abstract: titled ones (``kind`` "T", with their title keys)
        and abstract-only ones ("P"); and the titled ones alone."""
        import dask.dataframe as dd

        from profileparse.corpus import dask_parts as p

        # Two shuffles by text id into as many partitions: each pair of partitions holds
        # the same texts. The texts are the largest frame shuffled (each part's distinct
        # abstracts, so one abstract once a part that shows it), and Arrow columns only:
        # Dask's P2P shuffle moves them with the least memory.
        texts = self._frame(parts.pop("texts"), p.TEXTS).shuffle(
            "text_id", npartitions=self.partitions, shuffle_method="p2p"
        )
        with_text = records[records["text_id"] != 0][["text_id", "title_key", "id"]].shuffle(
            "text_id", npartitions=self.partitions, shuffle_method="p2p"
        )
        titled = dd.map_partitions(
            p.text_titles, texts, with_text, align_dataframes=False, meta=p.empty(p.TITLED)
        )
        pending = texts.map_partitions(p.pending_texts, meta=p.empty(p.TITLED))
        both = self._persist(dd.concat([titled, pending]))
        return both, both[both["kind"] == "T"]

    def scored(self, texts: Any, titled: Any) -> Any:
        """Pairs of abstracts that share enough fingerprints, scored: "TT" pairs of
        titled abstracts (with both sides' titles), "PT" from abstract-only to titled."""
        from profileparse.corpus import dask_parts as p

        counted = (
            texts.map_partitions(p.postings, meta=p.empty(p.POSTINGS))
            .shuffle("fp", npartitions=self.partitions)
            .map_partitions(p.bucket_pairs, meta=p.empty(p.PAIRS))
            .groupby(["a", "b", "size_a", "size_b", "kind"])
            .size(split_out=self.partitions)
            .to_frame("shared")
            .reset_index()
        )
        pairs = counted.map_partitions(
            p.candidates,
            meta=p.empty(p.CANDIDATES),
        )
        first = texts.rename(
            columns={"text_id": "a", "text": "text_a", "kind": "side", "titles": "titles_a"}
        )
        second = titled[["text_id", "text", "titles"]].rename(
            columns={"text_id": "b", "text": "text_b", "titles": "titles_b"}
        )
        joined = pairs.merge(first, on=["a", "side"]).merge(second, on="b")
        meta = joined._meta.drop(columns=["text_a", "text_b"]).assign(score=0.0)
        return self._persist(joined.map_partitions(p.scores, self.threshold, meta=meta))

    def links(self, records: Any, titled: Any, scored: Any) -> Any:
        """Every link between titled records: shared keys, one abstract's matching
        titles, similar abstracts' matching titles."""
        import dask.dataframe as dd

        from profileparse.corpus import dask_parts as p

        keyed = (
            records.map_partitions(p.link_keys, meta=p.empty(p.KEYED))
            .shuffle("key", npartitions=self.partitions)
            .map_partitions(p.stars, meta=p.empty(p.EDGES))
        )
        same = titled.map_partitions(p.same_text_links, meta=p.empty(p.EDGES))
        similar = scored[scored["kind"] == "TT"].map_partitions(
            p.similar_links, meta=p.empty(p.EDGES)
        )
        return dd.concat([keyed, same, similar])

    # -- 5. components -------------------------------------------------------------------

    def labels(self, links: Any) -> Any:
        """Each linked record's label: the smallest record of its component (Hash-to-Min:
        a few rounds even for long chains of links)."""
        import dask.dataframe as dd

        from profileparse.corpus import dask_parts as p

        stars = links.map_partitions(p.local_stars, meta=p.empty(p.EDGES))
        both = dd.concat([stars, stars.rename(columns={"a": "b", "b": "a"})[["a", "b"]]])
        state = self._persist(
            both.shuffle("a", npartitions=self.partitions).map_partitions(
                p.clusters, meta=p.empty(p.CLUSTERS)
            )
        )
        for rounds in range(1, MAX_ROUNDS + 1):
            self.result.rounds = rounds
            state = self._persist(
                state.map_partitions(p.offers, meta=p.empty(p.OFFERS))
                .shuffle("node", npartitions=self.partitions)
                .map_partitions(p.settle, meta=p.empty(p.STATE))
            )
            if not int(state["changed"].sum().compute()):
                break
        else:
            raise CorpusError("the papers' links did not settle; please report this")
        # Nullable, so that a left join leaves a record without links a missing label
        # rather than a float (which would round 63-bit ids).
        return state.map_partitions(p.labels, meta=p.empty(p.LABELS)).astype({"label": "Int64"})

    # -- 6, 7. papers and abstract-only records ------------------------------------------

    def papers(self, records: Any, labels: Any) -> Any:
        """Each paper folded from its records (``fold_papers``)."""
        from profileparse.corpus import dask_parts as p

        labelled = records.merge(labels, left_on="id", right_on="node", how="left")
        labelled = labelled.assign(label=labelled["label"].fillna(labelled["id"]).astype("int64"))
        return self._persist(
            labelled.drop(columns=["node"])
            .shuffle("label", npartitions=self.partitions)
            .map_partitions(p.fold_papers, meta=p.empty(p.FOLDED))
        )

    def abstract_links(
        self, parts: dict[str, list[Any]], titled: Any, scored: Any, labels: Any
    ) -> Any:
        """Each abstract-only record whose abstract is like a titled one: that abstract's
        paper (the smallest label of its title keys' records), and the score."""
        from profileparse.corpus import dask_parts as p

        firsts = titled.map_partitions(p.firsts, meta=p.empty(p.EDGES))
        labelled = firsts.merge(labels, left_on="b", right_on="node", how="left")
        labelled = labelled.assign(label=labelled["label"].fillna(labelled["b"]).astype("int64"))
        paper_of = labelled.groupby("a")["label"].min(split_out=self.partitions).reset_index()
        best = (
            scored[scored["kind"] == "PT"][["a", "b", "score"]]
            .shuffle("a", npartitions=self.partitions)
            .map_partitions(
                p.best_matches, meta=p.empty({"a": "int64", "b": "int64", "score": "float64"})
            )
        )
        matched = best.merge(paper_of.rename(columns={"a": "b", "label": "paper"}), on="b")
        pending = self._frame(parts.pop("pending"), p.PENDING).map_partitions(
            p.keep, self.dropped, meta=p.empty(p.PENDING)
        )
        joined = pending.merge(matched.rename(columns={"a": "text_id"}), on="text_id")
        return joined.map_partitions(p.abstract_links, meta=p.empty(p.UPDATES))

    # -- 8. tables -----------------------------------------------------------------------

    def write(self, name: str) -> None:
        """Run the stages and write the tables into the version folder ``name``."""
        import dask.dataframe as dd
        from dask import delayed

        from profileparse.corpus import dask_parts as p
        from profileparse.corpus.places import open_place

        # Each stage's results are let go as soon as no later stage needs them.
        parts = self.read(name)
        records = self.records(parts)
        texts, titled = self.texts(parts, records)
        scored = self.scored(texts, titled)
        del texts
        labels = self._persist(self.labels(self.links(records, titled, scored)))
        folded = self.papers(records, labels)
        del records
        matched = self._persist(self.abstract_links(parts, titled, scored, labels))
        del titled, scored, labels
        updates = dd.concat([folded[folded["table"].isin(["sightings", "papers"])], matched])
        updates = updates.set_index("part", divisions=tuple(range(self.parts + 1)))
        dumps = [
            delayed(p.write_dumps)(number, changes, self.dropped, self.target, name)
            for number, changes in enumerate(updates.to_delayed())
        ]
        tables = {
            "authorships": folded[folded["table"] == "authorships"],
            "authors": folded[folded["table"] == "authors"]
            .shuffle("id", npartitions=self.partitions)
            .map_partitions(p.distinct, "id", meta=p.empty(p.FOLDED)),
        }
        others = {
            table: [
                delayed(p.write_frame)(
                    part, self.target, f"{name}/{table}/part-{i:05d}.parquet", table
                )
                for i, part in enumerate(df.to_delayed())
            ]
            for table, df in tables.items()
        }
        futures = self.client.compute([dumps, others])
        self._progress(futures)
        written, counted = self.client.gather(futures)
        rows = {table: sum(counts) for table, counts in counted.items()}
        for part in written:
            for table, count in part.rows.items():
                rows[table] = rows.get(table, 0) + count
        self.result.rows = rows
        self.result.unlinked = sorted(where for part in written for where in part.unlinked)[
            : p.UNLINKED_SHOWN
        ]
        self.result.unlinked_count = sum(part.unlinked_count for part in written)
        settings = [{"name": "threshold", "value": str(self.threshold)}]
        place = open_place(self.target)
        p.write_rows(settings, place, f"{name}/settings.parquet", "settings")
        place.remove(f"{name}/staged")


def _stored_dumps(db: Any) -> list[tuple[int, Any, str, int]]:
    """The dumps already in the corpus, as the per-file map gives them: (n, rows,
    source, errors), read back from their rows."""
    from profileparse.corpus.keys import normalise_title
    from profileparse.corpus.matching import Sighting
    from profileparse.corpus.writer import DumpRows, stored_sighting

    profiles = {row[0]: row for row in db.execute("SELECT * FROM profiles")}
    profile_names = [c[0] for c in db.execute("SELECT * FROM profiles LIMIT 0").description]
    out: list[tuple[int, Any, str, int]] = []
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
                records.append(stored_sighting(row, fresh["title_key"]))
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
        out.append((n, dump, document["source"], document["errors"]))
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
    roots: Mapping[str, str] | None = None,
    taken: str | None = None,
    reference_year: int | None = None,
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
                # Arrow's own allocator keeps what it freed; the system's gives it back,
                # which keeps a worker within a tight --memory-limit.
                env={"ARROW_DEFAULT_MEMORY_POOL": "system"},
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
            roots=roots,
            taken=taken,
            reference_year=reference_year,
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

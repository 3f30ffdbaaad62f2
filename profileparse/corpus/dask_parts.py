"""The Dask build's steps on one partition: what each stage of ``dask_engine`` runs
where its rows are, on pandas frames. Every rule is the local build's (``matching``,
``batch``, ``writer``), called from the same functions.

Frames carry integer ids and keys. A titled record travels as columns backed by Arrow
(so a worker holds few Python objects between tasks), with its abstract's id in place
of the abstract: the fold needs only to know whether a record has one, and a paper's
abstract is read from its best record's row when the paper is written. Tasks turn the
columns into ``Sighting`` objects to apply the rules (:func:`sightings`). A dump's own
rows are staged in the version being written (:func:`stage`) until then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
from attrs import define

from profileparse.corpus import schema
from profileparse.corpus.batch import Components, fold, reliable_splits
from profileparse.corpus.evidence import corpus_clean_names, repair_by_names
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
)

if TYPE_CHECKING:
    from profileparse.corpus.places import Place

#: A dump's order is ``file * ORDER_SPAN + its place in the file``; stored dumps come
#: first (negative orders), so a new copy of a stored dump is the one dropped.
ORDER_SPAN = 2**20
STORED = -(2**50)

#: The columns of each frame the stages pass on, with their dtypes (Dask's ``meta``).
TEXT = "string[pyarrow]"
RECORDS: dict[str, Any] = {
    "id": "int64",
    "part": "int64",
    "order": "int64",
    "position": "int64",
    "inferred": "bool",
    "text_id": "int64",
    "title": TEXT,
    "title_key": TEXT,
    "authors": pd.ArrowDtype(pa.list_(pa.string())),
    "et_al": "bool",
    "date": TEXT,
    "category": TEXT,
    "has_code": "bool",
    "repaired": "int64",
}
PENDING = {"id": "int64", "part": "int64", "order": "int64", "text_id": "int64"}
TEXTS = {"text_id": "int64", "text": TEXT, "kind": TEXT}
TITLED = {**TEXTS, "titles": "object"}
POSTINGS = {"fp": "int64", "text_id": "int64", "size": "int64", "kind": TEXT}
PAIRS = {"a": "int64", "b": "int64", "size_a": "int64", "size_b": "int64", "kind": TEXT}
CANDIDATES = {"a": "int64", "b": "int64", "kind": TEXT, "side": TEXT}
EDGES = {"a": "int64", "b": "int64"}
KEYED = {"key": TEXT, "id": "int64"}
CLUSTERS = {"node": "int64", "member": "int64"}
OFFERS = {**CLUSTERS, "own": "bool"}
STATE = {**CLUSTERS, "changed": "bool"}
LABELS = {"node": "int64", "label": "int64"}
FOLDED = {"table": "object", "id": "int64", "part": "int64", "row": "object"}
UPDATES = {"table": "object", "id": "int64", "part": "int64", "row": "object"}


def empty(columns: dict[str, Any]) -> pd.DataFrame:
    """A frame with no rows and these columns: a stage's ``meta``."""
    return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in columns.items()})


def frame(rows: Iterable[Sequence[Any]], columns: dict[str, Any]) -> pd.DataFrame:
    """Rows (tuples in the columns' order) as a frame of these columns and types; a cell
    may hold a tuple."""
    values = list(zip(*rows, strict=False))  # rows of one length: the columns
    if not values:
        return empty(columns)
    return pd.DataFrame(
        {
            name: pd.Series(list(column), dtype=kind)
            for (name, kind), column in zip(columns.items(), values, strict=True)
        }
    )


# -- 1. per file -------------------------------------------------------------------------


#: The tables whose rows each dump gives, staged by the part that read it.
DUMP_TABLES = ("documents", "profiles", "sightings")


@define
class Part:
    """One partition of dumps as the per-file map leaves it: an index of its dumps and
    its records as frames. The dumps' own rows are staged in the version being written
    (:func:`stage`), so no worker holds them until they are written."""

    #: (order, key, source, errors) of each dump.
    index: list[tuple[int, str, str, int]]
    failed: list[str]
    records: pd.DataFrame
    pending: pd.DataFrame
    texts: pd.DataFrame


def read_part(
    number: int,
    paths: Sequence[tuple[int, str]],
    roots: Mapping[str, str],
    location: str,
    version: str,
    encoding: str | None,
    *,
    taken: str | None = None,
    reference_year: int | None = None,
) -> Part:
    """Read, decode, split and parse each file; a file that cannot be read is reported
    as the local build reports it. ``roots``, ``taken`` and ``reference_year``: as
    ``Corpus.add_files`` takes them."""
    from profileparse.corpus.files import read_dumps
    from profileparse.corpus.writer import rows_of

    failed: list[str] = []
    dumps: list[tuple[int, DumpRows, str, int]] = []
    for index, path in paths:
        found = read_dumps(
            path,
            encoding=encoding,
            root=roots.get(path),
            taken=taken,
            reference_year=reference_year,
        )
        if found.failure is not None:
            failed.append(found.failure)
            continue
        for position, (document, key) in enumerate(found.dumps):
            order = index * ORDER_SPAN + position
            rows = rows_of(document, key, place=found.place, taken=found.taken)
            dumps.append((order, rows, document.source or path, len(document.errors)))
    return part_of(number, dumps, failed, location, version)


def part_of(
    number: int,
    dumps: Sequence[tuple[int, DumpRows, str, int]],
    failed: list[str],
    location: str,
    version: str,
) -> Part:
    """A partition of dumps given as (order, rows, source, errors), their rows staged."""
    stage(number, [(order, dump) for order, dump, _, _ in dumps], location, version)
    records = []
    pending = []
    texts: dict[tuple[int, str], str] = {}
    for order, dump, _, _ in dumps:
        for position, (row, record) in enumerate(zip(dump.sightings, dump.records, strict=True)):
            abstract = record.abstract if isinstance(record, Sighting) else record
            text_id = 0
            if abstract:
                text = normalise_abstract(abstract)
                text_id = stable_id(text)
                texts.setdefault((text_id, "T" if isinstance(record, Sighting) else "P"), text)
            if isinstance(record, Sighting):
                fields = (record.title, record.title_key, record.authors, record.et_al)
                rest = (record.date, record.category, record.has_code, 0)
                records.append(
                    (record.id, number, order, position, dump.inferred, text_id, *fields, *rest)
                )
            elif record is not None:
                pending.append((row["id"], number, order, text_id))
    return Part(
        index=[
            (order, dump.document["key"], source, errors) for order, dump, source, errors in dumps
        ],
        failed=failed,
        records=frame(records, RECORDS),
        pending=frame(pending, PENDING),
        texts=frame(((i, text, kind) for (i, kind), text in texts.items()), TEXTS),
    )


def sightings(df: pd.DataFrame) -> list[Sighting]:
    """The records of a frame of ``RECORDS`` as the rules take them, each abstract
    standing in as its text id (a string, so it ranks as the abstract does: present or
    not)."""
    column = {name: df[name].to_numpy(dtype=object, na_value=None) for name in _TEXTS}
    return [
        Sighting(
            int(sid),
            title,
            title_key,
            tuple(authors),
            bool(et_al),
            date,
            category,
            bool(has_code),
            str(text_id) if text_id else None,
        )
        for sid, title, title_key, authors, et_al, date, category, has_code, text_id in zip(
            df["id"].tolist(),
            column["title"],
            column["title_key"],
            df["authors"].tolist(),
            df["et_al"].tolist(),
            column["date"],
            column["category"],
            df["has_code"].tolist(),
            df["text_id"].tolist(),
            strict=True,
        )
    ]


_TEXTS = ("title", "title_key", "date", "category")


def _staged(version: str, table: str, number: int) -> str:
    return f"{version}/staged/{table}/part-{number:05d}.parquet"


def stage(number: int, dumps: list[tuple[int, DumpRows]], location: str, version: str) -> None:
    """Write a part's dumps' rows, each with its dump's order, where :func:`write_dumps`
    reads them back."""
    from profileparse.corpus.parquet_storage import arrow_table
    from profileparse.corpus.places import open_place

    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in DUMP_TABLES}
    for order, dump in dumps:
        rows["documents"].append({**dump.document, "order": order})
        if dump.profile is not None:
            rows["profiles"].append({**dump.profile, "order": order})
        rows["sightings"] += [{**row, "order": order} for row in dump.sightings]
    place = open_place(location)
    columns = schema.declared_columns()
    for table in DUMP_TABLES:
        staged = arrow_table(rows[table], [*columns[table], ("order", "INTEGER")])
        place.write_table(_staged(version, table, number), staged)


def pick(part: Part, name: str) -> Any:
    return getattr(part, name)


def distinct(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows holding whole groups of ``column``: one row of each."""
    return df.drop_duplicates(column)


def keep(df: pd.DataFrame, dropped: frozenset[int]) -> pd.DataFrame:
    """The rows of dumps kept: a dump given twice is kept once."""
    return df[~df["order"].isin(dropped)] if dropped else df


# -- 2. repairs (records by glued text) --------------------------------------------------


def glued(df: pd.DataFrame) -> pd.Series:
    return pd.Series([glued_key(s) for s in sightings(df)], index=df.index, dtype=TEXT)


def clean(df: pd.DataFrame) -> pd.Series:
    """The names these records show cleanly (``evidence.clean_names``), as keys."""
    pairs = zip(sightings(df), df["inferred"].tolist(), strict=True)
    return pd.Series(sorted(corpus_clean_names(pairs)), dtype=TEXT)


def repair(df: pd.DataFrame, names: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Records holding whole glued-text groups, the inferred ones read with the split
    the others show, or else with the one the corpus's clean ``names`` settle
    (``repaired`` 1)."""
    pairs = list(zip(sightings(df), df["inferred"].tolist(), strict=True))
    splits = reliable_splits(pairs)
    out = df.drop(columns=["glued"]).copy()
    fixed = []
    for n, (s, inferred) in enumerate(pairs):
        split = splits.get(glued_key(s)) if inferred else None
        if split is None:
            split = repair_by_names(s, inferred, names)
        if split is not None and split != (s.title, s.authors):
            fixed.append((n, resplit(s, split)))
    if fixed:
        rows = [n for n, _ in fixed]
        for name in ("title", "title_key", "authors"):
            values = out[name].tolist()  # titled records have a title and a key
            for n, s in fixed:
                values[n] = getattr(s, name)
            out[name] = pd.Series(values, index=out.index, dtype=RECORDS[name])
        repaired = out["repaired"].to_numpy(copy=True)
        repaired[rows] = 1
        out["repaired"] = repaired
    return out


# -- 3. links by shared keys -------------------------------------------------------------


def link_keys(df: pd.DataFrame) -> pd.DataFrame:
    """Each record under each (title, author) key and its (title, abstract) key."""
    rows: list[tuple[str, int]] = []
    for sid, title_key, authors, text_id in zip(
        df["id"].tolist(),
        df["title_key"].tolist(),
        df["authors"].tolist(),
        df["text_id"].tolist(),
        strict=True,
    ):
        rows += [(f"a\x1f{title_key}\x1f{key}", sid) for key in author_keys(authors)]
        if text_id:
            rows.append((f"t\x1f{title_key}\x1f{text_id}", sid))
    return frame(rows, KEYED)


def stars(df: pd.DataFrame) -> pd.DataFrame:
    """Links from each member of a key's group to the group's smallest record."""
    first = df.groupby("key")["id"].transform("min")
    out = pd.DataFrame({"a": df["id"], "b": first})
    return out[out["a"] != out["b"]].astype(EDGES)


def text_titles(texts: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """Texts and titled records holding whole abstract groups (the same partition of
    two shuffles by text id): each distinct titled abstract with its title keys, each
    key's smallest record (``titles``)."""
    titles: dict[int, dict[str, int]] = {}
    for text_id, title_key, sid in zip(
        records["text_id"].tolist(),
        records["title_key"].tolist(),
        records["id"].tolist(),
        strict=True,
    ):
        keys = titles.setdefault(text_id, {})
        keys[title_key] = min(sid, keys.get(title_key, sid))
    texts = texts[texts["kind"] == "T"].drop_duplicates("text_id")
    rows = [
        (text_id, text, kind, tuple(sorted(titles[text_id].items())))
        for text_id, text, kind in zip(texts["text_id"], texts["text"], texts["kind"], strict=True)
        if text_id in titles
    ]
    return frame(rows, TITLED)


def pending_texts(texts: pd.DataFrame) -> pd.DataFrame:
    """The distinct abstract-only texts of texts holding whole text-id groups."""
    texts = texts[texts["kind"] == "P"].drop_duplicates("text_id")
    return texts.assign(titles=[()] * len(texts)).astype(TITLED)


def same_text_links(texts: pd.DataFrame) -> pd.DataFrame:
    """Links between the title keys shown with one abstract that match."""
    rows = []
    for titles in texts["titles"]:
        for i, (a, first) in enumerate(titles):
            rows += [(first, other) for b, other in titles[i + 1 :] if titles_match(a, b)]
    return frame(rows, EDGES)


# -- 4. similar abstracts ----------------------------------------------------------------


def postings(texts: pd.DataFrame) -> pd.DataFrame:
    """Each distinct abstract under each of its fingerprints."""
    rows = []
    for text_id, text, kind in zip(texts["text_id"], texts["text"], texts["kind"], strict=True):
        fps = fingerprints(text)
        rows += [(fp, text_id, len(fps), kind) for fp in fps]
    return frame(rows, POSTINGS)


def bucket_pairs(df: pd.DataFrame) -> pd.DataFrame:
    """Postings holding whole fingerprint buckets: the pairs of titled abstracts in
    each ("TT", smaller id first) and from abstract-only texts to titled ones ("PT")."""
    titled = df[df["kind"] == "T"]
    pairs = []
    for kind, left in (("TT", titled), ("PT", df[df["kind"] == "P"])):
        joined = left.merge(titled, on="fp", suffixes=("_a", "_b"))
        if kind == "TT":
            joined = joined[joined["text_id_a"] < joined["text_id_b"]]
        pairs.append(
            pd.DataFrame(
                {
                    "a": joined["text_id_a"],
                    "b": joined["text_id_b"],
                    "size_a": joined["size_a"],
                    "size_b": joined["size_b"],
                    "kind": kind,
                }
            )
        )
    return pd.concat(pairs, ignore_index=True).astype(PAIRS)


def candidates(counted: pd.DataFrame) -> pd.DataFrame:
    """Counted pairs (``shared``) that share enough fingerprints to be compared, with
    the kind of their first text (``side``)."""
    mask = [
        shares_enough(shared, size_a, size_b)
        for shared, size_a, size_b in zip(
            counted["shared"], counted["size_a"], counted["size_b"], strict=True
        )
    ]
    out = counted.loc[mask, ["a", "b", "kind"]]
    return out.assign(side=out["kind"].str.slice(0, 1)).astype(CANDIDATES)


def scores(pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Pairs joined with both texts (``text_a``, ``text_b``), scored; those below the
    threshold dropped."""
    score = [
        abstract_similarity(a, b, threshold)
        for a, b in zip(pairs["text_a"], pairs["text_b"], strict=True)
    ]
    out = pairs.drop(columns=["text_a", "text_b"]).assign(
        score=pd.Series(score, index=pairs.index, dtype="float64")
    )
    return out[out["score"] > 0]


def similar_links(pairs: pd.DataFrame) -> pd.DataFrame:
    """Links between the matching titles of two similar abstracts (``titles_a``,
    ``titles_b``)."""
    rows = []
    for mine, theirs in zip(pairs["titles_a"], pairs["titles_b"], strict=True):
        for key, first in mine:
            rows += [(first, other) for other_key, other in theirs if titles_match(key, other_key)]
    return frame(rows, EDGES)


def best_matches(pairs: pd.DataFrame) -> pd.DataFrame:
    """Scored "PT" pairs holding every pair of their abstract-only text: the best
    titled text for each (highest score, then smallest id)."""
    ranked = pairs.assign(tie=-pairs["b"]).sort_values(["a", "score", "tie"], ascending=False)
    return ranked.drop_duplicates("a")[["a", "b", "score"]]


# -- 5. components -----------------------------------------------------------------------


def local_stars(edges: pd.DataFrame) -> pd.DataFrame:
    """A partition's links reduced to links from each node to the smallest of the
    component they make here: the same components, fewer rounds."""
    components = Components()
    for a, b in zip(edges["a"], edges["b"], strict=True):
        components.union(int(a), int(b))
    rows = [(node, components.find(node)) for node in list(components.parent)]
    return frame(((a, b) for a, b in rows if a != b), EDGES)


def clusters(edges: pd.DataFrame) -> pd.DataFrame:
    """Links holding each node's whole neighbourhood (both directions): each node's
    first cluster, itself and its neighbours, as (node, member) rows."""
    nodes = edges["a"].drop_duplicates()
    own = pd.DataFrame({"node": nodes, "member": nodes})
    pairs = pd.concat([edges.rename(columns={"a": "node", "b": "member"}), own])
    return pairs.drop_duplicates().astype(CLUSTERS)


def offers(state: pd.DataFrame) -> pd.DataFrame:
    """One round of Hash-to-Min (Rastogi et al., "Finding connected components in
    map-reduce in logarithmic rounds", 2013) on clusters holding whole nodes: each node
    sends its cluster to the cluster's smallest node, and that smallest node to every
    node of its cluster; and keeps its cluster (``own``) to see whether it changed."""
    state = state[["node", "member"]]
    least = state.groupby("node")["member"].transform("min")
    return pd.concat(
        [
            state.assign(own=True),
            pd.DataFrame({"node": least, "member": state["member"], "own": False}),
            pd.DataFrame({"node": state["member"], "member": least, "own": False}),
        ],
        ignore_index=True,
    ).astype(OFFERS)


def settle(offered: pd.DataFrame) -> pd.DataFrame:
    """Offers holding whole nodes: each node's new cluster (all it was sent), each row
    marked ``changed`` when its node's cluster changed."""
    new = offered.loc[~offered["own"], ["node", "member"]].drop_duplicates()
    old = offered.loc[offered["own"], ["node", "member"]]
    both = new.merge(old, how="outer", indicator=True)
    moved = both.loc[both["_merge"] != "both", "node"].unique()
    return new.assign(changed=new["node"].isin(moved)).astype(STATE)


def labels(state: pd.DataFrame) -> pd.DataFrame:
    """Clusters holding whole nodes: each node's label, its cluster's smallest member."""
    least = state.groupby("node", sort=False)["member"].min()
    return pd.DataFrame({"node": least.index, "label": least.to_numpy()}).astype(LABELS)


# -- 6. papers ---------------------------------------------------------------------------


def fold_papers(records: pd.DataFrame) -> pd.DataFrame:
    """Records holding whole papers (``label``): each paper folded (``batch.fold``), as
    its ``papers``, ``authors`` and ``authorships`` rows and each record's link."""
    rows: list[tuple[str, int, int, Any]] = []
    ordered = records.sort_values(["label", "order", "position"])
    for _, group in ordered.groupby("label", sort=False):
        members = sightings(group)
        cluster = fold(members)
        best = cluster.best[1]
        paper_key = best.title_key
        named = paper_authors(cluster)
        # Written with the dumps of its best record, which has its abstract.
        paper = {**paper_row(cluster), "abstract": best.id if best.abstract else None}
        best_part = int(group["part"][group["id"] == best.id].iloc[0])
        rows.append(("papers", cluster.paper_id, best_part, paper))
        rows += [("authors", author["id"], -1, author) for author in named]
        rows += [
            ("authorships", cluster.paper_id, -1, r)
            for r in authorship_rows(cluster.paper_id, named)
        ]
        for s, part, repaired in zip(
            members, group["part"].tolist(), group["repaired"].tolist(), strict=True
        ):
            link = {
                "paper_id": cluster.paper_id,
                "title_key": s.title_key,
                "repaired": int(repaired),
            }
            rows.append(("sightings", s.id, part, {**link, **record_link(s.title_key, paper_key)}))
    return frame(rows, FOLDED)


# -- 7. abstract-only records ------------------------------------------------------------


def firsts(texts: pd.DataFrame) -> pd.DataFrame:
    """Each titled abstract's records that stand for its title keys (as edges: text
    id, record)."""
    rows = [
        (t, first)
        for t, titles in zip(texts["text_id"], texts["titles"], strict=True)
        for _, first in titles
    ]
    return frame(rows, EDGES)


def abstract_links(df: pd.DataFrame) -> pd.DataFrame:
    """Abstract-only records joined with their best match's paper (``paper``) and score."""
    rows = [
        (
            "sightings",
            sid,
            part,
            {"paper_id": int(paper), "link": "abstract", "similarity": float(score)},
        )
        for sid, part, paper, score in zip(
            df["id"], df["part"], df["paper"], df["score"], strict=True
        )
    ]
    return frame(rows, UPDATES)


# -- 8. tables ---------------------------------------------------------------------------


def write_rows(rows: Iterable[dict[str, Any]], place: Place, path: str, table: str) -> int:
    """Write one part of a table (rows in key order) at ``path`` in ``place``; the
    number of rows."""
    from profileparse.corpus.parquet_storage import arrow_table

    ordered = sorted(rows, key=lambda row: tuple(row[k] for k in schema.KEYS[table]))
    columns = schema.declared_columns()[table]
    place.write_table(path, arrow_table(ordered, columns))
    return len(ordered)


#: Abstract-only records not linked that a part reports back, at most.
UNLINKED_SHOWN = 100


@define
class Written:
    """What writing a part's rows did: rows a table, and its abstract-only records not
    linked to any paper (source, key, position, line, abstract start), the first
    :data:`UNLINKED_SHOWN` in ``Corpus.unlinked()``'s order, and how many."""

    rows: dict[str, int]
    unlinked: list[tuple[str, str, int, int | None, str]]
    unlinked_count: int


def write_dumps(
    number: int, updates: pd.DataFrame, dropped: frozenset[int], location: str, version: str
) -> Written:
    """Write a part's staged ``documents``, ``profiles`` and ``sightings`` rows, but
    those of dumps dropped as copies, each sighting with its paper and link, and the
    papers whose best record is here, with its abstract (``updates``)."""
    from profileparse.corpus.places import open_place

    is_link = updates["table"] == "sightings"
    changes = dict(zip(updates["id"][is_link], updates["row"][is_link], strict=True))
    place = open_place(location)
    tables: dict[str, list[dict[str, Any]]] = {}
    abstracts: dict[int, str | None] = {}
    for table in DUMP_TABLES:
        rows = tables[table] = []
        for row in place.read_table(_staged(version, table, number)).to_pylist():
            if table == "sightings":
                abstracts[row["id"]] = row["abstract"]
            if row.pop("order") in dropped:
                continue
            change = changes.get(row["id"]) if table == "sightings" else None
            rows.append({**row, **change} if change else row)
    tables["papers"] = [
        {**row, "abstract": abstracts[row["abstract"]] if row["abstract"] else None}
        for row in updates["row"][~is_link]
    ]
    documents = {row["id"]: (row["source"], row["key"]) for row in tables["documents"]}
    unlinked = sorted(
        (*documents[row["document_id"]], row["position"], row["start_line"], row["abstract"] or "")
        for row in tables["sightings"]
        if row["link"] == "abstract-only"
    )
    return Written(
        rows={
            table: write_rows(rows, place, f"{version}/{table}/part-{number:05d}.parquet", table)
            for table, rows in tables.items()
        },
        unlinked=[(*where, text[:80]) for *where, text in unlinked[:UNLINKED_SHOWN]],
        unlinked_count=len(unlinked),
    )


def write_frame(df: pd.DataFrame, location: str, path: str, table: str) -> int:
    from profileparse.corpus.places import open_place

    return write_rows(df["row"], open_place(location), path, table)

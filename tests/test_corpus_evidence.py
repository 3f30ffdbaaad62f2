"""Names that one dump shows cleanly settle the uncertain inline splits of other dumps:
whichever order the dumps arrive in, reopened from disk, in the whole-set build and on
Dask alike; a record is left as read when no clean name, or more than one reading's,
speaks for it."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import profileparse
from profileparse.corpus import Corpus
from profileparse.corpus.batch import build_tables
from profileparse.corpus.writer import rows_of

# Read inline as "Notes on RoBER" + "TaSean Lee", and flagged ambiguous-split.
TITLE = "Notes on RoBERTa"
INLINE = (
    f"CLJun 3, 2025\n{TITLE}Sean Lee, Bo Chen\n"
    "We probe a masked language model for what its layers store about syntax.\n"
)


def _profile(owner: str, title: str, authors: str) -> str:
    return (
        f"{owner}\n\nCL\nh-index3\n1papers\n10citations\nNovelty50%\nAI Score40\n\n1 Papers\n\n"
        f"CLMay 2, 2025\n{title}\n\n{authors}\n\n"
        "Sorting networks are compared on many inputs, with a new bound on their depth.\n"
    )


# Another paper whose author line shows "Sean Lee" cleanly.
EVIDENCE = _profile("Ana Ruiz", "Depth Bounds for Sorting Networks", "Sean Lee, Ana Ruiz")
# Another still that shows the misread name "TaSean Lee" cleanly: both readings qualify.
RIVAL = _profile("Mia Wong", "Merging Networks Revisited", "TaSean Lee, Mia Wong")


def _inline_rows(c: Corpus) -> list[tuple[str, int, str, str]]:
    return c.db.execute(
        "SELECT s.title, s.repaired, s.title_key, p.title FROM sightings s "
        "JOIN documents d ON d.id = s.document_id JOIN papers p ON p.id = s.paper_id "
        "WHERE d.layout = 'inline'"
    ).fetchall()


def _paper_authors(c: Corpus, title: str) -> list[str]:
    rows = c.db.execute(
        "SELECT a.name FROM authorships x JOIN authors a ON a.id = x.author_id "
        "JOIN papers p ON p.id = x.paper_id WHERE p.title = ? ORDER BY x.position",
        (title,),
    ).fetchall()
    return [name for (name,) in rows]


def _write(folder: Path, texts: dict[str, str]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for name, text in texts.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_the_inline_record_alone_is_misread_and_flagged() -> None:
    doc = profileparse.parse(INLINE, source="inline.txt")
    assert doc.layout == "inline"
    assert doc.papers[0].title == "Notes on RoBER"
    assert [d.code for d in doc.diagnostics] == ["ambiguous-split"]


def test_a_clean_name_elsewhere_re_splits_it_in_any_order(tmp_path: Path) -> None:
    texts = {"inline.txt": INLINE, "evidence.txt": EVIDENCE}
    dumps = []
    for n, order in enumerate(itertools.permutations(texts)):
        with Corpus() as c:
            for name in order:
                c.add(profileparse.parse(texts[name], source=name), key=name)
            assert _inline_rows(c) == [("Notes on RoBER", 1, "notes on roberta", TITLE)]
            assert _paper_authors(c, TITLE) == ["Sean Lee", "Bo Chen"]
            dumps.append(list(c.db.iterdump()))
        # Stored first, the evidence added when the corpus is opened again.
        db = tmp_path / f"c{n}.sqlite"
        for name in order:
            with Corpus(db) as c:
                c.add(profileparse.parse(texts[name], source=name), key=name)
        with Corpus(db) as c:
            dumps.append(list(c.db.iterdump()))
    assert all(dump == dumps[0] for dump in dumps)


def test_without_clean_evidence_the_record_stays_as_read() -> None:
    other = _profile("Ana Ruiz", "Depth Bounds for Sorting Networks", "Ana Ruiz, Bo Chen")
    with Corpus() as c:
        c.add(profileparse.parse(INLINE, source="inline.txt"), key="inline.txt")
        c.add(profileparse.parse(other, source="other.txt"), key="other.txt")
        # "Bo Chen" is clean but is no reading's first author: nothing to decide.
        assert _inline_rows(c) == [("Notes on RoBER", 0, "notes on rober", "Notes on RoBER")]


def _as_read_in_every_order(texts: dict[str, str]) -> None:
    """Whatever order the dumps are added in, the inline record keeps the split it was
    read with, and the corpus is the same."""
    dumps = []
    for order in itertools.permutations(texts):
        with Corpus() as c:
            for name in order:
                c.add(profileparse.parse(texts[name], source=name), key=name)
            assert _inline_rows(c) == [("Notes on RoBER", 0, "notes on rober", "Notes on RoBER")]
            dumps.append(list(c.db.iterdump()))
    assert all(dump == dumps[0] for dump in dumps)


def test_evidence_for_both_readings_leaves_the_record_as_read(tmp_path: Path) -> None:
    texts = {"inline.txt": INLINE, "evidence.txt": EVIDENCE, "rival.txt": RIVAL}
    _as_read_in_every_order(texts)


@pytest.mark.parametrize("names", [["inline.txt", "evidence.txt"], ["inline.txt", "rival.txt"]])
def test_the_whole_set_build_agrees(names: list[str]) -> None:
    texts = {"inline.txt": INLINE, "evidence.txt": EVIDENCE, "rival.txt": RIVAL}
    docs = [profileparse.parse(texts[name], source=name) for name in names]
    with Corpus() as local:
        for doc, name in zip(docs, names, strict=True):
            local.add(doc, key=name)
        tables = build_tables(
            [rows_of(doc, name) for doc, name in zip(docs, names, strict=True)], local.threshold
        )
        assert tables == local.tables()


def test_the_dask_engine_builds_the_same(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    paths = _write(tmp_path / "dumps", {"inline.txt": INLINE, "evidence.txt": EVIDENCE})
    files = [str(p) for p in paths]
    Corpus.build(files, tmp_path / "local.sqlite")
    with distributed.Client(
        processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
    ) as client:
        Corpus.build(files, f"{tmp_path / 'dask'}/", engine="dask", client=client)
    with (
        Corpus(f"{tmp_path / 'dask'}/", readonly=True) as built,
        Corpus(tmp_path / "local.sqlite", readonly=True) as reference,
    ):
        assert _inline_rows(built) == [("Notes on RoBER", 1, "notes on roberta", TITLE)]
        assert built.tables() == reference.tables()


def test_a_split_shown_apart_wins_over_name_evidence() -> None:
    """The inline text exactly as a profile shows it apart (here as misread: "TaSean
    Lee" really is the author) keeps that split, even where a clean "Sean Lee" would
    re-split it, in any order."""
    shown = _profile("Bo Chen", "Notes on RoBER", "TaSean Lee, Bo Chen")
    texts = {"inline.txt": INLINE, "evidence.txt": EVIDENCE, "shown.txt": shown}
    _as_read_in_every_order(texts)
    docs = [profileparse.parse(texts[name], source=name) for name in texts]
    tables = build_tables([rows_of(doc, doc.source or "") for doc in docs], 85.0)
    with Corpus() as local:
        for doc in docs:
            local.add(doc, key=doc.source)
        assert tables == local.tables()

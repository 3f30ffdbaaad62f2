"""The whole-set build (corpus/batch.py, the stages the Dask engine runs) makes the same
tables as the incremental build, on the seeds and on rendered overlapping dumps."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from profileparse.corpus import Corpus
from profileparse.corpus.batch import Components, build_tables
from profileparse.corpus.files import read_dumps
from profileparse.corpus.writer import rows_of
from tests.render import load_records, write_overlapping_dumps
from tests.test_corpus_matching import _inline_dump, _profile_dump


def _rows(paths: list[Path]) -> list:
    return [
        rows_of(doc, key, place=read.place, taken=read.taken)
        for path in paths
        for read in [read_dumps(str(path))]
        for doc, key in read.dumps
    ]


@pytest.mark.parametrize("seed", [101, 202])
def test_the_whole_set_build_equals_the_incremental_build(
    seed: int, seeds: list[Path], tmp_path: Path
) -> None:
    write_overlapping_dumps(tmp_path, 150, load_records(), seed)
    paths = sorted(tmp_path.glob("*.txt")) + seeds
    # Two inline dumps that misread one title the same way, and the profile dump that
    # shows its split: the repair both builds must agree on.
    misread = [
        attrs.evolve(_inline_dump(), source="inline-1.txt"),
        attrs.evolve(_inline_dump(), source="inline-2.txt"),
        _profile_dump(),
    ]
    local = Corpus()
    local.add_files(paths)
    with local.writing():
        for doc in misread:
            local.add(doc, key=doc.source)
    dumps = _rows(paths) + [rows_of(doc, str(doc.source)) for doc in misread]
    tables = build_tables(dumps, local.threshold)
    assert tables == local.tables()
    repaired = sum(row["repaired"] for row in tables["sightings"])
    linked = sum(row["link"] == "abstract" for row in tables["sightings"])
    assert repaired and linked  # the data has repairs and abstract links to agree on


def test_a_dump_given_twice_is_one_document(seeds: list[Path]) -> None:
    tables = build_tables(_rows(seeds + seeds), 85.0)
    assert len(tables["documents"]) == len(seeds)
    with Corpus() as local:
        local.add_files(seeds)
        assert tables == local.tables()


def test_components_take_the_smallest_id() -> None:
    parts = Components()
    parts.union(7, 3)
    parts.union(9, 7)
    parts.union(2, 11)
    assert [parts.find(x) for x in (3, 7, 9, 2, 11, 5)] == [3, 3, 3, 2, 2, 5]

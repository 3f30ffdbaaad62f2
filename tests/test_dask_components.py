"""The Dask build's connected components (``dask_engine._Run.labels``) on links that
take several rounds to settle: long chains whose links are spread over partitions in a
shuffled order, next to the components a union-find gives. The builds in
tests/test_scale_out.py settle in one round, so the rounds are tested here."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

import pytest

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from profileparse.corpus.batch import Components  # noqa: E402
from profileparse.corpus.dask_engine import _Run  # noqa: E402


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with distributed.Client(
        processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None
    ) as client:
        yield client


def _links(seed: int) -> list[tuple[int, int]]:
    """Chains of 3-120 nodes with ids in a random order, a few cross links, and
    duplicates."""
    rng = random.Random(seed)
    ids = rng.sample(range(1, 10**9), 2000)
    links: list[tuple[int, int]] = []
    start = 0
    while start < len(ids) - 3:
        size = rng.randint(3, 120)
        chain = ids[start : start + size]
        links += list(itertools.pairwise(chain))
        start += size
    links += [(ids[rng.randrange(2000)], ids[rng.randrange(2000)]) for _ in range(5)]
    links += rng.sample(links, 50)
    rng.shuffle(links)
    return [(a, b) if rng.random() < 0.5 else (b, a) for a, b in links if a != b]


@pytest.mark.parametrize("seed", [1, 2])
def test_labels_are_the_smallest_node_of_each_component(client: object, seed: int) -> None:
    links = _links(seed)
    frame = pd.DataFrame(links, columns=["a", "b"]).astype("int64")
    run = _Run(client, [], [], "", 85.0, None, False)
    run.partitions = 8
    labels = run.labels(dd.from_pandas(frame, npartitions=8)).compute()

    expected = Components()
    for a, b in links:
        expected.union(a, b)
    got = dict(zip(labels["node"].tolist(), labels["label"].tolist(), strict=True))
    assert got == {node: expected.find(node) for node in expected.parent}
    assert run.result.rounds > 2  # the chains took several rounds

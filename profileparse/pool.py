"""Running one function over many inputs in worker processes, results in input order."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

__all__ = ["ordered_map"]

A = TypeVar("A")
R = TypeVar("R")

#: How often a worker looks whether its parent is still there.
_WATCH_SECONDS = 0.25


def _follow_parent(parent: int) -> None:
    """In a worker: end this process soon after the one that started it dies (killed,
    say), instead of living on as an orphan."""
    import threading

    def watch() -> None:
        import time

        while os.getppid() == parent:
            time.sleep(_WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="profileparse-parent-watch", daemon=True).start()


def _map_chunk(function: Callable[[A], R], chunk: Sequence[A]) -> list[R]:
    return [function(item) for item in chunk]


def ordered_map(function: Callable[[A], R], items: Sequence[A], jobs: int) -> Iterator[R]:
    """``map(function, items)``, in a pool of ``jobs`` processes when that is more than
    one and there are several items. ``function`` must be picklable (module-level).

    Only a few chunks are in flight at a time, so results wait in memory only as long
    as the consumer needs to take them: a slow consumer does not make the whole input's
    results pile up. Workers end by themselves when this process dies."""
    jobs = min(jobs, len(items))
    if jobs <= 1:
        yield from map(function, items)
        return
    from concurrent.futures import Future, ProcessPoolExecutor

    # Chunks big enough to amortise the hand-off, small enough to keep both busy.
    size = max(1, min(16, len(items) // (jobs * 8)))
    chunks = iter([items[i : i + size] for i in range(0, len(items), size)])
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_follow_parent, initargs=(os.getpid(),)
    ) as pool:
        in_flight: deque[Future[list[Any]]] = deque(
            pool.submit(_map_chunk, function, chunk)
            for _, chunk in zip(range(jobs * 2), chunks, strict=False)
        )
        while in_flight:
            results = in_flight.popleft().result()
            following = next(chunks, None)
            if following is not None:
                in_flight.append(pool.submit(_map_chunk, function, following))
            yield from results

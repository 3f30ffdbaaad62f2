"""Adversarial inputs: does parse time grow linearly with size?

Parses each input at 0.5 MB and 1 MB, under automatic detection and under each layout,
and prints the median of several runs and the ratio 1 MB / 0.5 MB (about 2 when linear,
about 4 when quadratic). Run from the repository root:

    .venv/bin/python benchmarks/adversarial.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import profileparse

MB = 1_000_000
META = "CLJun 29, 2023Code"


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


# Each maker returns a text of about ``size`` characters.
INPUTS: dict[str, Callable[[int], str]] = {
    "letters, no newline": lambda n: _fill("abcdefghij", n),
    "'Ab Cd, ' repeated": lambda n: _fill("Ab Cd, ", n),
    "'1,' repeated": lambda n: _fill("1,", n),
    "meta lines glued": lambda n: _fill(META, n),
    "only newlines": lambda n: "\n" * n,
    "only spaces": lambda n: " " * n,
    "record + huge glued line": lambda n: f"{META}\n" + _fill("Ab Cd, ", n) + "\nAbstract.\n",
}
LAYOUTS = (None, "profile", "inline", "abstracts")


def median_time(text: str, layout: str | None, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        profileparse.parse(text, layout=layout)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("| input | layout | 0.5 MB (s) | 1 MB (s) | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for name, make in INPUTS.items():
        half, full = make(MB // 2), make(MB)
        for layout in LAYOUTS:
            t_half = median_time(half, layout, args.runs)
            t_full = median_time(full, layout, args.runs)
            ratio = t_full / t_half if t_half > 0 else float("nan")
            print(f"| {name} | {layout or 'auto'} | {t_half:.3f} | {t_full:.3f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()

"""Start-up time: ``import profileparse`` and ``profileparse --help`` (median of runs),
against a bare ``python -c pass`` in the same run.

    .venv/bin/python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    cli = str(Path(sys.executable).with_name("profileparse"))
    rows = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import profileparse": [sys.executable, "-c", "import profileparse"],
        "profileparse --help": [cli, "--help"],
        "profileparse parse (one seed-sized dump)": [cli, "parse", "examples/profile.txt"],
    }
    base = median_seconds(rows["python -c pass"], args.runs)
    print("| command | median (ms) | over bare python (ms) |")
    print("| --- | --- | --- |")
    for name, command in rows.items():
        t = median_seconds(command, args.runs)
        print(f"| {name} | {t * 1000:.0f} | {(t - base) * 1000:.0f} |")


if __name__ == "__main__":
    main()

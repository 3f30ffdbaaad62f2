"""Speedup of ``profileparse parse --jobs N`` on many small dumps.

Writes 1,000 dumps of 10 papers each (all three layouts, rendered from real records) and
times ``profileparse parse DIR -f jsonl`` with --jobs 1 and --jobs N (median of runs).

    .venv/bin/python benchmarks/parallel.py [--files 1000] [--jobs 2] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.records import all_records  # noqa: E402
from tests.render import RENDERERS, Variations  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    records = all_records()
    rng = random.Random(0)
    cli = str(Path(sys.executable).with_name("profileparse"))
    with tempfile.TemporaryDirectory() as tmp:
        layouts = list(RENDERERS)
        for i in range(args.files):
            chunk = rng.sample(records, 10)
            layout = layouts[i % 3]
            text = RENDERERS[layout](chunk, rng, Variations()).text
            Path(tmp, f"dump{i:05d}.txt").write_text(text, encoding="utf-8")
        size = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
        timings = {}
        for jobs in (1, args.jobs):
            runs = []
            for _ in range(args.runs):
                start = time.perf_counter()
                subprocess.run(
                    [cli, "parse", tmp, "-f", "jsonl", "-q", "-j", str(jobs)],
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
                runs.append(time.perf_counter() - start)
            timings[jobs] = statistics.median(runs)
    print(f"{args.files} dumps, {size:.1f} MB, {os.cpu_count()} cores\n")
    print("| --jobs | seconds (median) | speedup |")
    print("| --- | --- | --- |")
    for jobs, seconds in timings.items():
        print(f"| {jobs} | {seconds:.2f} | {timings[1] / seconds:.2f}x |")


if __name__ == "__main__":
    main()

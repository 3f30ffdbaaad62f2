"""Corpus build at scale: time, memory and matching quality on overlapping dumps.

Renders N dumps (10-40 papers each, drawn from a shared pool of real arXiv records, so
papers recur across dumps; 60% profile, 25% inline, 15% abstracts layout) with known
truth: which real paper each record is. 5% of sightings carry a revised abstract (small
edits, as arXiv v2 abstracts have) and 1% are namesakes (another paper under the same
title, with other authors and abstract). Then builds each folder with
``profileparse corpus DIR -o DB`` in a fresh process and reports seconds, dumps/s, the
building process's peak RSS, and quality: same-paper pair precision and recall over
titled records, and the share of abstract-only records linked right (left unlinked when
their paper never appears with a title).

    .venv/bin/python benchmarks/corpus.py [--dumps 100 800 1000 10000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.records import all_records  # noqa: E402
from tests.render import corpus_quality, write_overlapping_dumps  # noqa: E402


def build(folder: Path, db: Path, jobs: int) -> dict[str, float]:
    """Build in a fresh process; its wall time and peak RSS (VmHWM)."""
    script = (
        "import sys\n"
        "from benchmarks.memory import peak_kb\n"
        "from profileparse.cli import main\n"
        "try:\n"
        f"    main(['corpus', {str(folder)!r}, '-o', {str(db)!r}, '-j', '{jobs}'])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "print(peak_kb(), file=sys.stderr)\n"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    lines = done.stderr.strip().splitlines()
    if not lines or not lines[-1].isdigit():
        raise RuntimeError(f"the build failed:\n{done.stderr[-2000:]}")
    return {"seconds": seconds, "peak_mb": int(lines[-1]) / 1024, "summary": lines[-2]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dumps", type=int, nargs="+", default=[100, 800, 1000, 10000])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    records = all_records()
    results = []
    for n in args.dumps:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp, "dumps")
            folder.mkdir()
            write_overlapping_dumps(folder, n, records, args.seed + n)
            size = sum(p.stat().st_size for p in folder.glob("*.txt")) / 1e6
            truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
            db = Path(tmp, "corpus.sqlite")
            run = build(folder, db, args.jobs)
            scores = corpus_quality(db, truth)
        result = {"dumps": n, "mb": size, **run, **scores, "per_s": n / run["seconds"]}
        results.append(result)
        print(json.dumps(result), file=sys.stderr)
    if args.markdown:
        print(
            "| dumps | MB | seconds | dumps/s | peak RSS | pair precision | pair recall "
            "| abstract-only linked right |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in results:
            print(
                f"| {r['dumps']:,} | {r['mb']:.0f} | {r['seconds']:.1f} | {r['per_s']:.0f} "
                f"| {r['peak_mb']:.0f} MB | {r['precision']:.4f} | {r['recall']:.4f} "
                f"| {r['abstracts_linked_right']:.4f} |"
            )


if __name__ == "__main__":
    main()

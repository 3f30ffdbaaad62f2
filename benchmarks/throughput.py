"""Throughput and memory: profileparse.parse against a plain-regex reference, same run.

Renders dumps of 1, 10 and 100 MB per layout from real arXiv records (the full sample
in ../shared/data when it is there, else tests/data/arxiv-slice.jsonl), then times
profileparse.parse (to the attrs model) and benchmarks/regex_reference.py on each,
every run in a fresh process (so peak memory is that run's own: the process's peak
resident memory, which includes the dump text itself). Prints a Markdown table of
medians: MB/s, records/s, time ratio to the reference, peak RSS. Run from the
repository root:

    .venv/bin/python benchmarks/throughput.py [--sizes 1 10 100] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.records import all_records  # noqa: E402
from tests.render import RENDERERS, Variations  # noqa: E402

CHILD = r"""
import json, sys, time
from benchmarks.memory import peak_kb

path, layout, which = sys.argv[1:4]
text = open(path, encoding="utf-8").read()
base = peak_kb()
if which == "regex":
    from benchmarks.regex_reference import parse
    start = time.perf_counter()
    records = len(parse(text, layout))
    elapsed = time.perf_counter() - start
else:
    import profileparse
    profileparse.parse("Abstract: warm-up\n", layout="abstracts")  # build the parsers first
    start = time.perf_counter()
    records = len(profileparse.parse(text, layout=layout).papers)
    elapsed = time.perf_counter() - start
peak = peak_kb()
print(json.dumps({"seconds": elapsed, "records": records, "peak_kb": peak, "base_kb": base}))
"""


PARSERS = ["regex", "profileparse"]


def render(layout: str, megabytes: int, folder: Path) -> Path:
    records = all_records()
    rng = random.Random(megabytes)
    parts, size = [], 0
    while size < megabytes * 1_000_000:
        rng.shuffle(records)
        text = RENDERERS[layout](records, rng, Variations()).text + "\n"
        parts.append(text)
        size += len(text.encode("utf-8"))
    if layout == "profile":  # one profile: keep the first header only
        body = "".join(parts)
        text = body[: megabytes * 1_000_000]
        text = text[: text.rfind("\n\n") + 1]
    else:
        text = "".join(parts)[: megabytes * 1_000_000]
        text = text[: text.rfind("\n") + 1]
    path = folder / f"{layout}-{megabytes}mb.txt"
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path, layout: str, which: str) -> dict[str, float]:
    env = dict(os.environ)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), layout, which],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--layouts", nargs="+", default=["profile", "inline", "abstracts"])
    args = parser.parse_args()
    print("| layout | size | parser | MB/s | records/s | time ratio | peak RSS (MB) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for layout in args.layouts:
            for mb in args.sizes:
                path = render(layout, mb, Path(tmp))
                size = path.stat().st_size / 1_000_000
                results = {}
                for which in PARSERS:
                    runs = [run(path, layout, which) for _ in range(args.runs)]
                    results[which] = {
                        "seconds": statistics.median(r["seconds"] for r in runs),
                        "records": runs[0]["records"],
                        "peak": statistics.median(r["peak_kb"] for r in runs) / 1024,
                    }
                ref = results["regex"]["seconds"]
                for which, r in results.items():
                    print(
                        f"| {layout} | {mb} MB | {which} | {size / r['seconds']:.1f} | "
                        f"{r['records'] / r['seconds']:,.0f} | {r['seconds'] / ref:.2f} | "
                        f"{r['peak']:.0f} |",
                        flush=True,
                    )


if __name__ == "__main__":
    main()

"""Run every benchmark once, in sequence, and write docs/performance.md from that run.

.venv/bin/python benchmarks/report.py        # about fifteen minutes on 2 cores
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(script: str, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, f"benchmarks/{script}", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return out.stdout.strip()


def main() -> None:
    throughput = run("throughput.py", "--sizes", "1", "10", "100", "--runs", "3")
    streaming = run("streaming_memory.py", "--sizes", "50", "100", "200")
    parallel = run("parallel.py", "--files", "1000", "--runs", "3")
    startup = run("startup.py", "--runs", "15")
    limit = run("limit.py", "--runs", "3")
    corpus = run("corpus.py", "--dumps", "100", "800", "1000", "10000", "--markdown")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    page = f"""# Performance

All figures below come from one run of `.venv/bin/python benchmarks/report.py` on
{datetime.date.today().isoformat()} ({machine}). Times are medians of several runs, each in
a fresh process. Ratios compare against the baseline measured in the same run.

## Throughput against a plain-regex reference

`benchmarks/throughput.py` renders dumps of 1, 10 and 100 MB per layout from
`../shared/data/arxiv-sample.jsonl`. It times `profileparse.parse`, which builds the
attrs model, and `benchmarks/regex_reference.py`, a plain-regex parser written only for
this comparison. The reference reads the same fields, but it has no diagnostics, no
recovery and no validation, and its inline title/author split is naive.
"pure" is the default install. "fast" adds the `profileparse[fast]` extra (lark-cython),
which gives identical results (`tests/test_fast.py`).
"time ratio" is profileparse's time divided by the reference's. Peak RSS includes the
dump text held in memory.

{throughput}

Targets (profile layout): the default install within 6x of the reference, the fast
extra within 4x. Most of profileparse's time is now per-record Python (building validated
attrs objects, reading author lists) rather than Lark. That is why lark-cython adds
little, and why the inline layout, where the title/author boundary is scored per record,
is slower.

## Streaming: memory flat in the file's size

`profileparse.iter_papers(path)` parses about 1 MB at a time, cut at record boundaries,
and yields each paper as it completes. `profileparse parse FILE -f jsonl` streams the
same way for files of 16 MB or more (`benchmarks/streaming_memory.py`; peak RSS of the
whole process):

{streaming}

## Many files: `--jobs`

`benchmarks/parallel.py` runs `profileparse parse DIR -f jsonl` over 1,000 small dumps
with `--jobs 1` and with one process per core:

{parallel}

## Against the pure-Python limit

`benchmarks/limit.py` times `profileparse.parse` and `../shared/bench/regex_limit.py` on
the same clean dump of about 20 MB per layout, in the same process, medians of 3:

{limit}

## Corpus build

`benchmarks/corpus.py` renders folders of overlapping dumps from real records (10-40
papers each from a shared pool; 60% profile, 25% inline, 15% abstracts; 5% of
sightings with a revised abstract, 1% namesakes) with known truth, and builds each with
`profileparse corpus DIR -o DB` (one process per core) in a fresh process. Peak RSS is
the building process's (each parsing worker adds about 60 MB). Quality: same-paper pair
precision and recall over titled records, and the share of abstract-only records linked
to the right paper (or left unlinked when their paper never shows with a title).

{corpus}

## Start-up

Imports are lazy: `import profileparse` loads nothing until a name is used, `--help`
loads neither lark nor attrs nor the plugins, and `parse` loads neither cattrs nor
importlib.metadata unless a plugin is installed (`benchmarks/startup.py` with this run's
interpreter; medians of 15 against a bare `python -c pass` of the same run):

{startup}
"""
    (ROOT / "docs" / "performance.md").write_text(page, encoding="utf-8")
    print(page)


if __name__ == "__main__":
    main()

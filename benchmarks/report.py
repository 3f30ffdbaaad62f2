"""Run every benchmark once, in sequence, and write docs/performance.md from that run.

    .venv/bin/python benchmarks/report.py [--startup-python PYTHON]

About fifteen minutes on 2 cores. Start-up is timed with ``--startup-python`` (the
interpreter of a default install, e.g. ``/tmp/pure/bin/python`` after
``python3 -m venv /tmp/pure && /tmp/pure/bin/pip install .``; this one by default),.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(script: str, *args: str, python: str = sys.executable, **env: str) -> str:
    out = subprocess.run(
        [python, f"benchmarks/{script}", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, **env},
    )
    return out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--startup-python", default=sys.executable)
    args = parser.parse_args()
    throughput = run("throughput.py", "--sizes", "1", "10", "100", "--runs", "3")
    streaming = run("streaming_memory.py", "--sizes", "50", "100", "200")
    parallel = run("parallel.py", "--files", "1000", "--runs", "3")
    startup = run("startup.py", "--runs", "15", python=args.startup_python)
    limit = run("limit.py", "--runs", "3")
    cold = run("limit.py", "--cold", "--runs", "3")
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
"time ratio" is profileparse's time divided by the reference's. Peak RSS includes the
dump text held in memory.

{throughput}

The record engine (see the limit section below) reads the built-in layouts without
Lark's parser; the inline layout, where the title/author boundary is scored per record,
is the slowest. The reference here is
itself about 3.5 times slower than the limit below.

## Large files: streamed, or a piece at a time

`profileparse.iter_papers(path)` parses about 1 MB at a time, cut at record boundaries,
and yields each paper as it completes. `profileparse parse FILE -f jsonl` streams the
same way for files of 16 MB or more. `profileparse.parse_file` returns the whole
document, but reads a UTF-8 file of more than 1 MB a piece (512 KB) at a time
(`profileparse.pieces`): only the model and one piece are in memory, never the whole
text, which takes two bytes a character as soon as one character is past U+00FF. The
document is the one the whole text gives (`tests/test_pieces.py`); a file that needs the
whole text (bytes that do not decode, several dumps, `strict` with an error) is read
whole. `benchmarks/streaming_memory.py` (peak RSS of the whole process, a fresh one
each):

{streaming}

## Many files: `--jobs`

`benchmarks/parallel.py` runs `profileparse parse DIR -f jsonl` over 1,000 small dumps
with `--jobs 1` and with one process per core:

{parallel}

## Against the pure-Python limit

`benchmarks/limit.py` times `profileparse.parse` and `../shared/bench/regex_limit.py` (one
compiled regex pass per layout that builds the same fields as dicts, with no
diagnostics, no recovery, no line numbers and a naive inline split) on the same clean
dump of about 20 MB per layout rendered from real records, in the same process, medians
of 3, and checks that both read the same number of records:

{limit}

**Names never met.** The table above parses a dump whose 13,547 records are drawn, with
repeats, from the 9,288 of the sample, so from the second record of a name on the name
scoring's caches answer (`names.name_cost` and a word's cost, LRUs of 65,536).
`benchmarks/limit.py
--cold` renders each record once (about 14 MB a layout) and times each run in a fresh
process, after a first record that loads the imports and the grammar; both sides the
same way. Medians of 3:

{cold}

The inline layout is where the caches matter: a name not met before is scored word by
word. `split_glued` scores the cheapest readings first (by the names after the first and
how many they are), the shortest first name of each first, and stops scoring a reading
as soon as its words cost enough that it cannot come within `MARGIN` of the best
(`names.name_cost_below`): the best reading, whether it is confident, and the next best
when it is not are those of scoring every reading in full (`tests/test_names.py` holds
the search to the exhaustive one). A word's cost is kept by whether it is first or last
in the name (all its place changes), so the readings of one line share their words.

The built-in layouts are read by the core's record engine (`profileparse/engine.py`,
from each layout's `Layout.records`), not by Lark's parser. A regular record (its opener
and exactly the layout's number of line tokens, matched with the grammar's own
terminals) goes straight to the layout's builder; any other record goes to the
transformer's own `record` rule, so one damaged record does not slow the rest
(`tests/test_engine.py` holds the engine equal to Lark's parse on seeds, rendered,
damaged and random text). Before a layout runs, nothing copies the whole text:
`normalise` returns a normal text as it is. The layout reads first; when every record
is regular, dump starts are looked for only in the text's lead (its head and first two
records) and glued ones (a dump begun mid-line) in one `str.find` pass over the colons,
and trailing white space past the first 64 KB, which cannot change such a reading, is
not looked for line end by line end. A record of the regular shape that its builder
declines (an uncertain inline split, which needs a warning) goes to the `record` rule
and keeps the shortcut. While a dump's model is built the garbage collector is paused,
and what was made goes straight to its oldest generation when it resumes (the model is
long-lived: the young collection the paused allocations would set off at once would go
over every object and free none); dates and categories are shared, and records are made
with `trusted_paper`. What is left is per-record Python: the paper objects, the author
lists, and for the inline layout the name scoring.

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

`import profileparse` loads nothing until a name is used, and `--help` loads neither
lark nor attrs nor the plugins. `parse` of a regular dump loads no Lark at all: the
fast paths read the grammars' terminals, which Lark compiles once and profileparse keeps
in `~/.cache/profileparse` (`$XDG_CACHE_HOME`) with the text of the grammar files they
came from (an edited grammar is compiled again). Nor does it load importlib.metadata
unless an installed distribution declares plugins, cattrs (only `from_data` needs it),
pathlib, statistics or calendar; pluggy passes over the built-in plugins' other names.
`tests/test_cli.py` checks that these stay out. At exit a command freezes its objects
out of the garbage collector's last run over everything the interpreter holds (about a
tenth of a short command's time). What `parse` spends now is mostly its dependencies:
the row `import click, attrs, pluggy, json` below is what importing them alone costs
(click about 30 ms with the stdlib it loads: typing, inspect, uuid, datetime); then the
model's attrs classes (a few ms to build), the plugins' modules and their patterns,
and parsing the dump, a few milliseconds.
`benchmarks/startup.py` runs the commands in turn, run after run, outside the checkout
with plugin autoload on, each one's median of 15 against a bare `python -c pass` of the
same run, with the interpreter of a default install (no `fast` extra):

{startup}
"""
    (ROOT / "docs" / "performance.md").write_text(page, encoding="utf-8")
    print(page)


if __name__ == "__main__":
    main()

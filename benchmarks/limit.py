"""profileparse against the pure-Python speed limit, in the same process.

The limit is ``../shared/bench/regex_limit.py``: one compiled regex pass per layout that
builds the same fields as dicts, with no diagnostics, no recovery, no line numbers and a
naive inline split. This renders a clean dump of about ``--mb`` MB per layout from real
records (LF line ends, no BOM, no variations), times ``profileparse.parse`` and the
limit on the same text in this one process (median of ``--runs``), checks that both
find the same number of records, and prints a Markdown table with the time ratio.

``--cold`` measures names never met instead: the dump holds each record once (the
sample's 9,288 records, about 14 MB a layout), and every run of either side is a fresh
process that parses the text once (after its first record, which loads the imports
and the grammar), so no cache carries a name from one run to the next.

    .venv/bin/python benchmarks/limit.py [--mb 20] [--runs 3] [--cold]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import profileparse  # noqa: E402
from benchmarks.records import all_records  # noqa: E402
from tests.render import RENDERERS, Variations  # noqa: E402

LIMIT = ROOT.parent / "shared" / "bench" / "regex_limit.py"


def _limit() -> ModuleType:
    if not LIMIT.is_file():
        raise SystemExit(f"needs {LIMIT} (the shared folder beside the checkout)")
    spec = importlib.util.spec_from_file_location("regex_limit", LIMIT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def clean_dump(layout: str, megabytes: float, seed: int = 1) -> str:
    """One clean dump of about ``megabytes`` MB in ``layout``, from real records."""
    records = all_records()
    rng = random.Random(seed)
    chosen: list[dict[str, object]] = []
    size = 0
    while size < megabytes * 1e6:
        record = rng.choice(records)
        chosen.append(record)
        size += len(str(record["title"])) + len(str(record["abstract"])) + 80
    text = RENDERERS[layout](chosen, rng, Variations()).text
    return text if text.endswith("\n") else text + "\n"


def unique_dump(layout: str, seed: int = 1) -> str:
    """A clean dump in ``layout`` holding each record of the sample once."""
    records = list(all_records())
    rng = random.Random(seed)
    rng.shuffle(records)
    text = RENDERERS[layout](records, rng, Variations()).text
    return text if text.endswith("\n") else text + "\n"


#: One timed parse in a fresh process: ``ours`` or ``limit``, a layout, a file.
_ONE_RUN = """
import gc, sys, time, importlib.util
side, layout, path, limit = sys.argv[1:]
text = open(path, encoding="utf-8").read()
if side == "ours":
    import profileparse
    parse = lambda t: profileparse.parse(t, layout=layout)
else:
    spec = importlib.util.spec_from_file_location("regex_limit", limit)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    parse = module.PARSERS[layout]
# Imports, the registry and the grammar loaded by a first record, so the run times the
# parse and not the start-up; its names are then the only ones met before.
parse(text[: text.index("\\n", 3000) + 1])
gc.collect()
start = time.perf_counter()
result = parse(text)
elapsed = time.perf_counter() - start
print(elapsed, len(result.papers if hasattr(result, "papers") else result["papers"]))
"""


def _median_cold(side: str, layout: str, path: str, runs: int) -> tuple[float, int]:
    times = []
    count = 0
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", _ONE_RUN, side, layout, path, str(LIMIT)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        seconds, found = done.stdout.split()
        times.append(float(seconds))
        count = int(found)
    return statistics.median(times), count


def _seconds(function: object, text: str) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    result = function(text)  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    return elapsed, len(result.papers if hasattr(result, "papers") else result["papers"])


def _paired_medians(
    ours: object, theirs: object, text: str, runs: int
) -> tuple[tuple[float, int], tuple[float, int]]:
    """Each side's median time and record count, the runs taken in turn (ours, then
    the limit's) so that a slow spell of the machine falls on both."""
    timed: tuple[list[float], list[float]] = ([], [])
    counts = [0, 0]
    for _ in range(runs):
        for side, function in enumerate((ours, theirs)):
            seconds, counts[side] = _seconds(function, text)
            timed[side].append(seconds)
    return (
        (statistics.median(timed[0]), counts[0]),
        (statistics.median(timed[1]), counts[1]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="names never met (see above)")
    args = parser.parse_args()
    limit = _limit()
    rows = []
    for layout in ("profile", "inline", "abstracts"):
        text = unique_dump(layout) if args.cold else clean_dump(layout, args.mb)
        megabytes = len(text.encode("utf-8")) / 1e6
        if args.cold:
            with tempfile.TemporaryDirectory() as folder:
                path = str(Path(folder, f"{layout}.txt"))
                Path(path).write_text(text, encoding="utf-8")
                ours, ours_count = _median_cold("ours", layout, path, args.runs)
                theirs, their_count = _median_cold("limit", layout, path, args.runs)
        else:
            (ours, ours_count), (theirs, their_count) = _paired_medians(
                lambda t, layout=layout: profileparse.parse(t, layout=layout),
                limit.PARSERS[layout],
                text,
                args.runs,
            )
        if ours_count != their_count:
            raise SystemExit(f"{layout}: profileparse read {ours_count}, the limit {their_count}")
        rows.append(
            (layout, megabytes, ours_count, megabytes / ours, megabytes / theirs, ours / theirs)
        )
    print("| layout | size | records | profileparse | limit | time ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for layout, megabytes, count, ours_rate, limit_rate, ratio in rows:
        print(
            f"| {layout} | {megabytes:.1f} MB | {count:,} | {ours_rate:.1f} MB/s "
            f"| {limit_rate:.1f} MB/s | {ratio:.1f}x |"
        )


if __name__ == "__main__":
    main()

"""profileparse against the pure-Python speed limit, in the same process.

The limit is ``../shared/bench/regex_limit.py``: one compiled regex pass per layout that
builds the same fields as dicts, with no diagnostics, no recovery, no line numbers and a
naive inline split. This renders a clean dump of about ``--mb`` MB per layout from real
records (LF line ends, no BOM, no variations), times ``profileparse.parse`` and the
limit on the same text in this one process (median of ``--runs``), checks that both
find the same number of records, and prints a Markdown table with the time ratio.

    .venv/bin/python benchmarks/limit.py [--mb 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import random
import statistics
import sys
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


def _median_seconds(function: object, text: str, runs: int) -> tuple[float, int]:
    times = []
    count = 0
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = function(text)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
        count = len(result.papers if hasattr(result, "papers") else result["papers"])
        del result
    return statistics.median(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    limit = _limit()
    rows = []
    for layout in ("profile", "inline", "abstracts"):
        text = clean_dump(layout, args.mb)
        megabytes = len(text.encode("utf-8")) / 1e6
        ours, ours_count = _median_seconds(
            lambda t, layout=layout: profileparse.parse(t, layout=layout), text, args.runs
        )
        theirs, their_count = _median_seconds(limit.PARSERS[layout], text, args.runs)
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

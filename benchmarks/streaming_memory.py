"""Peak memory of reading a large dump: streamed, flat in the size of the file; whole,
a small multiple of it.

Renders profile dumps of 50, 100 and 200 MB, then in a fresh process each (a) iterates
profileparse.iter_papers over the file, (b) runs ``profileparse parse FILE -f jsonl``
to /dev/null, (c) calls ``profileparse.parse_file`` (which reads a big file a piece at a
time) and (d) the same with the whole text at once, and reports the process's peak
resident memory (VmHWM), that peak over the file's size, and the time.

    .venv/bin/python benchmarks/streaming_memory.py [--sizes 50 100 200]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.records import all_records  # noqa: E402
from tests.render import Variations, render_profile  # noqa: E402

CHILD = r"""
import json, sys, time, contextlib, os
from benchmarks.memory import peak_kb

path, mode = sys.argv[1:3]
start = time.perf_counter()
if mode == "iter_papers":
    import profileparse
    count = sum(1 for _ in profileparse.iter_papers(path))
elif mode.startswith("parse_file"):
    import profileparse
    from profileparse import pieces
    if "whole" in mode:
        pieces.PIECE_BYTES = 1 << 62  # never in pieces
    count = len(profileparse.parse_file(path).papers)
else:
    from profileparse.cli import main
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        try:
            main(["parse", path, "-f", "jsonl", "-q"])
        except SystemExit:
            pass
    count = -1
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "peak_mb": peak_kb() / 1024, "papers": count}))
"""


def render(megabytes: int, path: Path) -> None:
    records = all_records()
    rng = random.Random(megabytes)
    with path.open("w", encoding="utf-8") as out:
        written = 0
        first = True
        while written < megabytes * 1_000_000:
            text = render_profile(records, rng, Variations()).text
            if not first:  # one header only: the rest is records
                text = text[text.index("\n\n", text.index(" Papers")) + 2 :]
            out.write(text + "\n\n")
            written += len(text.encode("utf-8")) + 2
            first = False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200])
    args = parser.parse_args()
    print("| file | how | seconds | peak RSS (MB) | peak / file size |")
    print("| --- | --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for mb in args.sizes:
            path = Path(tmp) / f"profile-{mb}mb.txt"
            render(mb, path)
            size = path.stat().st_size / 1_000_000
            modes = ("iter_papers", "cli -f jsonl", "parse_file", "parse_file (whole text)")
            for mode in modes:
                out = subprocess.run(
                    [sys.executable, "-c", CHILD, str(path), mode],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=ROOT,
                )
                r = json.loads(out.stdout)
                peak = r["peak_mb"] * 1024 * 1024 / path.stat().st_size
                print(
                    f"| {size:.0f} MB | {mode} | {r['seconds']:.1f} | {r['peak_mb']:.0f} "
                    f"| {peak:.1f}x |",
                    flush=True,
                )


if __name__ == "__main__":
    main()

"""The corpus build on Dask next to the local build, in the same run.

Renders N overlapping dumps (``tests/render.py``, as ``benchmarks/corpus.py`` does) and
builds each folder twice as fresh processes into a Parquet corpus: with the local
engine (``-j WORKERS``) and with ``--engine dask --workers WORKERS --memory-limit SIZE``
(a local cluster, started inside the timed command). Reports both times, their ratio,
whether the two exports are identical, whether Dask restarted or lost a worker (its
log lines on stderr), and the largest resident memory of any Dask worker process and
of the process that drives the build (sampled every 0.2 s).

    .venv/bin/python benchmarks/scale_out.py [--dumps 1000 2000 10000] [--workers 2]
        [--memory-limit 1GB] [--markdown]
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
from tests.render import write_overlapping_dumps  # noqa: E402

#: What Dask's nanny logs when it restarts a worker, or the scheduler gives up on one.
RESTARTS = ("Restarting worker", "KilledWorker", "Worker process", "exceeded 95% memory")


def run(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "profileparse", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    return time.perf_counter() - start, done


def run_watched(*args: str) -> tuple[float, subprocess.CompletedProcess[str], int, int]:
    """:func:`run`, and the peak resident MB of the command and of its largest child
    process (a Dask worker)."""
    import psutil

    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "profileparse", *args], stdout=out, stderr=err, cwd=ROOT
        )
        parent = psutil.Process(process.pid)
        driver = worker = 0
        while process.poll() is None:
            try:
                driver = max(driver, parent.memory_info().rss)
                for child in parent.children(recursive=True):
                    worker = max(worker, child.memory_info().rss)
            except psutil.Error:
                pass
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(process.args, process.returncode, out.read(), err.read())
    return elapsed, done, driver >> 20, worker >> 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dumps", type=int, nargs="+", default=[1000, 2000, 10000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    records = all_records()
    results = []
    for n in args.dumps:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp, "dumps")
            folder.mkdir()
            write_overlapping_dumps(folder, n, records, args.seed + n)
            (folder / "truth.json").unlink()
            size = sum(p.stat().st_size for p in folder.glob("*.txt")) / 1e6
            local, local_run = run(
                "corpus",
                "build",
                str(folder),
                "-o",
                f"{tmp}/local/corpus/",
                "-j",
                str(args.workers),
            )
            dask, dask_run, driver_mb, worker_mb = run_watched(
                "corpus",
                "build",
                str(folder),
                "-o",
                f"{tmp}/dask/corpus/",
                "--engine",
                "dask",
                "--workers",
                str(args.workers),
                "--memory-limit",
                args.memory_limit,
            )
            exports = [
                run("corpus", "export", f"{tmp}/{engine}/corpus/", "-f", "jsonl")[1]
                for engine in ("local", "dask")
            ]
        restarts = [
            line for line in dask_run.stderr.splitlines() if any(r in line for r in RESTARTS)
        ]
        result = {
            "dumps": n,
            "mb": round(size, 1),
            "local_s": round(local, 1),
            "dask_s": round(dask, 1),
            "ratio": round(dask / local, 2),
            "exit": [local_run.returncode, dask_run.returncode],
            "identical": exports[0].returncode == 0 and exports[0].stdout == exports[1].stdout,
            "worker_restarts": len(restarts),
            "peak_worker_mb": worker_mb,
            "peak_driver_mb": driver_mb,
        }
        results.append(result)
        print(json.dumps(result), file=sys.stderr)
        if dask_run.returncode not in (0, 1):
            print(dask_run.stderr[-3000:], file=sys.stderr)
    if args.markdown:
        print(
            f"| dumps | MB | local (-j {args.workers}) | dask ({args.workers} workers, "
            f"{args.memory_limit} each) | ratio | exports identical | worker restarts "
            "| peak worker MiB | peak driver MiB |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: |")
        for r in results:
            print(
                f"| {r['dumps']:,} | {r['mb']:.0f} | {r['local_s']:.1f} s | {r['dask_s']:.1f} s "
                f"| {r['ratio']:.2f}x | {'yes' if r['identical'] else 'NO'} "
                f"| {r['worker_restarts']} | {r['peak_worker_mb']} | {r['peak_driver_mb']} |"
            )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()

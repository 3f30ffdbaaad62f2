"""Start-up time: ``import profileparse``, ``profileparse --help`` and ``profileparse parse``
of one seed-sized dump (JSON to stdout), against a bare ``python -c pass``.

The commands take turns, run after run, so the machine's noise falls on all of them
alike; each figure is the median of ``--runs``. They run outside the checkout (so
``import profileparse`` is the installed package) with plugin autoload on, as a user's
would, with bytecode written and read (``PYTHONDONTWRITEBYTECODE`` is dropped, and each
command runs once before the timed rounds). Run it with the interpreter of the install
to measure: the default install has no ``fast`` extra.

    .venv/bin/python benchmarks/startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "profile.txt"


def commands() -> dict[str, list[str]]:
    cli = str(Path(sys.executable).with_name("profileparse"))
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import profileparse": [sys.executable, "-c", "import profileparse"],
        "import click, attrs, pluggy, json": [
            sys.executable,
            "-c",
            "import click, attrs, pluggy, json",
        ],
        "profileparse --help": [cli, "--help"],
        "profileparse parse (one seed-sized dump)": [cli, "parse", str(SEED)],
    }


def median_seconds(rows: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Each command's median wall time over ``runs`` rounds of all the commands."""
    env = dict(os.environ)
    env.pop("PROFILEPARSE_DISABLE_PLUGIN_AUTOLOAD", None)
    # As a user's Python runs: modules compiled once and read from their bytecode after.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for command in rows.values():
        subprocess.run(
            command, check=True, stdout=subprocess.DEVNULL, cwd=tempfile.gettempdir(), env=env
        )
    times: dict[str, list[float]] = {name: [] for name in rows}
    for _ in range(runs):
        for name, command in rows.items():
            start = time.perf_counter()
            subprocess.run(
                command, check=True, stdout=subprocess.DEVNULL, cwd=tempfile.gettempdir(), env=env
            )
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    medians = median_seconds(commands(), args.runs)
    base = medians["python -c pass"]
    print("| command | median (ms) | over bare python (ms) |")
    print("| --- | ---: | ---: |")
    for name, seconds in medians.items():
        print(f"| {name} | {seconds * 1000:.0f} | {(seconds - base) * 1000:.0f} |")


if __name__ == "__main__":
    main()

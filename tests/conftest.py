from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from profileparse import Document
from tests.render import DATA

pytest_plugins = ["pytester"]

# The project's tests see the built-in plugins only, whatever else is installed; the
# tests of third-party plugins clear this for the processes they start.
os.environ["PROFILEPARSE_DISABLE_PLUGIN_AUTOLOAD"] = "1"

SEEDS = DATA / "seeds"
#: Seed 000's header lists 16 papers and 15 follow: a record lost in the copy is an error,
#: so a command over every seed writes everything, lists that dump and exits 1.
EVERY_SEED_EXIT = 1
EXPECTED = DATA / "expected"
HERE = Path(__file__).resolve().parent


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    paths = seed_paths()
    assert paths, f"no seeds found in {SEEDS}"
    return paths


def lines_of(text: str) -> list[str]:
    """Lines the way the parser counts them: \\r\\n, \\r and \\n end a line."""
    text = text.removeprefix("\ufeff")
    return re.split(r"\r\n|\r|\n", text)


def unaccounted(doc: Document, text: str) -> list[int]:
    spans = [p.span for p in doc.papers if p.span is not None]
    if doc.profile is not None and doc.profile.span is not None:
        spans.append(doc.profile.span)
    lost = []
    for number, line in enumerate(lines_of(text), start=1):
        if (
            line.strip()
            and not any(number in s for s in spans)
            and not any(d.line <= number <= d.end_line for d in doc.diagnostics)
        ):
            lost.append(number)
    return lost


def install_distribution(site: Path, name: str, version: str, entry: str, module: str) -> None:
    """Lay out the metadata ``pip install NAME`` leaves in site-packages: a dist-info
    whose entry point ``entry`` in the ``profileparse`` group names ``module`` (already
    in ``site``)."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[profileparse]\n{entry} = {module}\n", encoding="utf-8"
    )


def plugin_env(site: Path) -> dict[str, str]:
    """The environment for a process that should load the plugins installed in ``site``."""
    env = dict(os.environ, PYTHONPATH=str(site))
    env.pop("PROFILEPARSE_DISABLE_PLUGIN_AUTOLOAD", None)
    return env


def invoke(*args: str) -> Result:
    """The command line in this process; it may exit 0, 1 or 2, never with a traceback."""
    from profileparse.cli import main

    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def run_profileparse(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line in a process of its own, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "profileparse", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

"""A third-party format plugin, made known the way a pip-installed package is: an entry
point in the ``profileparse`` group of its distribution's metadata."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import install_distribution, plugin_env

PLUGIN = """
import profileparse


def dump(document, **options):
    sep = options.get("sep", "\\n")
    return sep.join(p.title or "" for p in document.papers) + "\\n"


@profileparse.hookimpl
def register_formats(register):
    register(profileparse.Format(name="titles", suffix=".txt",
                                 description="one title a line", dump=dump))
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder laid out like site-packages after ``pip install titles-plugin``."""
    (tmp_path / "titles_plugin.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    install_distribution(tmp_path, "titles-plugin", "1.2", "titles", "titles_plugin")
    return tmp_path


def _run(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = plugin_env(site)
    return subprocess.run(
        [sys.executable, "-m", "profileparse", *args], capture_output=True, text=True, env=env
    )


def test_installed_plugin_is_listed_and_used(site: Path, seeds: list[Path]) -> None:
    listed = _run(site, "formats")
    assert listed.returncode == 0, listed.stderr
    (line,) = [row for row in listed.stdout.splitlines() if row.startswith("titles ")]
    assert "one title a line" in line and line.endswith("[titles-plugin 1.2]")

    used = _run(site, "parse", str(seeds[4]), "-f", "titles")
    assert used.returncode == 0, used.stderr
    assert used.stdout == "\n" * 4 + ""  # an abstracts dump has four untitled papers

    titled = _run(site, "parse", str(seeds[1]), "-f", "titles", "-O", "sep= | ")
    assert titled.stdout.startswith("Skywork: A More Open Bilingual Foundation Model | ")

    code = (
        f"import profileparse; doc = profileparse.parse_file({str(seeds[1])!r}); "
        "print(profileparse.dumps(doc, 'titles'), end='')"
    )
    api = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=plugin_env(site),
    )
    assert api.returncode == 0, api.stderr
    assert api.stdout.splitlines()[0] == "Skywork: A More Open Bilingual Foundation Model"


def test_autoload_off_skips_the_installed_plugin_and_the_entry_point_scan(site: Path) -> None:
    code = (
        "import sys, profileparse; formats = profileparse.get_registry().formats; "
        "print('titles' in formats, 'importlib.metadata' in sys.modules)"
    )
    env = dict(plugin_env(site), PROFILEPARSE_DISABLE_PLUGIN_AUTOLOAD="1")
    off = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert off.stdout.split() == ["False", "False"], off.stderr
    on = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=plugin_env(site)
    )
    assert on.stdout.split() == ["True", "True"], on.stderr

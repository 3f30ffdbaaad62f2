"""A third-party format, installed by pip: the complete example of docs/plugins.md, its
files taken from the page as written, is built and installed with ``pip install`` into a
fresh virtual environment, where the command line lists it, writes with it, and the
package's own tests pass."""

from __future__ import annotations

import os
import re
import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest

import profileparse
from tests.conftest import SEEDS

pytestmark = pytest.mark.slow  # builds a virtual environment and a package

DOC = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"
WANG = SEEDS / "001_a1e2e71e1a973e1e.txt"
FILES = (
    "titles-format/pyproject.toml",
    "titles-format/titles_format/__init__.py",
    "titles-format/tests/test_titles.py",
)


def _files() -> dict[str, str]:
    """Each fenced block of the page whose first line is a comment naming a file."""
    found = {}
    for body in re.findall(r"```(?:toml|python)\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        first = body.split("\n", 1)[0]
        name = re.fullmatch(r"# (\S+)", first)
        if name:
            found[name.group(1)] = body
    return found


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment that sees this checkout's installed packages (its
    profileparse and pytest) and has the example package installed into it by pip, as
    the page says: ``pip install ./titles-format`` (which builds it with setuptools from
    the package index, in an environment of its own)."""
    root = tmp_path_factory.mktemp("format-plugin")
    files = _files()
    assert set(FILES) <= files.keys(), f"docs/plugins.md lacks {set(FILES) - files.keys()}"
    for name in FILES:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[name], encoding="utf-8")
    env = root / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    site = subprocess.run(
        [env / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = sysconfig.get_path("purelib")
    Path(site, "checkout.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    pip = subprocess.run(
        [env / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", root / "titles-format"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert pip.returncode == 0, pip.stderr
    return env


def _run(env: Path, *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    environ = dict(os.environ)
    environ.pop("PROFILEPARSE_DISABLE_PLUGIN_AUTOLOAD", None)
    environ.pop("PYTHONPATH", None)
    return subprocess.run(
        [env / "bin" / "python", *args], capture_output=True, text=True, env=environ, cwd=cwd
    )


def test_pip_installed_it_as_a_distribution(env: Path) -> None:
    shown = _run(env, "-m", "pip", "show", "titles-format")
    assert shown.returncode == 0, shown.stderr
    assert "Version: 1.0" in shown.stdout.splitlines()


def test_the_command_line_lists_it_and_writes_with_it(env: Path) -> None:
    listed = _run(env, "-m", "profileparse", "formats")
    assert listed.returncode == 0, listed.stderr
    (line,) = [row for row in listed.stdout.splitlines() if row.startswith("titles ")]
    assert ".txt" in line and line.endswith("[titles-format 1.0]")

    expected = [p.title or "" for p in profileparse.parse_file(WANG).papers]
    assert len(expected) == 10
    parsed = _run(env, "-m", "profileparse", "parse", str(WANG), "-f", "titles")
    assert parsed.returncode == 0, parsed.stderr
    assert parsed.stdout.splitlines() == expected
    joined = _run(env, "-m", "profileparse", "parse", str(WANG), "-f", "titles", "-O", "sep= | ")
    assert joined.returncode == 0, joined.stderr
    assert joined.stdout == " | ".join(expected) + "\n"
    unknown = _run(env, "-m", "profileparse", "parse", str(WANG), "-f", "titles", "-O", "x=1")
    assert unknown.returncode == 2 and "sep" in unknown.stderr


def test_the_packages_own_tests_pass(env: Path) -> None:
    package = env.parent / "titles-format"
    tested = _run(env, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=package)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "2 passed" in tested.stdout

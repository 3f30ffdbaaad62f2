"""A plain (non-editable) install works: the wheel carries the grammars and plugins, and
the CLI installed from it parses a seed, reads stdin and reports a broken meta line."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("profileparse-*.whl")
    return built


def test_wheel_contains_grammars_plugins_and_types(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for grammar in ("common", "profile", "inline", "abstracts"):
        assert f"profileparse/grammars/{grammar}.lark" in names
    for plugin in ("profile", "inline", "abstracts", "json"):
        assert f"profileparse/plugins/{plugin}.py" in names
    assert "profileparse/py.typed" in names
    assert "profileparse/data/names.json.gz" in names
    assert not any(n.startswith(("tests/", "grammars/", "plugins/")) for n in names)


def _venv(tmp_path_factory: pytest.TempPathFactory, *requirements: str) -> Path:
    """A fresh venv with these requirements (and their dependencies) installed."""
    env_dir = tmp_path_factory.mktemp("venv") / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    pip = subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", *requirements],
        capture_output=True,
        text=True,
    )
    assert pip.returncode == 0, pip.stderr
    return env_dir


@pytest.fixture(scope="module")
def env_dir(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with nothing but the wheel (and its dependencies) installed."""
    return _venv(tmp_path_factory, str(wheel))


def _installed(env_dir: Path) -> set[str]:
    listed = subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "list", "--format", "freeze"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {line.split("==")[0].lower() for line in listed.stdout.split()}


def test_a_plain_install_brings_no_test_tools(env_dir: Path) -> None:
    installed = _installed(env_dir)
    assert "profileparse" in installed
    assert not installed & {"pytest", "syrupy", "hypothesis", "mkdocs"}


def test_pytest_without_syrupy_is_not_broken_by_the_plugin(
    wheel: Path, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    env = _venv(tmp_path_factory, str(wheel), "pytest")
    assert "syrupy" not in _installed(env)
    (tmp_path / "test_plain.py").write_text(
        "def test_plain():\n    assert 1 + 1 == 2\n\n\n"
        "def test_snapshot(dump_snapshot):\n    pass\n",
        encoding="utf-8",
    )
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run(
        [str(env / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean,
    )
    assert "1 passed, 1 error" in run.stdout, run.stdout  # the fixture fails, nothing else
    assert "pip install 'profileparse[testing]'" in run.stdout


def test_wheel_in_a_fresh_venv(env_dir: Path, tmp_path: Path, seeds: list[Path]) -> None:
    bindir = env_dir / "bin"
    cli = str(bindir / "profileparse")
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [cli, *args], input=stdin, capture_output=True, text=True, cwd=tmp_path, env=clean
        )

    where = subprocess.run(
        [str(bindir / "python"), "-c", "import profileparse; print(profileparse.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean,
    )
    assert str(env_dir) in where.stdout  # the wheel's copy, not the source tree

    parsed = run("parse", str(seeds[0]))
    # exit 1: seed 000 lost a record in the copy; what it holds is still written
    assert parsed.returncode == 1 and '"name": "Tianwen Wei"' in parsed.stdout
    assert "1 record was lost in the copy" in parsed.stderr
    piped = run("parse", "-", stdin=seeds[2].read_text(encoding="utf-8"))
    assert piped.returncode == 0 and '"layout": "inline"' in piped.stdout

    text = seeds[0].read_text(encoding="utf-8").replace("LGSep 7, 2024", "LGSep 7 2024x")
    line = text.split("\n").index("LGSep 7 2024x") + 1
    broken = tmp_path / "broken.txt"
    broken.write_text(text, encoding="utf-8")
    checked = run("check", str(broken))
    assert checked.returncode == 1
    assert f"{broken}:{line}:" in checked.stdout


def test_a_plain_install_says_in_one_line_what_the_report_needs(
    env_dir: Path, tmp_path: Path, seeds: list[Path]
) -> None:
    """Without the report extra, the report command and format exit 1 with one line
    that names plotly and the install, before reading anything; ``formats`` shows it;
    the library raises MissingExtraError."""
    bindir = env_dir / "bin"
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(bindir / "profileparse"), *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=clean,
        )

    hint = "pip install 'profileparse[report]'"
    for args in (("report", str(seeds[0])), ("parse", str(seeds[0]), "-f", "report")):
        failed = run(*args)
        assert failed.returncode == 1, failed.stderr
        assert failed.stderr.strip().splitlines() == [
            f"Error: the report format needs plotly: {hint}"
        ]
        assert failed.stdout == "" and not (tmp_path / "report.html").exists()
    listed = run("formats").stdout
    assert "needs: plotly (profileparse[report]): NOT installed" in listed
    code = (
        "import sys, profileparse\n"
        "try:\n"
        f"    profileparse.report([profileparse.parse_file({str(seeds[0])!r})])\n"
        "except profileparse.MissingExtraError as exc:\n"
        "    print(exc)\n"
    )
    library = subprocess.run(
        [str(bindir / "python"), "-c", code], capture_output=True, text=True, env=clean
    )
    assert library.stdout.strip() == f"the report format needs plotly: {hint}", library.stderr


def test_a_plain_install_says_in_one_line_what_frames_need(
    env_dir: Path, seeds: list[Path]
) -> None:
    """Without the frames extra (no pyarrow, no pandas), every way to a frame raises
    MissingExtraError with one line naming the install; the HTML view needs nothing."""
    assert not {"pandas", "pyarrow"} & _installed(env_dir)
    code = (
        "import profileparse\n"
        f"doc = profileparse.parse_file({str(seeds[1])!r})\n"
        "for call in (doc.to_pandas, doc.to_arrow, lambda: profileparse.to_pandas([doc])):\n"
        "    try:\n"
        "        call()\n"
        "    except profileparse.MissingExtraError as exc:\n"
        "        print(exc)\n"
        "print('<table' in doc._repr_html_())\n"
    )
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c", code], capture_output=True, text=True, env=clean
    )
    line = "frames need pyarrow: pip install 'profileparse[frames]'"
    assert done.stdout.splitlines() == [line, line, line, "True"], done.stderr


def test_a_plain_install_still_works_from_inside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    """``pip install .`` then ``python`` in the checkout imports the source folder, which
    has no plugins/ inside it; the package finds the checkout's plugins/ and grammars/."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = str(env_dir / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", str(wheel)], check=True)
    code = "import profileparse; print(len(profileparse.parse_file('examples/profile.txt').papers))"
    run = subprocess.run([python, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "6"


def test_snapshot_workflow_with_the_testing_extra(
    wheel: Path, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, seeds: list[Path]
) -> None:
    from tests.test_snapshot_kit import USER_TEST

    env_dir = _venv(tmp_path_factory, f"{wheel}[testing]")

    project = tmp_path / "project"
    dumps = project / "tests" / "dumps"
    dumps.mkdir(parents=True)
    (dumps / "wang.txt").write_text(seeds[1].read_text(encoding="utf-8"), encoding="utf-8")
    (dumps / "abstracts.txt").write_text(seeds[4].read_text(encoding="utf-8"), encoding="utf-8")
    (project / "tests" / "test_dumps.py").write_text(USER_TEST, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    def pytest_run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(env_dir / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider", *args],
            cwd=project,
            capture_output=True,
            text=True,
            env=clean,
        )

    recorded = pytest_run("--snapshot-update")
    assert recorded.returncode == 0, recorded.stdout
    assert "2 snapshots generated" in recorded.stdout
    assert pytest_run().returncode == 0
    text = (dumps / "wang.txt").read_text(encoding="utf-8")
    (dumps / "wang.txt").write_text(text.replace("Skywork UniPic:", "Skywork OmniPic:"), "utf-8")
    failed = pytest_run()
    assert failed.returncode == 1
    assert (
        "Skywork OmniPic: Unified" in failed.stdout and "Skywork UniPic: Unified" in failed.stdout
    )

"""Output that cannot be written is one line naming where (the user's path, or stdout)
and why, exit 1, for every command: stdout on a full device (the real ``/dev/full``),
a folder that does not exist. No traceback, no temporary file's name."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EVERY_SEED_EXIT

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")

FULL = "Error: cannot write stdout: No space left on device"


def _cli(*args: str, stdout: int | None = None, cwd: Path | None = None) -> tuple[int, str]:
    """The command line in a process of its own: exit status and stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "profileparse", *args],
        stdout=stdout if stdout is not None else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
    )
    return done.returncode, done.stderr


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, seeds: list[Path]) -> Path:
    folder = tmp_path_factory.mktemp("dumps")
    for seed in seeds:
        shutil.copy(seed, folder / seed.name)
    db = folder.parent / "corpus.db"
    code, err = _cli("corpus", "build", str(folder), "-o", str(db))
    assert code == EVERY_SEED_EXIT, err
    return db


def test_every_command_says_stdout_is_full_in_one_line(
    seeds: list[Path], corpus: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.txt"
    damaged.write_text(seeds[0].read_text(encoding="utf-8").replace("h-index", "h-indx"), "utf-8")
    commands = [
        ("parse", str(seeds[0])),
        ("parse", str(seeds[0]), "-f", "jsonl"),
        ("parse", *map(str, seeds), "-f", "csv"),
        ("check", str(damaged)),
        ("formats",),
        ("layouts",),
        ("report", str(seeds[0]), "-o", "-"),
        ("corpus", "stats", str(corpus)),
        ("corpus", "export", str(corpus), "-f", "bibtex"),
    ]
    with open("/dev/full", "w") as full:
        for command in commands:
            code, err = _cli(*command, stdout=full.fileno())
            lines = [line for line in err.splitlines() if line == FULL or "Error" in line]
            assert code == 1, (command, err)
            assert lines == [FULL], (command, err)
            assert "Traceback" not in err, (command, err)


def test_a_missing_folder_is_named_as_given_not_by_a_temporary_file(
    seeds: list[Path], corpus: Path, tmp_path: Path
) -> None:
    for command in (
        ("parse", str(seeds[0]), "-o", "nodir/x.json"),
        ("report", str(seeds[0]), "-o", "nodir/x.json"),
        ("corpus", "export", str(corpus), "-f", "ris", "-o", "nodir/x.json"),
    ):
        code, err = _cli(*command, cwd=tmp_path)
        assert code == 1, (command, err)
        assert err.strip().splitlines()[-1] == (
            "Error: cannot write nodir/x.json: No such file or directory"
        ), (command, err)
        assert ".tmp" not in err

"""The README's commands run as written."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cli_block() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    commands = [
        line.strip()
        for block in blocks
        for line in block.splitlines()
        if line.startswith("profileparse ")
    ]
    assert len(commands) >= 4
    return commands


def test_the_readme_cli_block_runs_as_written(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    for command in _cli_block():
        args = shlex.split(command, comments=True)[1:]
        run = subprocess.run(
            [sys.executable, "-m", "profileparse", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, f"{command}\n{run.stderr}"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "abstracts.json",
        "formats-sample.json",
        "inline.json",
        "profile.json",
    ]
    assert (tmp_path / "papers.bib").read_text(encoding="utf-8").count("@misc{") == 14

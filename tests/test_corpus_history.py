"""A researcher over time: each dump's path and date taken, and ``corpus history``."""

from __future__ import annotations

import datetime
import json
import os
import sqlite3
from pathlib import Path

import pytest

from profileparse.corpus import Corpus
from tests.conftest import SEEDS, invoke, run_profileparse

SEED_000 = SEEDS / "000_6faa1e42dd226781.txt"

#: A paper the later snapshot shows first (the site lists the newest first).
NEW_PAPER = """CLMar 3, 2026Code
A Later Paper on Mixture-of-Experts Routing

Tianwen Wei, Liang Zhao, Bo Zhu

We study routing in mixture-of-experts models taken a month after the first snapshot.

"""


def _later(text: str) -> str:
    """Seed 000 a month on: h-index 19 -> 21, one paper added (the 16 papers its header
    lists are all there now)."""
    assert "h-index19\n16papers\n" in text and "16 Papers\n\n" in text
    text = text.replace("h-index19\n", "h-index21\n")
    return text.replace("16 Papers\n\n", "16 Papers\n\n" + NEW_PAPER, 1)


@pytest.fixture
def snapshots(tmp_path: Path) -> Path:
    """snapshots/2026-01/000.txt and snapshots/2026-02/000.txt: one name, two folders."""
    root = tmp_path / "snapshots"
    for month in ("2026-01", "2026-02"):
        (root / month).mkdir(parents=True)
    text = SEED_000.read_text(encoding="utf-8")
    (root / "2026-01" / "000.txt").write_text(text, encoding="utf-8")
    (root / "2026-02" / "000.txt").write_text(_later(text), encoding="utf-8")
    return root


def _stamp(path: Path, day: str) -> None:
    moment = datetime.datetime.fromisoformat(day + "T12:00:00+00:00").timestamp()
    os.utime(path, (moment, moment))


def test_history_lists_both_snapshots_with_their_dates_and_h_index(
    snapshots: Path, tmp_path: Path
) -> None:
    """The first taken as --taken says, the second as its file's modification time."""
    db = tmp_path / "c.sqlite"
    first = run_profileparse(
        "corpus", "build", str(snapshots / "2026-01"), "-o", str(db), "--taken", "2026-01-08"
    )
    assert first.returncode == 1, first.stderr  # seed 000 lists 16 papers and holds 15
    later = snapshots / "2026-02" / "000.txt"
    _stamp(later, "2026-02-08")
    second = run_profileparse("corpus", "build", str(later), "-o", str(db))
    assert second.returncode == 0, second.stderr
    assert "1 new dump(s) added" in second.stderr

    shown = run_profileparse("corpus", "history", str(db), "Tianwen Wei")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "Tianwen Wei: 2 snapshot(s)"
    header = lines[1].split()
    assert header[:2] == ["taken", "h-index"]
    rows = [line.split() for line in lines[2:]]
    assert [(row[0], row[1]) for row in rows] == [("2026-01-08", "19"), ("2026-02-08", "21")]
    assert [row[-1] for row in rows] == ["2026-01/000.txt", "2026-02/000.txt"]

    as_json = json.loads(
        run_profileparse("corpus", "history", str(db), "tianwen wei", "--json").stdout
    )
    assert [(s["taken"], s["h_index"], s["papers"]) for s in as_json] == [
        ("2026-01-08", 19, 16),
        ("2026-02-08", 21, 16),
    ]
    assert as_json[0]["taken_at"] == "2026-01-08"
    assert as_json[1]["taken_at"] == "2026-02-08T12:00:00+00:00"
    assert [s["records"] for s in as_json] == [15, 16]


def test_one_file_name_in_two_folders_is_two_paths(snapshots: Path, tmp_path: Path) -> None:
    """Built from the folder above both (a pattern's fixed part): paths start with its
    name."""
    db = tmp_path / "c.sqlite"
    built = invoke("corpus", "build", f"{snapshots}/*/*.txt", "-o", str(db))
    assert built.exit_code == 1 and "2 new dump(s) added" in built.stderr
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT source, path FROM documents ORDER BY path").fetchall()
    assert rows == [
        ("000.txt", "snapshots/2026-01/000.txt"),
        ("000.txt", "snapshots/2026-02/000.txt"),
    ]


def test_the_date_taken_is_the_files_modification_time(snapshots: Path) -> None:
    for month, day in (("2026-01", "2026-01-08"), ("2026-02", "2026-02-08")):
        _stamp(snapshots / month / "000.txt", day)
    with Corpus() as corpus:
        corpus.add_files(sorted(snapshots.glob("*/000.txt")))
        history = corpus.history("Tianwen Wei")
    assert [(s.taken, s.taken_on, s.h_index, s.path) for s in history] == [
        ("2026-01-08T12:00:00+00:00", "2026-01-08", 19, "2026-01/000.txt"),
        ("2026-02-08T12:00:00+00:00", "2026-02-08", 21, "2026-02/000.txt"),
    ]


def test_history_of_nobody_and_bad_dates(snapshots: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    invoke("corpus", "build", f"{snapshots}/*/*.txt", "-o", str(db))
    nobody = invoke("corpus", "history", str(db), "Nobody Here")
    assert nobody.exit_code == 1
    assert nobody.output.strip() == f"Error: {db}: no profile named 'Nobody Here'"
    bad = invoke("corpus", "build", f"{snapshots}/*/*.txt", "-o", str(db), "--taken", "08/01/2026")
    assert bad.exit_code == 2 and "--taken" in bad.output

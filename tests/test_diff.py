"""``profileparse diff``: two snapshots of one researcher's page, compared in a real
process. The older is seed 000 as copied; the newer (tests/data/over-time/) is the same
page a month later, with one paper more and the h-index 19 -> 21."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import profileparse
from profileparse.serialize import paper_data
from tests.conftest import DATA, SEEDS

OLD = SEEDS / "000_6faa1e42dd226781.txt"
LATER = DATA / "over-time" / "000_a-month-later.txt"
#: The record the later copy has that seed 000 lacks (written into it by hand).
NEW_TITLE = "Skywork-Critic: Step-Level Verification for Long Chain-of-Thought Reasoning"
JANUARY = datetime.datetime(2026, 1, 5, 10, 0, tzinfo=datetime.timezone.utc)
FEBRUARY = datetime.datetime(2026, 2, 5, 10, 0, tzinfo=datetime.timezone.utc)


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "profileparse", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def snapshot(folder: Path, name: str, text: str, taken: datetime.datetime) -> Path:
    """``text`` saved as a dump taken at ``taken`` (its modification time)."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    os.utime(path, (taken.timestamp(), taken.timestamp()))
    return path


def edited(text: str, *replacements: tuple[str, str]) -> str:
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def month_apart(tmp_path: Path) -> tuple[Path, Path]:
    old = snapshot(tmp_path, "january.txt", OLD.read_text(encoding="utf-8"), JANUARY)
    new = snapshot(tmp_path, "february.txt", LATER.read_text(encoding="utf-8"), FEBRUARY)
    return old, new


def test_the_later_copy_is_seed_000_with_one_paper_more() -> None:
    old, new = profileparse.parse_file(OLD), profileparse.parse_file(LATER)
    assert old.profile is not None and new.profile is not None
    assert (old.profile.h_index, new.profile.h_index) == (19, 21)
    assert [p.title for p in new.papers] == [NEW_TITLE, *(p.title for p in old.papers)]
    assert new.ok  # 16 listed, 16 follow (seed 000 lost one in the copy)


def test_diff_names_the_added_paper_and_the_h_index_and_no_unchanged_paper(
    month_apart: tuple[Path, Path],
) -> None:
    old, new = month_apart
    done = run("diff", str(old), str(new))
    assert done.returncode == 1, done.stderr  # they differ
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"--- {old} (Tianwen Wei, taken 2026-01-05 10:00 UTC")
    assert lines[1].startswith(f"+++ {new} (Tianwen Wei, taken 2026-02-05 10:00 UTC")
    assert "  h-index: 19 -> 21" in lines
    assert [line for line in lines if line.startswith("  + ")] == [
        f"  + {NEW_TITLE} (Nov 3, 2025, CL)"
    ]
    assert not [line for line in lines if line.startswith(("  - ", "  ~ "))]
    assert "header:" in lines and "added 1 paper:" in lines
    assert not any(line.startswith(("removed", "changed")) for line in lines)
    # No paper both show is listed, only counted; no other header value is named.
    unchanged = [p.title for p in profileparse.parse_file(OLD).papers]
    assert len(unchanged) == 15
    assert not [title for title in unchanged if title and title in done.stdout]
    assert lines[-1] == "unchanged: 15 papers"
    assert not [line for line in lines if " -> " in line and "h-index" not in line]
    # The old copy's lost record is still an error, reported as other commands do.
    assert f"{old}:10:1: error: the header lists 16 papers but 15" in done.stderr


def test_diff_as_json(month_apart: tuple[Path, Path]) -> None:
    old, new = month_apart
    done = run("diff", str(old), str(new), "-f", "json")
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    assert data["profile_changes"] == [{"field": "h_index", "old": 19, "new": 21}]
    added = next(p for p in profileparse.parse_file(LATER).papers if p.title == NEW_TITLE)
    expected = paper_data(added)
    del expected["span"]  # line numbers move whenever a record is added above
    assert data["added"] == [expected]
    assert (data["removed"], data["changed"], data["unchanged"], data["same"]) == (
        [],
        [],
        15,
        False,
    )
    assert data["old"] == {
        "source": str(old),
        "name": "Tianwen Wei",
        "taken": JANUARY.isoformat(),
        "papers": 15,
    }
    assert data["new"]["taken"] == FEBRUARY.isoformat() and data["new"]["papers"] == 16


def _changed_again(text: str) -> str:
    """The later copy a while after: one paper gone (the page lists 15 now), one
    redated and without its code link, one title recased, and more citations."""
    text = edited(
        text,
        ("16papers\n1,851citations", "15papers\n1,920citations"),
        ("16 Papers\n", "15 Papers\n"),
        ("CLOct 30, 2023Code\nSkywork: A More Open", "CLNov 1, 2023\nSkywork: A More Open"),
        ("Masked Conditional Random Fields for", "Masked Conditional Random fields for"),
    )
    start = text.index("NAFeb 5, 2015\nVon Neumann's inequality for tensors")
    end = text.index("LGSep 7, 2024\nOptimization Hyper-parameter Laws")
    return text[:start] + text[end:]


def test_diff_names_a_changed_and_a_removed_paper(tmp_path: Path) -> None:
    later = LATER.read_text(encoding="utf-8")
    old = snapshot(tmp_path, "february.txt", later, FEBRUARY)
    new = snapshot(tmp_path, "march.txt", _changed_again(later), FEBRUARY + datetime.timedelta(30))
    done = run("diff", str(old), str(new))
    assert done.returncode == 1 and done.stderr == ""
    lines = done.stdout.splitlines()
    removed = [line for line in lines if line.startswith("  - ")]
    assert removed == ["  - Von Neumann's inequality for tensors (Feb 5, 2015, NA)"]
    assert [line for line in lines if line.startswith("  ~ ")] == [
        "  ~ Skywork: A More Open Bilingual Foundation Model (Nov 1, 2023, CL)",
        "  ~ Masked Conditional Random fields for Sequence Labeling (Mar 19, 2021, LG)",
    ]
    skywork = lines.index("  ~ Skywork: A More Open Bilingual Foundation Model (Nov 1, 2023, CL)")
    assert lines[skywork + 1 : skywork + 3] == [
        "      date: Oct 30, 2023 -> Nov 1, 2023",
        "      code: yes -> no",
    ]
    assert "      title: Masked Conditional Random Fields for Sequence Labeling -> " in "\n".join(
        lines
    )
    header = lines[lines.index("header:") + 1 : lines.index("removed 1 paper:")]
    assert header == [
        "  papers: 16 -> 15",
        "  listed papers: 16 -> 15",
        "  citations: 1,851 -> 1,920",
    ]
    assert not [line for line in lines if line.startswith("  + ")]
    assert lines[-1] == "unchanged: 13 papers"  # 16, less one removed and two changed

    data = json.loads(run("diff", str(old), str(new), "--format", "json").stdout)
    assert [p["title"] for p in data["removed"]] == ["Von Neumann's inequality for tensors"]
    changes = {c["title"]: c["changes"] for c in data["changed"]}
    assert changes["Skywork: A More Open Bilingual Foundation Model"] == [
        {"field": "date", "old": "2023-10-30", "new": "2023-11-01"},
        {"field": "has_code", "old": True, "new": False},
    ]
    assert [
        c["field"] for c in changes["Masked Conditional Random fields for Sequence Labeling"]
    ] == ["title"]
    assert data["profile_changes"] == [
        {"field": "paper_count", "old": 16, "new": 15},
        {"field": "listed_papers", "old": 16, "new": 15},
        {"field": "citations", "old": 1851, "new": 1920},
    ]


def test_the_same_dump_twice_is_no_change_and_exit_0() -> None:
    done = run("diff", str(LATER), str(LATER))
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.splitlines()[2] == "no changes: 16 papers alike, the same header"
    data = json.loads(run("diff", str(LATER), str(LATER), "-f", "json").stdout)
    assert data["same"] is True and data["unchanged"] == 16


def test_one_side_can_be_stdin() -> None:
    done = run("diff", "-", str(LATER), "-q", stdin=OLD.read_text(encoding="utf-8"))
    assert done.returncode == 1 and done.stderr == ""  # -q: no diagnostics
    assert done.stdout.startswith("--- <stdin> (Tianwen Wei, 15 papers)\n")
    assert f"  + {NEW_TITLE} (Nov 3, 2025, CL)" in done.stdout


def test_a_yearless_date_is_the_same_date(tmp_path: Path) -> None:
    # The site drops the year of recent papers; "Jun 29" then is "Jun 29, 2023" still.
    later = LATER.read_text(encoding="utf-8")
    yearless = edited(later, ("CLJun 29, 2023Code\nCMATH", "CLJun 29Code\nCMATH"))
    result = profileparse.diff(profileparse.parse(later), profileparse.parse(yearless))
    assert result.same and result.unchanged == 16


def test_abstract_only_records_are_matched_by_their_abstract() -> None:
    dump = (SEEDS / "004_9533bcb3dca15aed.txt").read_text(encoding="utf-8")
    old = profileparse.parse(dump)
    assert old.layout == "abstracts" and len(old.papers) == 4
    last = old.papers[-1]
    assert last.abstract is not None and last.title is None
    shorter = profileparse.parse(dump[: dump.rindex("Abstract:")])
    result = profileparse.diff(old, shorter)
    assert result.removed == (last,) and result.unchanged == 3
    assert not result.added and not result.changed and not result.header


def test_trouble_is_one_line_and_exit_2(tmp_path: Path) -> None:
    two = tmp_path / "two.txt"
    two.write_text(
        (SEEDS / "001_a1e2e71e1a973e1e.txt").read_text(encoding="utf-8")
        + "\n"
        + (SEEDS / "003_a349c96aeee06787.txt").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    several = run("diff", str(two), str(LATER))
    assert several.returncode == 2 and several.stdout == ""
    assert several.stderr == f"Error: {two} holds 2 dumps; diff compares one with one\n"
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    nothing = run("diff", str(LATER), str(empty))
    assert nothing.returncode == 2 and nothing.stdout == ""
    assert nothing.stderr.splitlines()[-1] == (
        f"Error: {empty}: nothing to compare (no header and no paper records)"
    )
    for args in (["missing.txt", str(LATER)], [str(tmp_path), str(LATER)], ["-", "-"]):
        usage = run("diff", *args)
        assert usage.returncode == 2 and usage.stdout == "" and "Traceback" not in usage.stderr
    full = subprocess.run(
        f'"{sys.executable}" -m profileparse diff "{OLD}" "{LATER}" -q > /dev/full',
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert full.returncode == 2
    assert full.stderr == "Error: cannot write stdout: No space left on device\n"


def test_a_record_pasted_twice_pairs_once_and_the_copy_is_removed() -> None:
    later = LATER.read_text(encoding="utf-8")
    start = later.index("CLJun 29, 2023Code\nCMATH")
    end = later.index("CLOct 30, 2023Code\nSkywork")
    twice = later[:end] + later[start:end] + later[end:]
    old, new = profileparse.parse(twice), profileparse.parse(later)
    assert len(old.papers) == 17
    result = profileparse.diff(old, new)
    assert [p.title for p in result.removed] == [new.papers[1].title]
    assert result.removed[0].span == old.papers[2].span  # the second copy
    assert result.unchanged == 16 and not result.added and not result.changed

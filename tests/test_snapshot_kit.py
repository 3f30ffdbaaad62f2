"""The snapshot kit, used the way the docs say, in a throwaway project (pytester)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from profileparse import PaperDate, parse
from profileparse.testing import dump_paths, snapshot_data
from tests.conftest import seed_paths

USER_TEST = """
import pytest
import profileparse
from profileparse.testing import dump_paths

@pytest.mark.parametrize("path", dump_paths("tests/dumps"))
def test_dump(path, dump_snapshot):
    assert profileparse.parse_file(path) == dump_snapshot
"""


def test_the_whole_workflow(pytester: pytest.Pytester) -> None:
    profile, abstracts = seed_paths()[1], seed_paths()[4]
    dumps = pytester.mkdir("tests") / "dumps"
    dumps.mkdir()
    (dumps / "wang.txt").write_text(profile.read_text(encoding="utf-8"), encoding="utf-8")
    (dumps / "abstracts.txt").write_text(abstracts.read_text(encoding="utf-8"), encoding="utf-8")
    (pytester.path / "tests" / "test_dumps.py").write_text(USER_TEST, encoding="utf-8")

    # 1. Record: one snapshot file per dump, named after the dump's stem.
    recorded = pytester.runpytest_subprocess("--snapshot-update")
    recorded.assert_outcomes(passed=2)
    stored = sorted((pytester.path / "tests" / "__snapshots__" / "test_dumps").iterdir())
    assert [p.name for p in stored] == ["test_dump[abstracts].json", "test_dump[wang].json"]
    data = json.loads(stored[1].read_text(encoding="utf-8"))
    assert data["source"] == "wang.txt" and data["profile"]["name"] == "Xiaokun Wang"
    assert str(pytester.path) not in stored[1].read_text(encoding="utf-8")

    # 2. The next run passes without touching anything.
    pytester.runpytest_subprocess().assert_outcomes(passed=2)

    # 3. A one-word edit to a dump fails with the old and new values in the diff.
    text = (dumps / "wang.txt").read_text(encoding="utf-8")
    (dumps / "wang.txt").write_text(text.replace("Skywork UniPic:", "Skywork OmniPic:"), "utf-8")
    failed = pytester.runpytest_subprocess()
    failed.assert_outcomes(passed=1, failed=1)
    out = failed.stdout.str()
    assert "Skywork OmniPic: Unified Autoregressive Modeling" in out
    assert "Skywork UniPic: Unified Autoregressive Modeling" in out
    assert '"title"' in out


def test_snapshot_data_is_plain_and_ordered() -> None:
    doc = parse("56.3CLApr 7Code\nA TitleAda Lovelace\nAbstract.\n", source="/home/x/d.txt")
    data = snapshot_data(doc)
    assert data["source"] == "d.txt"
    assert list(data["papers"][0])[:3] == ["title", "authors", "et_al"]
    assert data["papers"][0]["date"] == PaperDate(None, 4, 7).isoformat()
    json.dumps(data)  # nothing but plain data


def test_dump_paths_are_sorted_params_with_stem_ids(tmp_path: Path) -> None:
    for name in ("b.txt", "a.txt", "notes.md"):
        (tmp_path / name).write_text("Abstract: x\n", encoding="utf-8")
    params = dump_paths(tmp_path)
    assert [p.id for p in params] == ["a", "b"]
    assert [p.values[0] for p in params] == [tmp_path / "a.txt", tmp_path / "b.txt"]
    with pytest.raises(FileNotFoundError, match="no folder"):
        dump_paths(tmp_path / "missing")

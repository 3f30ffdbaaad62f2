"""The learned name model: built reproducibly by its script with the held-out records
kept out, shipped small, read only for inline dumps, telling real given names from
title words on the tests' held-out slice, and deciding glued splits the rules alone got
wrong."""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from profileparse import namemodel
from profileparse.glued import split_glued
from tests.render import ARXIV, load_records

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "build_name_model.py"
SHIPPED = ROOT / "profileparse" / "data" / "names.json.gz"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_name_model", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _build(data: Path, held_out: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(data), "--held-out", str(held_out), "--out", str(out)],
        capture_output=True,
        text=True,
    )


def _words(model: Path) -> dict[str, set[str]]:
    classes = json.loads(gzip.decompress(model.read_bytes()))["classes"]
    return {name: set(classes[name]["words"]) for name in namemodel.CLASSES}


def _parts(script: ModuleType, records: list[dict[str, object]]) -> dict[str, set[str]]:
    return {name: set(counts) for name, counts in script.count(records).items()}


def test_the_build_is_reproducible_and_keeps_held_out_records_out(tmp_path: Path) -> None:
    script = _script()
    lines = ARXIV.read_text(encoding="utf-8").splitlines()[:400]
    data = tmp_path / "records.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    held = tmp_path / "held.jsonl"
    held.write_text("\n".join(lines[:60]) + "\n", encoding="utf-8")
    first, second = tmp_path / "a" / "names.json.gz", tmp_path / "b" / "names.json.gz"
    for out in (first, second):
        done = _build(data, held, out)
        assert done.returncode == 0, done.stderr
    assert first.read_bytes() == second.read_bytes()

    records = [json.loads(line) for line in lines]
    kept = [r for r in records[60:] if not script.is_tuning(r["id"])]
    tuning = [r for r in records[60:] if script.is_tuning(r["id"])]
    assert tuning and len(kept) > 250
    trained = _parts(script, kept)
    outside = _parts(script, records[:60] + tuning)
    words = _words(first)
    for name in namemodel.CLASSES:
        assert words[name] == trained[name]
        assert outside[name] - trained[name], "the held-out records have words of their own"
        assert not (outside[name] - trained[name]) & words[name]


def test_the_build_reports_a_missing_input_in_one_line(tmp_path: Path) -> None:
    done = _build(tmp_path / "absent.jsonl", ARXIV, tmp_path / "names.json.gz")
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1 and "absent.jsonl" in done.stderr
    assert not (tmp_path / "names.json.gz").exists()


def test_the_shipped_model_is_small() -> None:
    assert SHIPPED.stat().st_size <= 2_000_000
    assert json.loads(gzip.decompress(SHIPPED.read_bytes()))["version"] == namemodel.VERSION


def test_the_model_tells_given_names_from_title_words_on_held_out_records() -> None:
    """On the tests' slice (never read into the model): the first author's given name and
    family name read as names, the title's capitalised words as title words."""
    script = _script()
    records = load_records()
    given, family, titles = [], [], []
    for record in records:
        first_given, last_family = script.name_words(record["authors"][0])
        given += first_given[:1]
        family += last_family[-1:]
        titles += [w for w in script.title_words(record["title"]) if not w.isupper()]
    assert len(given) > 2500 and len(family) > 2500 and len(titles) > 15000

    def share(words: list[str], role: str, sign: int) -> float:
        return sum(sign * namemodel.name_log_odds(w, role) > 0 for w in words) / len(words)

    assert share(given, namemodel.GIVEN, 1) >= 0.95
    assert share(family, namemodel.FAMILY, 1) >= 0.93
    assert share(titles, namemodel.GIVEN, -1) >= 0.95


@pytest.mark.parametrize(
    "word", ["Xiaozhi", "Okonkwo", "Seungwoo", "Oluwaseun", "Chukwuemeka", "Thiruvengadam"]
)
def test_names_never_met_read_as_names_by_their_letters(word: str) -> None:
    model = namemodel.load()
    assert not any(word.casefold() in model.words(name) for name in namemodel.CLASSES)
    assert namemodel.name_log_odds(word, namemodel.GIVEN) > 0
    assert namemodel.name_log_odds(word, namemodel.FAMILY) > 0


def _parse_in_a_process(seed: Path) -> tuple[str, bool]:
    """The layout a fresh process finds in ``seed``, and whether it loaded the model."""
    script = (
        "import sys, profileparse\n"
        f"doc = profileparse.parse(open({str(seed)!r}, encoding='utf-8').read())\n"
        "print(doc.layout, 'profileparse.namemodel' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    layout, loaded = done.stdout.split()
    return layout, loaded == "True"


def test_the_model_loads_for_inline_dumps_only(seeds: list[Path]) -> None:
    by_number = {p.name[:3]: p for p in seeds}
    assert _parse_in_a_process(by_number["001"]) == ("profile", False)
    assert _parse_in_a_process(by_number["004"]) == ("abstracts", False)
    assert _parse_in_a_process(by_number["002"]) == ("inline", True)


# Titles whose last word glues onto a camel-case given name, and titles ending in a
# product name with a capitalised part, each with its true authors.
CAMEL_GIVEN = [
    ("Measuring Bias in LLMs", ["MinJun Park", "Ana Lee"]),
    ("Transfer Rank", ["TingJie Zhang", "HaiLin Liu"]),
    ("Trading with a Broker", ["MohammadTaghi Hajiaghayi", "Gary Peng"]),
    ("Graph Learning at Scale", ["SeungWoo Lee", "Ana Lima"]),
    ("Retrieval for Bio", ["YuXuan Wang"]),
]
PRODUCT_END = [
    ("Evaluating Agents on DataBench", ["Sean Lee", "Ana Lima"]),
    ("A Study of MegaScale", ["Ravi Kumar", "Ana Lima"]),
    ("Benchmarks for AgentBench", ["Xiao Liu", "Hao Yu"]),
    ("Robust Retrieval with FlashRank", ["Paul Smith", "Ana Lima"]),
]


@pytest.mark.parametrize(("title", "authors"), CAMEL_GIVEN)
def test_a_camel_case_given_name_stays_whole(title: str, authors: list[str]) -> None:
    split = split_glued(title + ", ".join(authors))
    assert (split.title, list(split.authors.names)) == (title, authors)


@pytest.mark.parametrize(("title", "authors"), PRODUCT_END)
def test_a_product_name_ending_a_title_is_split_confidently(title: str, authors: list[str]) -> None:
    split = split_glued(title + ", ".join(authors))
    assert (split.title, list(split.authors.names)) == (title, authors)
    assert split.confident, split.other

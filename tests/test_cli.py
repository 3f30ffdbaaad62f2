"""The command line: parse, check, formats, layouts; stdin, folders, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import profileparse
from profileparse.cli import main
from profileparse.registry import DISABLE_AUTOLOAD, _group_declared, get_registry


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_parse_one_seed_to_stdout(seeds: list[Path]) -> None:
    code, out, err = run("parse", str(seeds[1]))
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["layout"] == "profile" and data["profile"]["name"] == "Xiaokun Wang"


def test_parse_reads_stdin(seeds: list[Path]) -> None:
    code, out, _ = run("parse", "-", stdin=seeds[2].read_text(encoding="utf-8"))
    assert code == 0
    data = json.loads(out)
    assert (data["source"], data["layout"], len(data["papers"])) == ("<stdin>", "inline", 21)


def test_parse_folder_gives_a_json_array_in_name_order(seeds: list[Path]) -> None:
    code, out, err = run("parse", str(seeds[0].parent))
    assert code == 1  # seed 000 lost a record in the copy; every dump is still written
    data = json.loads(out)
    assert [Path(d["source"]).name for d in data] == [p.name for p in seeds]
    assert "000_6faa1e42dd226781.txt:10:1: error: the header lists 16 papers" in err


def test_parse_to_file_and_to_a_folder(seeds: list[Path], tmp_path: Path) -> None:
    out_file = tmp_path / "one.json"
    assert run("parse", str(seeds[4]), "-o", str(out_file))[0] == 0
    assert json.loads(out_file.read_text(encoding="utf-8"))["layout"] == "abstracts"
    folder = tmp_path / "out"
    folder.mkdir()
    assert run("parse", *map(str, seeds[1:3]), "-o", str(folder))[0] == 0
    assert sorted(p.name for p in folder.iterdir()) == [p.stem + ".json" for p in seeds[1:3]]


def test_check_reports_a_broken_meta_line_and_exits_1(seeds: list[Path], tmp_path: Path) -> None:
    text = seeds[1].read_text(encoding="utf-8").replace("CVApr 8, 2025", "CVApr 8 2025 (v2)")
    line = text.split("\n").index("CVApr 8 2025 (v2)") + 1
    broken = tmp_path / "broken.txt"
    broken.write_text(text, encoding="utf-8")
    code, out, err = run("check", str(broken))
    assert code == 1
    assert f"{broken}:{line}:1: error: malformed meta line" in out
    assert "1 error(s)" in err


def test_check_exits_1_only_for_the_seed_that_lost_a_record(seeds: list[Path]) -> None:
    code, out, _ = run("check", *map(str, seeds[1:]))
    assert code == 0 and out == ""
    code, out, err = run("check", *map(str, seeds))
    assert code == 1 and "1 error(s), 0 warning(s)" in err
    assert out.splitlines() == [
        f"{seeds[0]}:10:1: error: the header lists 16 papers but 15 paper records follow:"
        " 1 record was lost in the copy"
    ]


def test_parse_strict_fails_with_a_located_message(tmp_path: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_text("CLJun 29, 2023\nA Title\n\nAda Lovelace\n", encoding="utf-8")
    code, out, err = run("parse", "--strict", "--layout", "profile", str(path))
    assert code == 1 and out == ""
    assert f"{path}:1:1: error: this record has no abstract line\n    CLJun 29, 2023\n" in err


def test_usage_errors_exit_2(seeds: list[Path], tmp_path: Path) -> None:
    assert run("parse", str(tmp_path / "missing.txt"))[0] == 2
    assert run("parse", str(seeds[0]), "-f", "nope")[0] == 2
    assert run("parse", str(seeds[0]), "--layout", "nope")[0] == 2
    assert run("parse")[0] == 2
    assert run("frobnicate")[0] == 2


def test_unreadable_bytes_exit_1_with_location(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"Abstract:caf\xe9\n")
    code, _, err = run("parse", str(path))
    assert code == 1
    assert f"{path}:1:13: error: not UTF-8: byte 0xe9" in err


def test_formats_and_layouts_list_builtins() -> None:
    code, out, _ = run("formats")
    assert code == 0
    lines = [line for line in out.splitlines() if not line.startswith(" ")]
    assert [line.split()[0] for line in lines] == sorted(get_registry().formats)
    assert all(line.endswith("[built-in]") for line in lines)
    # Each format's options, under it, from its dump function's signature.
    options = [line.strip() for line in out.splitlines() if line.startswith(" ")]
    assert 'options: entry_type="misc"' in options
    assert "options: neutralise=true, header=true" in options
    code, out, _ = run("layouts")
    assert [line.split()[0] for line in out.splitlines()] == ["abstracts", "inline", "profile"]


def test_help_reads_well() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "parse" in out and "check" in out
    code, out, _ = run("parse", "--help")
    assert "--reference-year" in out and "stdin" in out


def test_jsonl_with_many_inputs_is_one_stream(seeds: list[Path]) -> None:
    code, out, _ = run("parse", *map(str, seeds), "-f", "jsonl")
    assert code == 1  # seed 000's lost record; its 15 papers are still written
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 15 + 10 + 21 + 10 + 4
    assert rows[0]["source"] == str(seeds[0]) and rows[-1]["source"] == str(seeds[-1])


def test_output_folder_for_one_input_and_for_clashing_names(
    seeds: list[Path], tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    assert run("parse", str(seeds[1]), "-o", str(folder), "-f", "csv")[0] == 0
    assert [p.name for p in folder.iterdir()] == [seeds[1].stem + ".csv"]
    other = tmp_path / "elsewhere"
    other.mkdir()
    twin = other / seeds[1].name
    twin.write_text(seeds[1].read_text(encoding="utf-8"), encoding="utf-8")
    assert run("parse", str(seeds[1]), str(twin), "-o", str(tmp_path / "two") + "/")[0] == 0
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == [
        seeds[1].stem + "-2.json",
        seeds[1].stem + ".json",
    ]


def test_output_folder_never_overwrites_an_input(tmp_path: Path) -> None:
    dump = tmp_path / "notes.txt"
    dump.write_text("Abstract: one\n", encoding="utf-8")
    code, _, err = run("parse", str(dump), "-f", "abstracts-dump", "-o", str(tmp_path))
    assert code == 2
    assert "refusing to overwrite" in err
    assert dump.read_text(encoding="utf-8") == "Abstract: one\n"


def test_format_options_from_the_command_line(seeds: list[Path]) -> None:
    code, out, _ = run("parse", str(seeds[1]), "-f", "bibtex", "-O", "entry_type=article")
    assert code == 0 and out.startswith("@article{")
    code, _, err = run("parse", str(seeds[1]), "-f", "bibtex", "-O", "colour=red")
    assert code == 2 and "colour" in err


def test_format_options_are_read_by_the_type_each_declares(seeds: list[Path]) -> None:
    """``-O`` values are read as the format's option declares: a boolean from yes/no,
    true/false, on/off or 1/0, a number, none where allowed; a value of the wrong type
    is one line naming the option and the type, exit 2."""
    header = "source,layout,profile_name,title,authors"
    code, out, _ = run("parse", str(seeds[1]), "-f", "csv", "-O", "header=yes", "-q")
    assert code == 0 and out.startswith(header)
    rows = list(csv.reader(io.StringIO(out)))
    for no in ("no", "false", "0", "Off"):
        code, out, _ = run("parse", str(seeds[1]), "-f", "csv", "-O", f"header={no}", "-q")
        assert code == 0 and list(csv.reader(io.StringIO(out))) == rows[1:]
    code, out, _ = run("parse", str(seeds[1]), "-O", "indent=4", "-q")
    assert code == 0 and json.loads(out)["layout"] == "profile" and '\n    "layout"' in out
    code, out, _ = run("parse", str(seeds[1]), "-O", "indent=none", "-q")
    assert code == 0 and out.count("\n") == 1 and json.loads(out)["layout"] == "profile"
    for option, expected in (
        ("header=maybe", "option 'header' takes yes or no (true/false, on/off, 1/0), not 'maybe'"),
        ("indent=abc", "option 'indent' takes a whole number or none, not 'abc'"),
    ):
        name = "csv" if option.startswith("header") else "json"
        code, out, err = run("parse", str(seeds[1]), "-f", name, "-O", option)
        assert code == 2 and out == ""
        assert err.strip().splitlines() == [f"Error: format '{name}': {expected}"]


def test_unwritable_output_is_a_message_not_a_traceback(seeds: list[Path], tmp_path: Path) -> None:
    code, _, err = run("parse", str(seeds[4]), "-o", str(tmp_path / "missing" / "x.json"))
    assert code == 1
    assert "cannot write" in err and "Traceback" not in err


def test_an_interrupted_write_leaves_no_partial_file(
    seeds: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep.json").write_text("old\n", encoding="utf-8")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("profileparse.cli.os.replace", interrupted)
    result = CliRunner().invoke(main, ["parse", str(seeds[4]), "-o", str(folder / "keep.json")])
    assert result.exit_code != 0
    assert sorted(p.name for p in folder.iterdir()) == ["keep.json"]  # no temp file left
    assert (folder / "keep.json").read_text(encoding="utf-8") == "old\n"


def test_output_file_never_overwrites_an_input(tmp_path: Path) -> None:
    dump = tmp_path / "d.txt"
    dump.write_text("Abstract: one\n", encoding="utf-8")
    code, _, err = run("parse", str(dump), "-f", "abstracts-dump", "-o", str(dump))
    assert code == 2 and "refusing to overwrite" in err
    assert dump.read_text(encoding="utf-8") == "Abstract: one\n"


def test_a_file_holding_two_dumps_gives_two_documents(seeds: list[Path], tmp_path: Path) -> None:
    pasted = tmp_path / "pasted.txt"
    pasted.write_text(
        seeds[1].read_text(encoding="utf-8") + "\n" + seeds[4].read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    code, out, err = run("parse", str(pasted))
    assert code == 0, err
    data = json.loads(out)
    assert [(d["layout"], len(d["papers"])) for d in data] == [("profile", 10), ("abstracts", 4)]


@pytest.mark.parametrize("format_name", ["jsonl", "csv"])
def test_large_inputs_stream_the_same_rows(
    format_name: str, seeds: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.txt"
    big.write_text(seeds[0].read_text(encoding="utf-8"), encoding="utf-8")
    code, whole, _ = run("parse", str(big), str(seeds[1]), "-f", format_name)
    monkeypatch.setattr("profileparse.cli.STREAM_BYTES", 1)
    monkeypatch.setattr("profileparse.streaming.CHUNK_BYTES", 2000)
    monkeypatch.setattr("profileparse.cli._BATCH", 4)
    code2, streamed, err = run("parse", str(big), str(seeds[1]), "-f", format_name)
    assert (code, code2) == (1, 1)  # big.txt lost a record in the copy
    assert streamed == whole
    assert "big.txt:10:1: error: the header lists 16 papers but 15" in err


def test_csv_over_several_inputs_has_one_header(seeds: list[Path]) -> None:
    code, out, _ = run("parse", *map(str, seeds), "-f", "csv")
    assert code == 1  # seed 000's lost record; its rows are still written
    assert out.count("source,layout,profile_name") == 1
    assert len(list(csv.DictReader(io.StringIO(out)))) == 15 + 10 + 21 + 10 + 4


def test_jobs_give_the_same_output_in_input_order(seeds: list[Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"Abstract:caf\xe9\n")
    paths = [*map(str, seeds), str(broken), *map(str, seeds)]
    one = run("parse", *paths, "-j", "1", "-f", "jsonl")
    two = run("parse", *paths, "-j", "2", "-f", "jsonl")
    assert one == two
    assert one[0] == 1  # the broken file's encoding error
    rows = [json.loads(line) for line in one[1].splitlines()]
    assert [r["source"] for r in rows][:15] == [str(seeds[0])] * 15


# Modules `parse` to stdout has no use for, each costing start-up time (docs/performance.md).
UNUSED_BY_PARSE = (
    "importlib.metadata", "email", "cattrs", "rich", "csv", "html", "pathlib", "statistics",
)  # fmt: skip


def test_parse_to_stdout_imports_only_what_it_uses(seeds: list[Path]) -> None:
    if _group_declared("profileparse"):
        pytest.skip("a distribution here declares plugins: autoload reads importlib.metadata")
    # Modules the interpreter's start loaded do not count (an editable install's finder
    # imports pathlib).
    script = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import json\n"
        "from profileparse.cli import main\n"
        f"main(['parse', {str(seeds[1])!r}], standalone_mode=False)\n"
        f"new = [m for m in {UNUSED_BY_PARSE!r} if m in sys.modules and m not in before]\n"
        "print(json.dumps(new), file=sys.stderr)"
    )
    env = dict(os.environ)
    env.pop(DISABLE_AUTOLOAD)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(done.stdout)["layout"] == "profile"
    assert json.loads(done.stderr.splitlines()[-1]) == []


@pytest.mark.parametrize("seed", range(5))
def test_a_seed_parses_without_lark_once_the_terminals_are_cached(
    seeds: list[Path], seed: int, tmp_path: Path
) -> None:
    """Regular dumps take the fast paths, which read the grammars' terminals from the
    cache the first parse writes: Lark itself is not loaded."""
    script = (
        "import json, sys\n"
        "from profileparse.cli import main\n"
        "try:\n"
        f"    main(['parse', {str(seeds[seed])!r}, '-o', {str(tmp_path / 'out.json')!r}])\n"
        "finally:\n"
        "    print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'lark')))"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
        for _ in range(2)
    ]
    # A dump with an error (seed 000 lost a record) still writes its output, then exits 1.
    expected = 1 if profileparse.parse_file(seeds[seed]).errors else 0
    assert [r.returncode for r in runs] == [expected, expected], runs[0].stderr
    assert json.loads(runs[0].stdout) != []  # the first compiles the terminals with Lark
    assert sorted(os.listdir(tmp_path / "cache" / "profileparse")) == [
        f"terminals-profileparse.grammars-{name}.lark.json"
        for name in ("abstracts", "inline", "profile")
    ]
    assert json.loads(runs[1].stdout) == []

"""Damaged input is local damage, and pathological input stays bounded: NUL bytes and
other control characters inside a dump are an error at their line (the rest is read); a
file whose first 64 KB are binary is one error, and is not read further (a 2 GB sparse
file, in real processes); empty 'Abstract:' lines are one warning a run, so a million of
them parse to JSON in bounded memory."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import profileparse
from profileparse.corpus import Corpus

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "profile.txt"


def _damaged(tmp_path: Path) -> tuple[Path, int]:
    """The profile example with four NUL bytes inside its first abstract, and that line."""
    data = EXAMPLE.read_bytes()
    at = data.index(b"Grids are") + 20
    path = tmp_path / "nul.txt"
    path.write_bytes(data[:at] + b"\0" * 4 + data[at:])
    return path, data[:at].count(b"\n") + 1


def test_nul_bytes_inside_a_dump_are_an_error_at_their_line(tmp_path: Path) -> None:
    path, line = _damaged(tmp_path)
    whole = profileparse.parse_file(EXAMPLE)
    for doc in (
        profileparse.parse_file(path),
        *profileparse.parse_bytes(path.read_bytes(), source=str(path)),
        profileparse.iter_papers(path).document(list(profileparse.iter_papers(path))),
    ):
        assert [p.title for p in doc.papers] == [p.title for p in whole.papers]
    doc = profileparse.parse_file(path)
    (error,) = doc.diagnostics
    assert (error.severity, error.code, error.line, error.column) == (
        "error",
        "stray-bytes",
        line,
        21,
    )
    assert "\ufffd" * 4 in (doc.papers[0].abstract or "")
    checked = subprocess.run(
        [sys.executable, "-m", "profileparse", "check", str(path)], capture_output=True, text=True
    )
    assert checked.returncode == 1
    assert f"{path}:{line}:21: error: 4 NUL byte(s) in this line" in checked.stdout


def test_other_control_characters_are_an_error_at_each_line_they_damage(tmp_path: Path) -> None:
    """A terminal colour code in a title, a vertical tab (a word processor's soft line
    break) and DEL in an abstract: one error at each line, the characters shown as U+FFFD,
    every paper still read, in each way a file is read."""
    text = EXAMPLE.read_text(encoding="utf-8")
    whole = profileparse.parse_file(EXAMPLE)
    title = whole.papers[1].title
    assert title is not None
    damaged = text.replace(title, f"\x1b[1m{title}\x1b[0m").replace("Grids are", "Grids\x0bare\x7f")
    path = tmp_path / "control.txt"
    path.write_text(damaged, encoding="utf-8")
    lines = damaged.split("\n")
    at = {
        next(i for i, line in enumerate(lines, 1) if "\x1b" in line): 1,
        next(i for i, line in enumerate(lines, 1) if "\x0b" in line): 6,
    }
    stream = profileparse.iter_papers(path)
    streamed = list(stream)
    for papers, diagnostics in (
        *((doc.papers, doc.diagnostics) for doc in profileparse.parse_bytes(path.read_bytes())),
        (profileparse.parse_file(path).papers, profileparse.parse_file(path).diagnostics),
        (streamed, stream.diagnostics),
    ):
        assert len(papers) == len(whole.papers)
        assert [(d.severity, d.code, d.line, d.column) for d in diagnostics] == [
            ("error", "stray-bytes", line, column) for line, column in sorted(at.items())
        ]
        assert papers[1].title == f"\ufffd[1m{title}\ufffd[0m"
        assert "Grids\ufffdare\ufffd" in (papers[0].abstract or "")
    checked = subprocess.run(
        [sys.executable, "-m", "profileparse", "check", str(path)], capture_output=True, text=True
    )
    assert checked.returncode == 1
    named = {
        "\x1b": "2 control character(s) (U+001B)",
        "\x0b": "2 control character(s) (U+000B, U+007F)",
    }
    shown = {
        i: next(what for c, what in named.items() if c in line)
        for i, line in enumerate(lines, 1)
        if i in at
    }
    assert checked.stdout.splitlines() == [
        f"{path}:{line}:{column}: error: {shown[line]} in this line (shown as U+FFFD):"
        " stray bytes in the text"
        for line, column in sorted(at.items())
    ]


def test_a_sparse_2_gb_file_is_binary_from_its_start_and_not_read(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.txt"
    with open(sparse, "wb") as f:
        f.truncate(2 << 30)  # no blocks on disk: reading it whole would take 2 GB of memory
    for args in (("check",), ("parse",), ("parse", "-f", "jsonl")):
        done = subprocess.run(
            [sys.executable, "-c", _MEASURED, *args, str(sparse)], capture_output=True, text=True
        )
        code, peak = done.stdout.split()
        assert int(code) == 1, done.stderr
        assert f"{sparse}:1:1: error: binary file, not a text dump" in done.stderr
        assert float(peak) < 200, (args, peak)
    doc = profileparse.parse_file(sparse)
    assert [d.code for d in doc.diagnostics] == ["binary"] and doc.papers == ()


def test_a_corpus_build_tells_a_sparse_2_gb_file_from_its_start(
    tmp_path: Path, seeds: list[Path]
) -> None:
    """The corpus keys a binary file by the hash of its bytes, read a piece at a time:
    the build lists it as a dump with an error, in flat memory, and adding it again is
    a no-op."""
    folder = tmp_path / "dumps"
    folder.mkdir()
    with open(folder / "sparse.txt", "wb") as f:
        f.truncate(2 << 30)
    (folder / seeds[1].name).write_bytes(seeds[1].read_bytes())
    db = tmp_path / "corpus.sqlite"
    for added in ("2 new dump(s) added (1 with parse errors)", "0 new dump(s) added"):
        done = subprocess.run(
            [sys.executable, "-c", _MEASURED, "corpus", "build", str(folder), "-o", str(db)],
            capture_output=True,
            text=True,
        )
        code, peak = done.stdout.split()
        assert int(code) == 1, done.stderr
        assert "sparse.txt: 1 parse error(s)" in done.stderr and added in done.stderr
        assert float(peak) < 200, peak
    with Corpus(db, readonly=True) as corpus:
        assert (corpus.stats().documents, corpus.stats().papers) == (2, 10)


# Runs the command line in a child and prints its exit status and peak RSS in MB.
_MEASURED = """
import os, subprocess, sys
child = subprocess.Popen([sys.executable, "-m", "profileparse", *sys.argv[1:]],
                         stdout=sys.stderr, stderr=sys.stderr)
_, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024)
"""


def test_a_binary_start_is_one_error_whatever_follows(tmp_path: Path) -> None:
    """Binary bytes (the start of /bin/ls, or random bytes) fill the first 64 KB, then a
    whole text dump follows: the file is binary, told from its start."""
    ls = Path("/bin/ls")
    head = ls.read_bytes()[: 64 << 10] if ls.exists() else random.Random(1).randbytes(64 << 10)
    path = tmp_path / "binary.txt"
    path.write_bytes(head + EXAMPLE.read_bytes())
    for doc in (profileparse.parse_file(path), *profileparse.parse_bytes(path.read_bytes())):
        assert [d.code for d in doc.diagnostics] == ["binary"] and doc.papers == ()


def test_empty_abstract_lines_are_one_warning_a_run_and_no_paper() -> None:
    text = "Abstract:\nAbstract: one\nAbstract:\n\nAbstract:   \nAbstract: two\n"
    doc = profileparse.parse(text)
    assert [p.abstract for p in doc.papers] == ["one", "two"]
    assert [(d.code, d.line, d.end_line) for d in doc.diagnostics] == [
        ("empty-abstract", 1, 1),
        ("empty-abstract", 3, 5),
    ]
    assert "2 'Abstract:' line(s) with no text" in doc.diagnostics[1].message


def test_a_million_empty_abstracts_parse_to_json_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "million.txt"
    path.write_text("Abstract:\n" * 1_000_000, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, "parse", str(path)], capture_output=True, text=True
    )
    code, peak = done.stdout.split()
    assert int(code) == 0, done.stderr
    assert '"papers": []' in done.stderr  # (the child's stdout, passed on)
    warning = f"{path}:1:1: warning: 1000000 'Abstract:' line(s) with no text after the colon"
    assert warning in done.stderr
    assert float(peak) < 1024, peak


def test_a_million_tiny_papers_are_written_as_json_a_piece_at_a_time(tmp_path: Path) -> None:
    """A million one-word abstracts: the model holds a million papers (about 320 MB), and
    their JSON text is written a piece at a time, never whole in memory (with it whole,
    the peak was 980 MB). The file is the text ``dumps`` gives."""
    path = tmp_path / "tiny.txt"
    path.write_text("".join(f"Abstract: x{i}\n" for i in range(1_000_000)), encoding="utf-8")
    written = tmp_path / "tiny.json"
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, "parse", str(path), "-o", str(written)],
        capture_output=True,
        text=True,
    )
    code, peak = done.stdout.split()
    assert int(code) == 0, done.stderr
    assert float(peak) < 512, peak
    data = json.loads(written.read_text(encoding="utf-8"))
    assert len(data["papers"]) == 1_000_000
    assert data["papers"][-1]["abstract"] == "x999999"
    assert data["papers"][-1]["span"] == {"start_line": 1_000_000, "end_line": 1_000_000}

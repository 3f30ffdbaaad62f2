"""What a new user pastes and meets in the first hour: half pages, files glued by
``cat``, binary and empty files, other encodings, and the files the CLI writes."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import profileparse
from profileparse.cli import main
from profileparse.corpus import Corpus
from tests.conftest import SEEDS, unaccounted

WEI = SEEDS / "000_6faa1e42dd226781.txt"
WANG = SEEDS / "001_a1e2e71e1a973e1e.txt"
ABSTRACTS = SEEDS / "004_9533bcb3dca15aed.txt"


def _cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize(
    ("first", "what"),
    [
        ("CMATH: Can Your Language Model Pass", "a title line"),
        ("Tianwen Wei, Jian Luan, Wei Liu et al.", "an author line"),
    ],
)
def test_a_half_pasted_profile_page_is_read_as_records(
    tmp_path: Path, first: str, what: str
) -> None:
    lines = _lines(WEI)
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    path = tmp_path / "half.txt"
    text = "\n".join(lines[start:])
    path.write_text(text, encoding="utf-8")
    doc = profileparse.parse_file(path)
    assert doc.layout == "profile" and doc.profile is None  # no name made up
    first_error = doc.errors[0]
    assert first_error.code == "missing-meta" and first_error.line <= 3
    assert "starts inside a paper record" in first_error.message
    # The partial first record keeps what it has; the others are whole.
    assert len(doc.papers) == 15
    assert doc.papers[0].authors == ("Tianwen Wei", "Jian Luan", "Wei Liu")
    assert doc.papers[1].title == "Skywork: A More Open Bilingual Foundation Model"
    assert unaccounted(doc, text) == []
    result = _cli("parse", str(path))
    assert result.exit_code == 1 and f"{path}:1:1: error: the text starts inside" in result.stderr
    with Corpus() as corpus:  # and no title or author line becomes an owner
        corpus.add(doc)
        owners = corpus.db.execute("SELECT name, inferred FROM profiles").fetchall()
        assert owners in ([], [("Tianwen Wei", 1)])


def test_dumps_glued_by_cat_are_split_at_the_join(tmp_path: Path) -> None:
    glued = tmp_path / "glued.txt"
    glued.write_bytes(WANG.read_bytes() + ABSTRACTS.read_bytes())  # no final newline
    join = WANG.read_text(encoding="utf-8").count("\n") + 1
    result = _cli("parse", str(glued))
    assert result.exit_code == 0
    profile, abstracts = json.loads(result.stdout)
    assert (profile["layout"], len(profile["papers"])) == ("profile", 10)
    assert (abstracts["layout"], len(abstracts["papers"])) == ("abstracts", 4)
    assert profile["papers"][-1]["abstract"].endswith("gesture recognition task.")
    assert abstracts["papers"][0]["abstract"].startswith("We present Skywork R1V2")
    assert f"{glued}:{join}:" in result.stderr and "joined without a final newline" in (
        result.stderr
    )
    # Read as one text, the join is where the warning points.
    (several,) = [
        d for d in profileparse.parse_file(glued).diagnostics if d.code == "several-dumps"
    ]
    assert several.line == join


@pytest.mark.parametrize("word", ["Abstract:", "ABSTRACT:", "abstract :", "AbStRaCt  :"])
def test_a_glued_abstracts_dump_is_found_however_its_word_is_written(word: str) -> None:
    profile = WANG.read_text(encoding="utf-8").rstrip("\n")
    abstracts = ABSTRACTS.read_text(encoding="utf-8").replace("Abstract:", word)
    first, second = profileparse.parse_all(profile + abstracts)
    assert (first.layout, len(first.papers)) == ("profile", 10)
    assert (second.layout, len(second.papers)) == ("abstracts", 4)
    (glue,) = [d for d in second.diagnostics if d.code == "glued-dumps"]
    assert glue.line == profile.count("\n") + 1


def test_a_binary_file_gives_one_error_and_nothing_else(tmp_path: Path) -> None:
    binary = tmp_path / "ls.txt"
    binary.write_bytes(
        Path("/bin/ls").read_bytes() if Path("/bin/ls").exists() else os.urandom(9000)
    )
    result = _cli("check", str(binary))
    assert result.exit_code == 1
    shown = [line for line in result.output.splitlines() if line.strip()]
    assert len(shown) <= 3
    assert f"{binary}:1:1: error: binary file, not a text dump" in result.output
    doc = profileparse.parse_file(binary)
    assert [d.code for d in doc.diagnostics] == ["binary"] and doc.papers == ()


def test_mostly_undecodable_bytes_are_binary_too(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(b"".join(bytes([0x80 + i % 60, 0xFF, 0x41]) + b"\n" for i in range(50)))
    assert [d.code for d in profileparse.parse_file(path).diagnostics] == ["binary"]


def test_an_empty_file_gives_a_warning(tmp_path: Path) -> None:
    for content in (b"", b"\n  \n\t\n"):
        path = tmp_path / "empty.txt"
        path.write_bytes(content)
        result = _cli("check", str(path))
        assert result.exit_code == 0
        assert f"{path}:1:1: warning: the dump is empty" in result.stdout
        assert "0 error(s), 1 warning(s)" in result.stderr


def test_a_cp1252_file_reads_with_encoding(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.txt"
    path.write_bytes(WEI.read_text(encoding="utf-8").encode("cp1252"))
    plain = _cli("parse", str(path))
    assert plain.exit_code == 1 and "--encoding cp1252" in plain.stderr
    result = _cli("parse", str(path), "--encoding", "cp1252")
    assert result.exit_code == 1, result.stderr  # the seed's own lost record, nothing more
    doc = json.loads(result.stdout)
    assert [d["code"] for d in doc["diagnostics"]] == ["paper-count"]
    assert any("Stéphane Chrétien" in p["authors"] for p in doc["papers"])
    assert profileparse.parse_file(path, encoding="cp1252") == profileparse.parse_file(
        WEI, source=str(path)
    )
    stream = profileparse.iter_papers(path, encoding="cp1252")
    assert list(stream) == list(profileparse.parse_file(WEI).papers)
    checked = _cli("check", str(path), "--encoding", "cp1252")
    assert checked.exit_code == 1 and checked.stdout.count("error") == 1
    assert "paper-count" not in checked.stdout and "lost in the copy" in checked.stdout
    db = tmp_path / "c.sqlite"
    built = _cli("corpus", str(path), "-o", str(db), "--encoding", "cp1252")
    assert built.exit_code == 1 and "1 new dump(s) added (1 with parse errors)" in built.stderr
    bad = _cli("parse", str(path), "--encoding", "klingon")
    assert bad.exit_code == 2 and "unknown encoding 'klingon'" in bad.output


def test_written_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        single = tmp_path / "one.json"
        assert _cli("parse", str(WANG), "-o", str(single), "-q").exit_code == 0
        folder = tmp_path / "out"
        # exit 1: seed 000 lost a record in the copy; every file is still written
        assert _cli("parse", str(SEEDS), "-o", f"{folder}/", "-q").exit_code == 1
        bib = tmp_path / "papers.bib"
        db = tmp_path / "c.sqlite"
        assert _cli("corpus", str(SEEDS), "-o", str(db)).exit_code == 1
        assert _cli("corpus", "export", str(db), "-f", "bibtex", "-o", str(bib)).exit_code == 0
        for path in [single, bib, *folder.iterdir()]:
            assert path.stat().st_mode & 0o777 == 0o644, path
    finally:
        os.umask(old)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_output_to_a_named_pipe_goes_through_it(tmp_path: Path) -> None:
    """-o names a pipe or a device (/dev/null): written to, never replaced by a file, as
    the rename of an atomic write would do (as root, to /dev/null itself)."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    assert _cli("parse", str(WANG), "-o", str(pipe), "-q").exit_code == 0
    reader.join(timeout=10)
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert received == [_cli("parse", str(WANG), "-q").stdout.encode("utf-8")]


def test_diagnostics_come_in_line_order_in_one_format(tmp_path: Path) -> None:
    text = WANG.read_text(encoding="utf-8").replace("CLOct 30, 2023Code", "CLOct 30 2023Cod")
    text = text.replace("10 Papers", "11 Papers")  # a header check, reported at line 10
    path = tmp_path / "broken.txt"
    path.write_text(text, encoding="utf-8")
    result = _cli("check", str(path))
    shown = [line for line in result.stdout.splitlines() if line.startswith(str(path))]
    numbers = [int(line[len(str(path)) + 1 :].split(":")[0]) for line in shown]
    assert numbers == sorted(numbers) and len(numbers) >= 2
    strict = _cli("parse", str(path), "--strict")
    assert strict.stderr.startswith(f"{path}:10:1: error: the header lists 11 papers")


def test_markdown_names_a_dump_by_its_file_name_and_shows_dates_as_the_site() -> None:
    page = profileparse.dumps(profileparse.parse_file(ABSTRACTS.resolve()), "markdown")
    assert page.startswith(f"# {ABSTRACTS.name.replace('_', chr(92) + '_')}\n")
    assert str(SEEDS) not in page
    wang = profileparse.dumps(profileparse.parse_file(WANG), "markdown")
    assert " · Apr 7 · " in wang and "--04-07" not in wang
    assert " · Oct 30, 2023 · " in wang


def test_the_report_shows_errors_and_exits_1(tmp_path: Path) -> None:
    binary = tmp_path / "ls.txt"
    binary.write_bytes(b"\x7fELF\x00\x01" * 100)
    page = tmp_path / "r.html"
    result = _cli("report", str(binary), str(ABSTRACTS), "-o", str(page))
    assert result.exit_code == 1
    assert f"{binary}:1:1: error: binary file, not a text dump" in result.stderr
    assert page.is_file() and "binary file, not a text dump" in page.read_text(encoding="utf-8")


def test_a_binary_and_an_empty_file_are_two_dumps_in_a_corpus(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    with Corpus() as corpus:
        result = corpus.add_files(sorted(tmp_path.glob("*.txt")))
        assert sorted(result.added) == ["binary.txt", "empty.txt"]
        assert result.with_errors == [("binary.txt", 1)]


def test_two_profile_pages_glued_by_cat(tmp_path: Path) -> None:
    glued = tmp_path / "two.txt"
    glued.write_bytes(WEI.read_bytes() + WANG.read_bytes())  # no final newline between
    first, second = profileparse.parse_all(glued.read_text(encoding="utf-8"))
    assert first.profile is not None and first.profile.name == "Tianwen Wei"
    assert second.profile is not None and second.profile.name == "Xiaokun Wang"
    assert (len(first.papers), len(second.papers)) == (15, 10)
    assert first.papers[-1].abstract is not None
    assert first.papers[-1].abstract.endswith("M-estimator.")
    (glue,) = [d for d in second.diagnostics if d.code == "glued-dumps"]
    assert glue.line == WEI.read_text(encoding="utf-8").count("\n") + 1

"""A third-party layout, installed from a temporary package the way pip leaves one: the
complete example of docs/layout-plugins.md, taken from the page as written, works
through parse, detection, streaming, the command line and the corpus, with no change to
the core."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import install_distribution, plugin_env

DOC = Path(__file__).resolve().parents[1] / "docs" / "layout-plugins.md"

NOTES = """\
* Attention Is All You Need | Ashish Vaswani, Noam Shazeer | 2017-06-12
* Deep Residual Learning for Image Recognition | Kaiming He, Xiangyu Zhang | 2015-12-10
a line that is no entry
* Generative Adversarial Nets | Ian Goodfellow, Jean Pouget-Abadie | 2014-06-10
"""


def _block(language: str, first_line: str) -> str:
    """The fenced code block of the page that starts with ``first_line``."""
    for body in re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        if body.startswith(first_line):
            return str(body)
    raise AssertionError(f"docs/layout-plugins.md has no {language} block {first_line!r}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder laid out like site-packages after ``pip install bullets-plugin``."""
    site = tmp_path_factory.mktemp("site")
    package = site / "bullets_plugin"
    package.mkdir()
    (package / "bullets.lark").write_text(
        _block("lark", "// bullets_plugin/bullets.lark"), encoding="utf-8"
    )
    (package / "__init__.py").write_text(
        _block("python", "# bullets_plugin/__init__.py"), encoding="utf-8"
    )
    install_distribution(site, "bullets-plugin", "1.0", "bullets", "bullets_plugin")
    return site


def _run(site: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = plugin_env(site)
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, check=False
    )


def test_the_layout_is_listed_and_detected(site: Path, tmp_path: Path) -> None:
    listed = _run(site, "-m", "profileparse", "layouts")
    assert listed.returncode == 0, listed.stderr
    (line,) = [row for row in listed.stdout.splitlines() if row.startswith("bullets ")]
    assert line.endswith("[bullets-plugin 1.0]")

    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    parsed = _run(site, "-m", "profileparse", "parse", str(notes))
    assert parsed.returncode == 0, parsed.stderr  # a stray line is a warning
    doc = json.loads(parsed.stdout)
    assert doc["layout"] == "bullets"
    assert [p["title"] for p in doc["papers"]] == [
        "Attention Is All You Need",
        "Deep Residual Learning for Image Recognition",
        "Generative Adversarial Nets",
    ]
    assert doc["papers"][1]["authors"] == ["Kaiming He", "Xiangyu Zhang"]
    assert doc["papers"][2]["date"] == "2014-06-10"
    assert f"{notes}:3:1: warning: not a '* title | authors | date' line" in parsed.stderr


SCRIPT = """
import json, sys
import profileparse
import profileparse.streaming as streaming
from profileparse.corpus import Corpus

notes, glued, big = sys.argv[1:4]
out = {}
doc = profileparse.parse_file(notes)
out["layout"] = doc.layout
out["strict_ok"] = profileparse.parse(open(notes).read().replace("a line that is no entry\\n", ""),
                                      strict=True).ok
out["parts"] = [d.layout for d in profileparse.parse_all(open(glued).read())]
streaming.CHUNK_BYTES = 2000  # cut the stream often, at the layout's record starts
stream = profileparse.iter_papers(big)
papers = list(stream)
whole = profileparse.parse_file(big)
out["stream"] = [stream.layout, len(papers), papers == list(whole.papers),
                 stream.diagnostics == list(whole.diagnostics)]
with Corpus() as corpus:
    corpus.add_files([notes, glued])
    stats = corpus.stats()
    out["corpus"] = [stats.documents, stats.papers, stats.sightings, stats.abstract_only]
print(json.dumps(out))
"""


def test_parse_detection_streaming_and_the_corpus(site: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    glued = tmp_path / "glued.txt"  # an abstracts dump with a bullets dump pasted after it
    glued.write_text(
        "Abstract:We study attention.\nAbstract:We study residual networks.\n" + NOTES,
        encoding="utf-8",
    )
    big = tmp_path / "big.txt"
    entry = "* Paper {0} | Ada Lovelace, Alan Turing | 2020-01-{1:02d}\n"
    big.write_text("".join(entry.format(i, i % 28 + 1) for i in range(600)), encoding="utf-8")
    done = _run(site, "-c", SCRIPT, str(notes), str(glued), str(big))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["layout"] == "bullets" and out["strict_ok"]
    assert out["parts"] == ["abstracts", "bullets"]
    assert out["stream"] == ["bullets", 600, True, True]
    # notes and the glued file's bullets part show the same three papers: 3 papers,
    # 6 titled sightings, plus the glued file's 2 abstract-only records.
    assert out["corpus"] == [3, 3, 8, 2]


def test_the_command_line_streams_and_builds_a_corpus(site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTES, encoding="utf-8")
    (folder / "b.txt").write_text(NOTES.splitlines(keepends=True)[0], encoding="utf-8")
    db = tmp_path / "c.sqlite"
    built = _run(site, "-m", "profileparse", "corpus", str(folder), "-o", str(db))
    assert built.returncode == 0, built.stderr
    papers = sqlite3.connect(db).execute("SELECT COUNT(*) FROM papers").fetchone()
    assert papers == (3,)
    rows = _run(site, "-m", "profileparse", "parse", str(folder), "-f", "csv")
    lines = rows.stdout.splitlines()
    assert rows.returncode == 0 and len(lines) == 1 + 3 + 1
    assert [line.startswith("source,") for line in lines].count(True) == 1  # one header

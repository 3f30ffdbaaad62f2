"""The bibliographic exports read by a real citation processor: Debian's pandoc with its
citeproc renders the seeds' bibliography (parsed, and as a corpus built and exported by
the command line) from the BibTeX and from the CSL-JSON export, and the two show the
same entries: the same titles with their math set the same way,
"et al." where the site truncated the author list, and "n.d." (or the reference year)
for the papers the site shows without a year.

Debian's pandoc (2.17) reads BibTeX, BibLaTeX, CSL-JSON and CSL-YAML bibliographies but
no RIS (docs/formats.md says so), so RIS is not rendered here."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

import profileparse
from profileparse import Document, Paper, PaperDate
from profileparse.citations import citation_keys
from profileparse.formats import SkippedRecordsWarning
from profileparse.names import split_person
from tests.conftest import EVERY_SEED_EXIT, SEEDS, seed_paths

pytestmark = pytest.mark.slow  # runs pandoc; CI installs it (.ci/run)

PANDOC = shutil.which("pandoc")
SUFFIX = {"bibtex": ".bib", "csl-json": ".json"}


class _Entries(HTMLParser):
    """The text of each ``<div id="ref-KEY">`` entry of pandoc's HTML bibliography, a
    superscript read as ``^(...)`` and a subscript as ``_(...)``."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[str, list[str]] = {}
        self.current: list[str] | None = None
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ident = dict(attrs).get("id") or ""
        if tag == "div" and ident.startswith("ref-"):
            self.current = self.entries.setdefault(ident.removeprefix("ref-"), [])
            self.depth = 0
        elif self.current is not None:
            self.depth += tag == "div"
            self.current.append({"sup": "^(", "sub": "_("}.get(tag, ""))

    def handle_endtag(self, tag: str) -> None:
        if self.current is None:
            return
        if tag == "div":
            if self.depth == 0:
                self.current = None
                return
            self.depth -= 1
        self.current.append(")" if tag in ("sup", "sub") else "")

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.current.append(data)


def _bibliography(documents: list[Document], name: str, folder: Path) -> dict[str, str]:
    """Each entry's text as pandoc's citeproc renders the ``name`` export of ``documents``
    (its default style, Chicago author-date), keyed by citation key."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedRecordsWarning)  # abstract-only records
        text = profileparse.dumps(documents, name)
    bibliography = folder / f"{name}{SUFFIX[name]}"
    bibliography.write_text(text, encoding="utf-8")
    return _render(bibliography)


def _render(bibliography: Path) -> dict[str, str]:
    """Each entry of ``bibliography`` as pandoc's citeproc renders it, by citation key."""
    if PANDOC is None:
        pytest.fail("the citeproc tests need Debian's pandoc: apt-get install -y pandoc")
    page = bibliography.with_name("cite-all.md")
    page.write_text("---\nnocite: '@*'\n---\n", encoding="utf-8")
    done = subprocess.run(
        [PANDOC, "--citeproc", "--to=html", "--wrap=none", f"--bibliography={bibliography}", page],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    reader = _Entries()
    reader.feed(done.stdout)
    reader.close()
    return {
        key: re.sub(r"\s+", " ", "".join(parts)).strip() for key, parts in reader.entries.items()
    }


def _same(entry: str) -> str:
    """An entry as the two readers should agree on it: pandoc's BibTeX reader makes an
    English title sentence case before the style title-cases it again, so short words
    (with, from) may differ in case; the math's spacing is the writer's own."""
    return re.sub(r"\s", "", entry).casefold()


def _entries(documents: list[Document], folder: Path) -> list[tuple[Paper, str, str]]:
    """Each titled paper with its BibTeX-rendered and CSL-JSON-rendered entries, which
    must agree."""
    bib = _bibliography(documents, "bibtex", folder)
    csl = _bibliography(documents, "csl-json", folder)
    papers = tuple(p for d in documents for p in d.papers if p.title)
    keys = citation_keys(papers)
    assert sorted(bib) == sorted(csl) == sorted(keys)
    for key in keys:
        assert _same(bib[key]) == _same(csl[key]), (bib[key], csl[key])
    return [(p, bib[k], csl[k]) for p, k in zip(papers, keys, strict=True)]


def _title(entry: str) -> str:
    (title,) = re.findall(r"“(.*)”", entry)
    return title


def test_the_seeds_render_the_same_from_bibtex_and_csl_json(tmp_path: Path) -> None:
    entries = _entries([profileparse.parse_file(path) for path in seed_paths()], tmp_path)
    assert len(entries) == 56  # seed 004's four abstract-only records have no entry
    for paper, *shown in entries:
        for entry in shown:
            # The style writes ——— for the authors of the entry before, when the same.
            assert split_person(paper.authors[0]).family in entry or entry.startswith("———")
            assert ("et al." in entry) == paper.et_al
            assert paper.date is not None
            if paper.date.year is None:
                assert re.search(r"\bn\.d\.(?:[a-z]\.)? ", entry), entry  # n.d., n.d.a., ...
                assert paper.date.as_shown() not in entry
            else:
                assert f" {paper.date.year}" in entry
            assert "$" not in entry  # the math is typeset
    titles = {
        _title(entry) for paper, *shown in entries if "$" in (paper.title or "") for entry in shown
    }
    assert {re.search(r"D\^\(T\)", t) is not None for t in titles} == {True}
    assert sum(p.et_al for p, *_ in entries) > 0
    assert sum(p.date is not None and p.date.year is None for p, *_ in entries) > 0


def test_a_reference_year_dates_the_yearless_papers_in_both(tmp_path: Path) -> None:
    undated = [
        p.date is not None and p.date.year is None
        for path in seed_paths()
        for p in profileparse.parse_file(path).papers
        if p.title
    ]
    documents = [profileparse.parse_file(p, reference_year=2025) for p in seed_paths()]
    entries = _entries(documents, tmp_path)
    assert len(entries) == len(undated) and sum(undated) > 0
    for (_paper, *shown), yearless in zip(entries, undated, strict=True):
        for entry in shown:
            assert "n.d." not in entry
            if yearless:
                assert re.search(r" 2025[a-z]?\. ", entry), entry  # 2025, 2025a, ...


MATH = (
    "Can Learning From $D$ Tasks Generalize to $D^{T}$ Tasks?",
    r"Bounds in $O(n^2 \log n)$ Time for $x_1, \ldots, x_{n}$",
    r"$\alpha$-Divergence and $\epsilon$-Greedy $\phi$ With $\mathbf{W}$ and $\mathrm{ReLU}$",
    r"On $\mathcal{O}(1)$ and $\mathbb{R}^d$: $k \leq 2$, $a \to b$, $\ell_2$-Norm",
    r"Keys $W_{q}^{(l)}$ and $x'$ in $\{a, b\}$, $a = b + c - d$",
    "Costs $5 and $10 With 100% & #1",
)


def test_math_in_titles_is_set_the_same_from_bibtex_and_csl_json(tmp_path: Path) -> None:
    papers = tuple(
        Paper(title=title, authors=(f"Ann Example{i}", "Bo Second"), date=PaperDate(2024, 4, 22))
        for i, title in enumerate(MATH)
    )
    entries = _entries([Document(papers=papers)], tmp_path)
    for paper, *shown in entries:
        for entry in shown:
            assert "$" not in entry or paper.title == MATH[-1]
    assert "D^(T)" in _title(entries[0][2])
    assert "x_(1)" in _title(entries[1][2]) and "n^(2)" in _title(entries[1][2])
    assert "ℝ^(d)" in _title(entries[3][2])


def test_a_corpus_export_renders_the_same_from_bibtex_and_csl_json(tmp_path: Path) -> None:
    db = tmp_path / "seeds.sqlite"
    command = [sys.executable, "-m", "profileparse", "corpus"]
    built = subprocess.run([*command, SEEDS, "-o", db], capture_output=True, text=True)
    assert built.returncode == EVERY_SEED_EXIT, built.stderr  # seed 000 lost a record
    rendered = []
    for name, suffix in SUFFIX.items():
        out = tmp_path / name / f"corpus{suffix}"
        out.parent.mkdir()
        done = subprocess.run(
            [*command, "export", db, "-f", name, "-o", out], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        rendered.append(_render(out))
    bib, csl = rendered
    assert bib.keys() == csl.keys() and len(bib) == 51
    for key in bib:
        assert _same(bib[key]) == _same(csl[key]), (bib[key], csl[key])
    undated = [key for key, entry in csl.items() if re.search(r"\bn\.d\.", entry)]
    assert undated and undated == [key for key in bib if re.search(r"\bn\.d\.", bib[key])]
    assert any("et al." in entry for entry in csl.values())

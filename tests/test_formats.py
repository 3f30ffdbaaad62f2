"""Every built-in format, on every seed and on a hostile dump, read back by an independent
reader: json/jsonl (json), csv (csv), bibtex (bibtexparser 2), ris (rispy), csl-json
(jsonschema against the CSL data schema), markdown (Python-Markdown), and the render-back
formats (our own parser)."""

from __future__ import annotations

import csv
import datetime
import html
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import attrs
import bibtexparser
import jsonschema
import markdown as markdown_lib
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from hypothesis import given, settings
from hypothesis import strategies as st

import profileparse
from profileparse import Document
from profileparse.tex import split_math
from tests.conftest import EVERY_SEED_EXIT, SEEDS, seed_paths
from tests.render import DATA

HOSTILE = """Ann Example

CL
h-index1
1papers
3citations
Novelty10%
AI Score20

1 Papers

CLJun 29, 2023Code
=HYPERLINK("x") & {Braces} 100% of $x_1$ #1 ~tilde ^caret \\backslash

@Attacker One, +Plus Two, -Minus Three et al.

An abstract with & % $ # _ { } ~ ^ \\ and math $a^2 + b_1$.
"""


def _documents() -> list[tuple[str, Document]]:
    docs = [(p.stem[:3], profileparse.parse_file(p)) for p in seed_paths()]
    docs.append(("hostile", profileparse.parse(HOSTILE, source="hostile.txt")))
    return docs


DOCS = _documents()
IDS = [name for name, _ in DOCS]
DOCUMENTS = [doc for _, doc in DOCS]


def test_hostile_dump_parses_as_written() -> None:
    doc = profileparse.parse(HOSTILE)
    (paper,) = doc.papers
    assert paper.title is not None and paper.title.startswith('=HYPERLINK("x") & {Braces}')
    assert paper.authors == ("@Attacker One", "+Plus Two", "-Minus Three")
    assert doc.ok


@pytest.mark.parametrize("doc", DOCUMENTS, ids=IDS)
def test_json(doc: Document) -> None:
    data = json.loads(profileparse.dumps(doc, "json"))
    assert [p["title"] for p in data["papers"]] == [p.title for p in doc.papers]


@pytest.mark.parametrize("doc", DOCUMENTS, ids=IDS)
def test_jsonl(doc: Document) -> None:
    text = profileparse.dumps(doc, "jsonl")
    assert not text.startswith("\ufeff")
    lines = text.split("\n")
    assert lines[-1] == "" and all(lines[:-1])
    rows = [json.loads(line) for line in lines[:-1]]
    assert [r["title"] for r in rows] == [p.title for p in doc.papers]
    name = doc.profile.name if doc.profile else None
    assert all(r["profile_name"] == name and r["source"] == doc.source for r in rows)


@pytest.mark.parametrize("doc", DOCUMENTS, ids=IDS)
def test_csv_reads_back_and_defuses_formulas(doc: Document) -> None:
    text = profileparse.dumps(doc, "csv")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(doc.papers)
    for row, paper in zip(rows, doc.papers, strict=True):
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())
        title = row["title"][1:] if row["title"].startswith("'") else row["title"]
        assert title == (paper.title or "")
        authors = [a[1:] if a.startswith("'") else a for a in row["authors"].split("; ")]
        assert [a for a in authors if a] == list(paper.authors) or row["authors"].startswith("'")
    raw = list(csv.DictReader(io.StringIO(profileparse.dumps(doc, "csv", neutralise=False))))
    assert [r["title"] for r in raw] == [p.title or "" for p in doc.papers]


def test_csv_neutralises_the_hostile_cells() -> None:
    doc = profileparse.parse(HOSTILE)
    (row,) = csv.DictReader(io.StringIO(profileparse.dumps(doc, "csv")))
    assert row["title"].startswith("'=HYPERLINK")
    assert row["authors"].startswith("'@Attacker One; +Plus Two")


def _titled(doc: Document, format_name: str) -> tuple[str, list[profileparse.Paper]]:
    """The format's output, and the papers it holds: a bibliography leaves out records
    with no title, and says how many."""
    titled = [p for p in doc.papers if p.title]
    if len(titled) < len(doc.papers):
        left_out = len(doc.papers) - len(titled)
        with pytest.warns(profileparse.SkippedRecordsWarning, match=f"left out {left_out} "):
            return profileparse.dumps(doc, format_name), titled
    return profileparse.dumps(doc, format_name), titled


@pytest.mark.parametrize("doc", DOCUMENTS, ids=IDS)
def test_bibtex_reads_back_with_bibtexparser(doc: Document) -> None:
    text, papers = _titled(doc, "bibtex")
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    assert len(library.entries) == len(papers)
    keys = [e.key for e in library.entries]
    assert len(set(keys)) == len(keys)
    for entry, paper in zip(library.entries, papers, strict=True):
        assert paper.title is not None
        assert _tex(entry["title"]) == _tex(paper.title)
        if paper.date and paper.date.year is None:
            assert "year" not in entry.fields_dict


def _tex(text: str) -> str:
    """What TeX shows: "--" is an en dash; the decoder writes a lone caret as U+02C6."""
    text = text.replace("{", "").replace("}", "").replace("--", "–").replace("ˆ", "^")
    return re.sub(r"\s+", " ", text).strip()


def test_bibtex_escapes_specials_but_keeps_math() -> None:
    text = profileparse.dumps(profileparse.parse(HOSTILE), "bibtex")
    assert r"\& \{Braces\} 100\% of $x_1$ \#1 \textasciitilde{}tilde" in text
    assert r"math $a^2 + b_1$" in text
    assert "entry_type" not in text
    assert profileparse.dumps(
        profileparse.parse(HOSTILE), "bibtex", entry_type="article"
    ).startswith("@article{")


@pytest.mark.parametrize("doc", DOCUMENTS, ids=IDS)
def test_ris_reads_back_with_rispy(doc: Document) -> None:
    text, papers = _titled(doc, "ris")
    entries = rispy.loads(text)
    assert len(entries) == len(papers)
    for entry, paper in zip(entries, papers, strict=True):
        assert entry["type_of_reference"] == "GEN"
        assert entry.get("title") == paper.title
        assert len(entry.get("authors", [])) == len(paper.authors)
        if paper.date is not None and paper.date.year is None:
            assert "year" not in entry


@pytest.mark.parametrize("doc", DOCUMENTS, ids=IDS)
def test_csl_json_is_valid_against_the_schema(doc: Document) -> None:
    schema = json.loads((DATA / "csl-data.json").read_text(encoding="utf-8"))
    text, papers = _titled(doc, "csl-json")
    items = json.loads(text)
    jsonschema.validate(items, schema)
    assert len(items) == len(papers)
    for item, paper in zip(items, papers, strict=True):
        if paper.date is not None and paper.date.year is None:
            # No issued date (a processor shows n.d.); the month and day as ISO 8601 has them.
            assert "issued" not in item
            shown = datetime.datetime.strptime(item["custom"]["date-without-year"], "--%m-%d")
            assert (shown.month, shown.day) == (paper.date.month, paper.date.day)
        # A truncated list ends in the name processors read as "et al.", and only then.
        names = item.get("author", [])
        assert (names[-1:] == [{"literal": "others"}]) == (paper.et_al and bool(paper.authors))
        assert len(names) == len(paper.authors) + (paper.et_al and bool(paper.authors))


class _RichText(HTMLParser):
    """Reads a CSL rich-text string as text, a superscript as ``^(...)`` and a subscript
    as ``_(...)``, checking that its tags are CSL's and nest."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ("i", "b", "sup", "sub", "span"), tag
        assert tag != "span" or attrs == [("class", "nocase")], attrs
        self.open.append(tag)
        self.text.append({"sup": "^(", "sub": "_("}.get(tag, ""))

    def handle_endtag(self, tag: str) -> None:
        assert self.open.pop() == tag
        self.text.append(")" if tag in ("sup", "sub") else "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        (
            "Can Learning From $D$ Tasks Generalize to $D^{T}$ Tasks?",
            "Can Learning From D Tasks Generalize to D^(T) Tasks?",
        ),
        (
            r"Bounds in $O(n^2 \log n)$ for $x_1, \ldots, x_{n}$ in $\mathbb{R}^{d \times d}$",
            "Bounds in O(n^(2) log n) for x_(1), …, x_(n) in ℝ^(d × d)",
        ),
        (r"$\alpha$-Nets With $\mathrm{ReLU}$", "α-Nets With ReLU"),
        ("Costs $5 and $10 with 100% & #1", "Costs $5 and $10 with 100% & #1"),
    ],
)
def test_csl_json_titles_write_math_as_csl_rich_text(title: str, shown: str) -> None:
    doc = Document(papers=(profileparse.Paper(title=title, authors=("Ann Example",)),))
    (item,) = json.loads(profileparse.dumps(doc, "csl-json"))
    reader = _RichText()
    reader.feed(item["title"])
    reader.close()
    assert reader.open == []
    assert re.sub(r"\s", "", "".join(reader.text)) == re.sub(r"\s", "", shown)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="$\\{}^_ -'aZ1(),α", max_size=40))
def test_csl_rich_text_is_well_formed_for_any_title(title: str) -> None:
    """Whatever a title holds, its CSL title parses with CSL's tags, nested; a title
    without math keeps its text (bar TeX's dashes)."""
    doc = Document(papers=(profileparse.Paper(title=title or "t", authors=("Ann Example",)),))
    (item,) = json.loads(profileparse.dumps(doc, "csl-json"))
    reader = _RichText()
    reader.feed(item["title"])
    reader.close()
    assert reader.open == []
    if not any(math for _, math in split_math(title)):
        assert item["title"] == (title or "t").replace("---", "—").replace("--", "–")


@pytest.mark.parametrize("doc", DOCUMENTS, ids=IDS)
def test_markdown_renders_titles_as_text(doc: Document) -> None:
    page = markdown_lib.markdown(profileparse.dumps(doc, "markdown"), extensions=["tables"])
    headings = [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", page)]
    assert sorted(headings) == sorted(p.title or "Untitled" for p in doc.papers)
    assert "<script" not in page


@pytest.mark.parametrize("doc", DOCUMENTS, ids=IDS)
def test_render_back_to_the_documents_layout(doc: Document) -> None:
    assert doc.layout is not None
    text = profileparse.dumps(doc, f"{doc.layout}-dump")
    again = profileparse.parse(text)
    assert _content(again) == _content(doc)


def _content(doc: Document) -> tuple[object, ...]:
    profile = attrs.evolve(doc.profile, span=None) if doc.profile else None
    return doc.layout, profile, tuple(attrs.evolve(p, span=None) for p in doc.papers)


def test_render_back_reproduces_the_seeds_byte_for_byte() -> None:
    for path in seed_paths():
        doc = profileparse.parse_file(path)
        original = path.read_text(encoding="utf-8")
        assert profileparse.dumps(doc, f"{doc.layout}-dump") == original.rstrip("\n") + "\n"


def test_every_builtin_format_is_tested_here() -> None:
    tested = set(re.findall(r'(?:dumps|_titled)\(\w+, "([a-z-]+)"', Path(__file__).read_text())) | {
        "report",  # tests/test_report.py, in a browser
        "profile-dump",
        "inline-dump",
        "abstracts-dump",
    }
    assert set(profileparse.get_registry().formats) <= tested


# -- several documents as one output -------------------------------------------------


def _cli(*args: str) -> str:
    from click.testing import CliRunner

    from profileparse.cli import main

    result = CliRunner().invoke(main, ["parse", *args, "-q"])
    whole = not any(Path(a).is_dir() or a.startswith(str(SEEDS / "000_")) for a in args)
    assert result.exit_code == (0 if whole else EVERY_SEED_EXIT), result.output
    if "-f" in args and args[args.index("-f") + 1] in ("bibtex", "ris", "csl-json"):
        assert "note: " in result.stderr and "left out 4 record(s) with no title" in result.stderr
    return result.stdout


def test_every_format_writes_one_valid_file_for_a_folder_of_dumps() -> None:
    folder = str(seed_paths()[0].parent)
    documents = json.loads(_cli(folder, "-f", "json"))
    assert isinstance(documents, list) and len(documents) == 5
    rows = _cli(folder, "-f", "jsonl").splitlines()
    assert len(rows) == 60 and all(json.loads(row)["source"] for row in rows)
    table = list(csv.reader(io.StringIO(_cli(folder, "-f", "csv"))))
    assert len(table) == 61 and [r[0] for r in table].count("source") == 1
    # Bibliographies hold the 56 titled records; seed 004's four abstract-only records
    # are left out, with a note on stderr.
    items = json.loads(_cli(folder, "-f", "csl-json"))
    schema = json.loads((DATA / "csl-data.json").read_text(encoding="utf-8"))
    jsonschema.validate(items, schema)
    assert len(items) == 56 and len({item["id"] for item in items}) == 56
    library = bibtexparser.parse_string(_cli(folder, "-f", "bibtex"))
    assert library.failed_blocks == [] and len(library.entries) == 56
    assert len({entry.key for entry in library.entries}) == 56
    assert len(rispy.loads(_cli(folder, "-f", "ris"))) == 56
    page = _cli(folder, "-f", "markdown")
    assert page.count("\n# ") + page.startswith("# ") == 1  # one page, a section per dump
    assert page.count("\n## ") == 5


def test_an_unknown_option_names_the_valid_ones() -> None:
    doc = profileparse.parse_file(seed_paths()[1])
    with pytest.raises(profileparse.FormatOptionError, match="its options: entry_type"):
        profileparse.dumps(doc, "bibtex", entrytype="article")
    with pytest.raises(profileparse.FormatOptionError, match="letters only"):
        profileparse.dumps(doc, "bibtex", entry_type=1)
    with pytest.raises(profileparse.UnknownFormatError, match="known formats"):
        profileparse.dumps(doc, "nope")
    assert issubclass(profileparse.UnknownFormatError, profileparse.ProfileparseError)


def test_dumps_takes_several_documents() -> None:
    docs = [profileparse.parse_file(p) for p in seed_paths()]
    assert json.loads(profileparse.dumps(docs, "json"))[1]["profile"]["name"] == "Xiaokun Wang"
    with pytest.warns(profileparse.SkippedRecordsWarning, match="left out 4 "):
        text = profileparse.dumps(docs, "bibtex")
    keys = re.findall(r"^@misc\{([^,]+),", text, re.M)
    assert len(keys) == 56 == len(set(keys))


def test_json_through_orjson_gives_the_same_bytes() -> None:
    from profileparse.plugins import json as json_format

    from profileparse.serialize import to_data
    from tests.render import dumps_for, load_records

    assert json_format._orjson() is not None  # the fast extra (the test extra has it)
    docs = [profileparse.parse_file(p) for p in seed_paths()]
    for layout in ("profile", "inline", "abstracts"):
        docs += [profileparse.parse(d.text) for d in dumps_for(layout, load_records(120), 5)]
    for doc in docs:
        pure = json.dumps(to_data(doc), indent=2, ensure_ascii=False) + "\n"
        assert profileparse.dumps(doc, "json") == pure


def test_plain_data_is_what_the_cattrs_converter_gives() -> None:
    """to_data reads the model without cattrs; the converter from_data uses gives the
    same data for every document, types and key order included."""
    from profileparse import Diagnostic, Paper, PaperDate, Profile, Span
    from profileparse.serialize import converter, to_data
    from tests.render import dumps_for, load_records

    full = Document(
        source="full.txt",
        layout="profile",
        profile=Profile("Ada", "CL", 1, 2, 3, 4, 5, 6, Span(1, 9)),
        papers=[
            Paper("T", ["A B"], True, "Org", "CL", PaperDate(2023, 6, 29), True, 1.5, "x"),
            Paper(date=PaperDate(None, 4, 7), span=Span(10, 12)),
        ],
        diagnostics=[Diagnostic("error", "syntax", "m", 3, 2, 4)],
    )
    docs = [full, *DOCUMENTS]
    for layout in ("profile", "inline", "abstracts"):
        docs += [profileparse.parse(d.text) for d in dumps_for(layout, load_records(120), 5)]
    for doc in docs:
        assert repr(to_data(doc)) == repr(converter().unstructure(doc))


@pytest.mark.parametrize("indent", [None, 0, 2, 4])
@pytest.mark.parametrize("ensure_ascii", [False, True])
def test_the_json_text_is_built_a_paper_at_a_time_as_one_dumps_gives_it(
    seeds: list[Path], indent: int | None, ensure_ascii: bool
) -> None:
    """``json`` writes a document a paper at a time (no dict for every paper at once):
    the same text ``json.dumps`` gives the whole document's data."""

    from profileparse.serialize import to_data

    docs = [profileparse.parse_file(seed) for seed in seeds]
    docs += [profileparse.parse(""), profileparse.parse("Abstract:\n")]
    json_format = profileparse.get_registry().format("json")
    for doc in docs:
        want = json.dumps(to_data(doc), indent=indent, ensure_ascii=ensure_ascii) + "\n"
        assert profileparse.dumps(doc, "json", indent=indent, ensure_ascii=ensure_ascii) == want
        pieces = json_format.render_pieces(doc, indent=indent, ensure_ascii=ensure_ascii)
        assert "".join(pieces) == want
    for some in (docs, docs[:1], []):  # several documents: one array
        want = json.dumps([to_data(d) for d in some], indent=indent, ensure_ascii=ensure_ascii)
        pieces = json_format.render_many(some, indent=indent, ensure_ascii=ensure_ascii)
        assert "".join(pieces) == want + "\n"

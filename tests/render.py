"""Render real arXiv records into dumps the way the site shows them (a test oracle).

This is deliberately independent of the package's own code: it writes the three layouts
from raw records, with the variations people's files have (CRLF, BOM, trailing spaces,
extra or missing blank lines, no final newline), and says what each record must parse
to. Parsing those dumps and comparing is the held-out accuracy measure.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
ARXIV = DATA / "arxiv-slice.jsonl"

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
AFFILIATIONS = ("tsinghua", "stanford", "cmu", "mit", "eth zurich", "deepmind", "pku")


@dataclass
class Expected:
    """What one rendered record must parse to (the JSON field values, no span)."""

    title: str | None
    authors: list[str]
    et_al: bool
    affiliation: str | None
    category: str | None
    date: str | None
    has_code: bool
    score: float | None
    abstract: str | None


@dataclass
class Variations:
    crlf: bool = False
    bom: bool = False
    trailing_spaces: bool = False
    extra_blank_lines: bool = False
    missing_blank_lines: bool = False
    final_newline: bool = False

    @classmethod
    def random(cls, rng: random.Random) -> Variations:
        return cls(**{f: rng.random() < 0.3 for f in cls.__dataclass_fields__})


@dataclass
class Dump:
    text: str
    expected: list[Expected] = field(default_factory=list)


def load_records(limit: int | None = None, path: Path = ARXIV) -> list[dict[str, Any]]:
    """Records whose category has a two-letter code (``cs.CL`` -> ``CL``), as the site shows."""
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            code = record["category"].rsplit(".", 1)[-1]
            if len(code) == 2 and code.isupper() and record["authors"]:
                out.append(record)
                if limit is not None and len(out) >= limit:
                    break
    return out


def _meta(record: dict[str, Any], rng: random.Random) -> tuple[str, dict[str, Any]]:
    year, month, day = (int(x) for x in record["date"][:10].split("-"))
    recent = rng.random() < 0.25  # recent papers: no year shown, sometimes a score
    score = round(rng.uniform(10, 99.9), 1) if recent and rng.random() < 0.6 else None
    code = rng.random() < 0.4
    category = record["category"].rsplit(".", 1)[-1]
    date_text = f"{MONTHS[month - 1]} {day}" + ("" if recent else f", {year}")
    line = f"{score if score is not None else ''}{category}{date_text}{'Code' if code else ''}"
    iso = f"--{month:02d}-{day:02d}" if recent else f"{year:04d}-{month:02d}-{day:02d}"
    return line, {"category": category, "date": iso, "has_code": code, "score": score}


def _authors(record: dict[str, Any]) -> tuple[list[str], bool, str]:
    shown = record["authors"][:3]
    et_al = len(record["authors"]) > 3
    return shown, et_al, ", ".join(shown) + (" et al." if et_al else "")


def _finish(lines: list[str], v: Variations, rng: random.Random) -> str:
    out: list[str] = []
    for line in lines:
        if line == "":
            if v.missing_blank_lines and rng.random() < 0.5:
                continue
            if v.extra_blank_lines and rng.random() < 0.3:
                out.append("")
        if v.trailing_spaces and line and rng.random() < 0.3:
            line += rng.choice([" ", "  ", "\t", " \t "])
        out.append(line)
    text = ("\r\n" if v.crlf else "\n").join(out)
    if v.final_newline:
        text += "\r\n" if v.crlf else "\n"
    if v.bom:
        text = "\ufeff" + text
    return text


def render_profile(records: Sequence[dict[str, Any]], rng: random.Random, v: Variations) -> Dump:
    owner = records[0]["authors"][0]
    n = len(records)
    lines = [
        owner,
        "",
        records[0]["category"].rsplit(".", 1)[-1],
        f"h-index{rng.randint(1, 90)}",
        f"{n}papers",
        f"{rng.randint(0, 99999):,}citations",
        f"Novelty{rng.randint(0, 100)}%",
        f"AI Score{rng.randint(0, 100)}",
        "",
        f"{n} Papers",
        "",
    ]
    dump = Dump(text="")
    for record in records:
        meta, fields = _meta(record, rng)
        shown, et_al, authors_line = _authors(record)
        lines += [meta, record["title"], "", authors_line, "", record["abstract"], ""]
        dump.expected.append(
            Expected(record["title"], shown, et_al, None, abstract=record["abstract"], **fields)
        )
    dump.text = _finish(lines[:-1], v, rng)
    return dump


def render_inline(records: Sequence[dict[str, Any]], rng: random.Random, v: Variations) -> Dump:
    lines: list[str] = []
    dump = Dump(text="")
    for record in records:
        meta, fields = _meta(record, rng)
        shown, et_al, authors_line = _authors(record)
        affiliation = rng.choice(AFFILIATIONS) if rng.random() < 0.3 else None
        if affiliation:
            authors_line += f" · {affiliation}"
        lines += [meta, record["title"] + authors_line, record["abstract"]]
        if v.extra_blank_lines and rng.random() < 0.3:
            lines.append("")
        dump.expected.append(
            Expected(
                record["title"], shown, et_al, affiliation, abstract=record["abstract"], **fields
            )
        )
    dump.text = _finish(lines, v, rng)
    return dump


def render_abstracts(records: Sequence[dict[str, Any]], rng: random.Random, v: Variations) -> Dump:
    lines: list[str] = []
    dump = Dump(text="")
    for record in records:
        lines.append("Abstract:" + record["abstract"])
        if v.extra_blank_lines and rng.random() < 0.3:
            lines.append("")
        dump.expected.append(
            Expected(None, [], False, None, None, None, False, None, record["abstract"])
        )
    dump.text = _finish(lines, v, rng)
    return dump


RENDERERS = {"profile": render_profile, "inline": render_inline, "abstracts": render_abstracts}


def dumps_for(
    layout: str, records: Sequence[dict[str, Any]], seed: int, per_dump: int = 12
) -> Iterator[Dump]:
    """Split ``records`` into dumps of about ``per_dump`` records with random variations."""
    rng = random.Random(seed)
    for start in range(0, len(records), per_dump):
        chunk = records[start : start + per_dump]
        yield RENDERERS[layout](chunk, rng, Variations.random(rng))


# -- overlapping dumps with known truth, for the corpus ------------------------------

LAYOUTS = (("profile", 0.60), ("inline", 0.25), ("abstracts", 0.15))
REVISED = 0.05
NAMESAKES = 0.01
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def revise(abstract: str, rng: random.Random) -> str:
    """A v2 abstract: a few words changed, numbers updated, sometimes a sentence added."""
    words = abstract.split(" ")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(words))
        words[i] = rng.choice(words)
    text = " ".join(words)
    text = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), text, count=2)
    if rng.random() < 0.5:
        text += " Code and data are publicly available."
    return text


def namesake(record: dict[str, Any], others: list[dict[str, Any]], rng: random.Random) -> dict:
    """Another paper with the same title: other authors, an abstract of its own."""
    a, b = rng.sample(others, 2)
    first = _SENTENCE.split(a["abstract"])
    second = _SENTENCE.split(b["abstract"])
    abstract = " ".join(first[: max(1, len(first) // 2)] + second[len(second) // 2 :])
    return {**record, "authors": a["authors"], "abstract": abstract}


def write_overlapping_dumps(folder: Path, n: int, records: list[dict[str, Any]], seed: int) -> None:
    """Write ``n`` dumps and ``truth.json`` (each dump's records' paper ids) to ``folder``."""
    rng = random.Random(seed)
    pool = rng.sample(records, min(len(records), max(300, n * 10)))
    truth: dict[str, list[str]] = {}
    layouts, weights = zip(*LAYOUTS, strict=True)
    for i in range(n):
        layout = rng.choices(layouts, weights)[0]
        chosen = rng.sample(pool, rng.randint(10, 40))
        shown, ids = [], []
        for record in chosen:
            roll = rng.random()
            if roll < NAMESAKES and layout != "abstracts":
                shown.append(namesake(record, records, rng))
                ids.append(f"namesake-{i}-{len(ids)}")
                continue
            if roll < NAMESAKES + REVISED:
                record = {**record, "abstract": revise(record["abstract"], rng)}
            shown.append(record)
            ids.append(record["id"])
        dump = RENDERERS[layout](shown, rng, Variations.random(rng))
        name = f"{i:05d}.txt"
        (folder / name).write_text(dump.text, encoding="utf-8", newline="")
        truth[name] = ids
    (folder / "truth.json").write_text(json.dumps(truth), encoding="utf-8")


def _pairs(counts: Counter[Any]) -> int:
    return sum(c * (c - 1) // 2 for c in counts.values())


def corpus_quality(db_path: Path, truth: dict[str, list[str]]) -> dict[str, float]:
    """Same-paper pair precision and recall over titled records, and the share of
    abstract-only records linked right (or left unlinked when their paper never shows
    with a title), for a corpus built from :func:`write_overlapping_dumps` output."""
    db = sqlite3.connect(db_path)
    rows = db.execute(
        "SELECT d.source, s.position, s.paper_id, s.title_key IS NOT NULL FROM sightings s "
        "JOIN documents d ON d.id = s.document_id"
    ).fetchall()
    titled = [(truth[src][pos], paper) for src, pos, paper, has_title in rows if has_title]
    cells = _pairs(Counter(titled))
    predicted = _pairs(Counter(paper for _, paper in titled))
    actual = _pairs(Counter(t for t, _ in titled))
    majority: dict[int, Counter[str]] = {}
    for t, paper in titled:
        majority.setdefault(paper, Counter())[t] += 1
    paper_truth = {paper: c.most_common(1)[0][0] for paper, c in majority.items()}
    seen = {t for t, _ in titled}
    right = total = 0
    for src, pos, paper, has_title in rows:
        if has_title:
            continue
        total += 1
        t = truth[src][pos]
        right += paper_truth.get(paper) == t if paper is not None else t not in seen
    return {
        "precision": cells / predicted if predicted else 1.0,
        "recall": cells / actual if actual else 1.0,
        "abstracts_linked_right": right / total if total else 1.0,
        "titled": len(titled),
        "abstract_only": total,
    }

"""Render real arXiv records into dumps the way the site shows them (a test oracle).

This is deliberately independent of the package's own code: it writes the three layouts
from raw records, with the variations people's files have (CRLF, BOM, trailing spaces,
extra or missing blank lines, no final newline), and says what each record must parse
to. Parsing those dumps and comparing is the held-out accuracy measure.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ARXIV = SHARED / "data" / "arxiv-sample.jsonl"
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


def load_records(limit: int | None = None) -> list[dict[str, Any]]:
    """Records whose category has a two-letter code (``cs.CL`` -> ``CL``), as the site shows."""
    out = []
    with ARXIV.open(encoding="utf-8") as f:
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

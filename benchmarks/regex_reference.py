"""A plain-regex parser of the three layouts, written only as a speed baseline.

It does what a quick script would: find meta lines with one regex, cut the text between
them, split lines and author lists with string methods, and build dicts. It has no
diagnostics, no damaged-record recovery, no validation and a naive title/author split.
"""

from __future__ import annotations

import re
from typing import Any

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
META = re.compile(
    rf"^(\d{{1,3}}(?:\.\d{{1,2}})?)?([A-Z]{{2}})({MONTHS}) (\d{{1,2}})(?:, (\d{{4}}))?(Code)?$",
    re.MULTILINE,
)
GLUE = re.compile(r"(?<=[^\s])(?=[A-Z][a-z]+ [A-Z][\w-]*(?:,| et al\.|$| ·))")


def _authors(line: str) -> dict[str, Any]:
    affiliation = None
    if " · " in line:
        line, affiliation = line.rsplit(" · ", 1)
    et_al = line.endswith(" et al.")
    if et_al:
        line = line[: -len(" et al.")]
    return {"authors": line.split(", "), "et_al": et_al, "affiliation": affiliation}


def _meta(m: re.Match[str]) -> dict[str, Any]:
    score, category, month, day, year, code = m.groups()
    return {
        "score": float(score) if score else None,
        "category": category,
        "date": (int(year) if year else None, month, int(day)),
        "has_code": bool(code),
    }


def parse(text: str, layout: str) -> list[dict[str, Any]]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if layout == "abstracts":
        return [
            {"abstract": line[9:].strip()}
            for line in text.split("\n")
            if line.startswith("Abstract:")
        ]
    metas = list(META.finditer(text))
    papers = []
    for i, m in enumerate(metas):
        end = metas[i + 1].start() if i + 1 < len(metas) else len(text)
        lines = [line for line in text[m.end() : end].split("\n") if line.strip()]
        paper = _meta(m)
        if layout == "profile" and len(lines) >= 3:
            paper["title"] = lines[0]
            paper.update(_authors(lines[1]))
            paper["abstract"] = lines[2]
        elif layout == "inline" and len(lines) >= 2:
            head = lines[0].split(", ", 1)[0]
            cut = GLUE.search(head)
            at = cut.start() if cut else len(head)
            paper["title"] = lines[0][:at]
            paper.update(_authors(lines[0][at:]))
            paper["abstract"] = lines[1]
        papers.append(paper)
    return papers

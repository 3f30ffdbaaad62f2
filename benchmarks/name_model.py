"""The name model's effect on the inline split, measured on the tuning part: records of
the arXiv sample kept out of the model (``scripts/build_name_model.py``'s
``is_tuning``) and out of the tests' slice. Never on the tests' slice.

Each record gives several glued lines, one per window of up to three authors
(``Title`` + ``A, B, C et al.``, ``Title`` + ``B, C, D et al.``, ...), so more first
authors are met than records. For each evidence weight given, prints the lines split
exactly, the misses without an ``ambiguous-split`` (silent) and the exact lines
flagged anyway.

    .venv/bin/python benchmarks/name_model.py ../shared/data/arxiv-sample.jsonl \
        [--weight 0 0.2] [--cap 2.0] [--odds 3] [--bonus 0 1.5] [--kinds]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from build_name_model import held_out_ids, is_tuning, read_records  # noqa: E402

from profileparse import names  # noqa: E402
from profileparse.glued import split_glued  # noqa: E402


def lines(data: Path) -> list[tuple[str, str, list[str]]]:
    """(glued line, title, shown authors) for every window of the tuning records."""
    held = held_out_ids(ROOT / "tests" / "data" / "arxiv-slice.jsonl")
    out = []
    for record in read_records(data):
        rid = str(record["id"])
        if rid in held or not is_tuning(rid) or not record["authors"]:
            continue
        authors = [str(a) for a in record["authors"]]
        for k in range(len(authors)):
            shown = authors[k : k + 3]
            tail = " et al." if k + 3 < len(authors) else ""
            out.append((record["title"] + ", ".join(shown) + tail, record["title"], shown))
    return out


_CAMEL = re.compile(r"[a-z][A-Z]")


def kind(title: str, shown: list[str]) -> str:
    """Which of the hard kinds a line is: the first author's given name in camel case,
    the title's last word in camel case (a product name), an apostrophe or a
    three-part hyphenated word in a name; else ``other``."""
    first = shown[0].split()
    words = title.split()
    if len(first) > 1 and _CAMEL.search(first[0]):
        return "camel-case given name"
    if words and _CAMEL.search(words[-1]):
        return "title ends in a product name"
    if any("'" in n or "’" in n for n in shown):
        return "apostrophe in a name"
    if any(w.count("-") >= 2 for n in shown for w in n.split()):
        return "three-part hyphenated name"
    return "other"


def measure(
    cases: list[tuple[str, str, list[str]]],
) -> tuple[int, int, int, list[str], dict[str, Counter[str]]]:
    exact = silent = flagged = 0
    misses = []
    kinds: dict[str, Counter[str]] = {}
    for line, title, shown in cases:
        split = split_glued(line)
        counts = kinds.setdefault(kind(title, shown), Counter())
        counts["lines"] += 1
        if split.title == title and list(split.authors.names) == shown:
            exact += 1
            flagged += not split.confident
            counts["exact"] += 1
            counts["flagged correct"] += not split.confident
        else:
            silent += split.confident
            counts["silent"] += split.confident
            misses.append(f"{line!r} -> {split.title!r} | {split.authors.names[:1]}")
    return exact, silent, flagged, misses, kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--weight", type=float, nargs="+", default=[names.EVIDENCE_WEIGHT])
    parser.add_argument("--cap", type=float, default=names.EVIDENCE_CAP)
    parser.add_argument("--odds", type=float, nargs="+", default=[names.EVIDENCE_ODDS])
    parser.add_argument("--bonus", type=float, nargs="+", default=[names.EVIDENCE_BONUS])
    parser.add_argument("--show", type=int, default=0, help="print this many misses")
    parser.add_argument("--kinds", action="store_true", help="the figures per kind of line")
    args = parser.parse_args()
    cases = lines(args.data)
    settings = [(w, o, b) for w in args.weight for o in args.odds for b in args.bonus]
    for weight, odds, bonus in settings:
        names.EVIDENCE_WEIGHT, names.EVIDENCE_CAP = weight, args.cap
        names.EVIDENCE_ODDS, names.EVIDENCE_BONUS = odds, bonus
        names._below.clear()
        exact, silent, flagged, misses, kinds = measure(cases)
        print(
            f"weight {weight} cap {args.cap} odds {odds} bonus {bonus}: "
            f"{exact}/{len(cases)} exact "
            f"({exact / len(cases):.4%}); silent {silent}; flagged correct {flagged} "
            f"({flagged / len(cases):.3%})"
        )
        for miss in misses[: args.show]:
            print("  ", miss)
        if args.kinds:
            for name, counts in sorted(kinds.items()):
                total = counts["lines"]
                print(
                    f"  {name}: {counts['exact']}/{total} exact; silent {counts['silent']}; "
                    f"flagged correct {counts['flagged correct']}"
                )


if __name__ == "__main__":
    main()

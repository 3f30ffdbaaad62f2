"""Build ``profileparse/data/names.json.gz``, the name model of
:mod:`profileparse.namemodel`, from arXiv metadata (JSON lines with ``id``, ``title`` and
``authors``).

Records whose id is in the held-out file (the tests' slice) are never read into the
model, nor is a further tenth of the others chosen by a hash of the id (the tuning
part, :func:`is_tuning`). The output depends only on the input: the same data gives
the same bytes.

    python scripts/build_name_model.py ../shared/data/arxiv-sample.jsonl \
        --held-out tests/data/arxiv-slice.jsonl --out profileparse/data/names.json.gz
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from profileparse.namemodel import CLASSES, FAMILY, GIVEN, TITLE, VERSION, grams, parts
from profileparse.names import PARTICLES, SUFFIXES, split_person

#: One record in this many (by a hash of its id) is kept out for tuning.
TUNING_SHARE = 10


def is_tuning(record_id: str) -> bool:
    """True for the records kept out of the model to tune its use on."""
    digest = hashlib.sha256(record_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % TUNING_SHARE == 0


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def held_out_ids(path: Path) -> set[str]:
    return {str(r["id"]) for r in read_records(path)}


def _is_initial(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) <= 1 or token.endswith(".")


def name_words(name: str) -> tuple[list[str], list[str]]:
    """The given-name and family-name words of an author name, without initials,
    particles and suffixes."""
    person = split_person(" ".join(name.split()))
    given = [t for t in (person.given or "").split() if not _is_initial(t)]
    family = [
        t
        for t in person.family.split()
        if not (t.islower() and t in PARTICLES) and t not in SUFFIXES and not _is_initial(t)
    ]
    return given, family


def title_words(title: str) -> list[str]:
    """The capitalised words of a title."""
    words = (w.strip("\"'“”‘’()[]{}:;,.!?") for w in title.split())
    return [w for w in words if w[:1].isupper()]


def count(records: Iterable[dict[str, Any]]) -> dict[str, Counter[str]]:
    """Counts of word parts per class."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in CLASSES}
    for record in records:
        for word in title_words(str(record["title"])):
            counts[TITLE].update(parts(word))
        for author in record["authors"]:
            given, family = name_words(str(author))
            for word in given:
                counts[GIVEN].update(parts(word))
            for word in family:
                counts[FAMILY].update(parts(word))
    return counts


def build(records: Iterable[dict[str, Any]]) -> bytes:
    """The model file's bytes for these (training) records."""
    classes = {}
    for name, words in count(records).items():
        tri: Counter[str] = Counter()
        for word, n in words.items():
            for gram in grams(word):
                tri[gram] += n
        classes[name] = {"words": dict(words), "grams": dict(tri)}
    data = {"version": VERSION, "classes": classes}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def training_records(data: Path, held_out: Path) -> list[dict[str, Any]]:
    """The records the model is built from: neither held out nor kept for tuning."""
    held = held_out_ids(held_out)
    return [
        r for r in read_records(data) if str(r["id"]) not in held and not is_tuning(str(r["id"]))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="arXiv metadata, JSON lines")
    parser.add_argument(
        "--held-out", type=Path, required=True, help="JSON lines whose ids are never read"
    )
    parser.add_argument("--out", type=Path, required=True, help="where to write the model")
    args = parser.parse_args(argv)
    try:
        records = training_records(args.data, args.held_out)
        payload = build(records)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(payload)
    except (OSError, ValueError, KeyError) as err:
        print(f"build_name_model: {err}", file=sys.stderr)
        return 1
    print(f"{args.out}: {len(payload):,} bytes from {len(records):,} records", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

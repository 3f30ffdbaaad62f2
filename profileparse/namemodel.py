"""Learned evidence about words: how likely a word is as a given name, a family name or
a capitalised title word, from counts of real author names and titles, with character
3-grams for words never met.

The counts live in ``profileparse/data/names.json.gz``, built reproducibly by
``scripts/build_name_model.py`` from CC0 arXiv metadata (see ``docs/name-model.md``).
The file is read on first use only: layouts that never ask (profile, abstracts) never
load it.

Each class (``given``, ``family``, ``title``) is a distribution over words: a word's
probability mixes its count with a character 3-gram model of the class (interpolated
with 2-grams and 1-grams), weighted by the count of distinct words seen, so a word met
often is known by its count and a word never met by what its letters look like. A word
is scored in parts, split at hyphens and at capitals after lower case (``Tie-Yan``,
``MinJun``, ``DataBenchSean``); its log-odds is that of its least name-like part.

>>> name_log_odds("Xiaozhi", GIVEN) > 0 > name_log_odds("Models", GIVEN)
True
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
from collections import Counter
from importlib import resources
from typing import Final, NamedTuple

__all__ = [
    "CLASSES",
    "FAMILY",
    "GIVEN",
    "TITLE",
    "NameModel",
    "load",
    "log_prob",
    "name_log_odds",
    "parts",
]

GIVEN: Final = "given"
FAMILY: Final = "family"
TITLE: Final = "title"
CLASSES: Final = (GIVEN, FAMILY, TITLE)

#: The file's format; the loader refuses others.
VERSION = 1
_START, _END = "\x02", "\x03"  # padding around a word for its 3-grams
# Weights of the 3-gram, 2-gram and 1-gram estimates of a character.
_WEIGHTS = (0.6, 0.3, 0.1)
_PART = re.compile(r"[^\W\d_](?:[^\W\d_]|['’])*", re.UNICODE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def parts(word: str) -> list[str]:
    """The parts a word is counted and scored by: split at hyphens and at a capital after
    lower case, case folded, trailing apostrophes and other marks dropped.

    >>> parts("Tie-Yan"), parts("DataBenchSean"), parts("Nicolo'"), parts("LLMs")
    (['tie', 'yan'], ['data', 'bench', 'sean'], ['nicolo'], ['llms'])
    """
    out = []
    for chunk in word.split("-"):
        for piece in _CAMEL.split(chunk):
            m = _PART.search(piece)
            if m is not None:
                text = m.group().rstrip("'’").casefold()
                if text:
                    out.append(text)
    return out


def grams(part: str) -> list[str]:
    """The character 3-grams of a part, with padding at both ends."""
    padded = _START + _START + part + _END
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


class _Tables(NamedTuple):
    """One class's counts: its words, its 3-grams and what they sum to."""

    words: dict[str, int]
    total: int
    tri: dict[str, int]
    ctx2: Counter[str]  # 3-grams by their first two characters
    bi: Counter[str]
    ctx1: Counter[str]  # 2-grams by their first character
    uni: Counter[str]
    chars: int

    @classmethod
    def of(cls, words: dict[str, int], tri: dict[str, int]) -> _Tables:
        ctx2: Counter[str] = Counter()
        bi: Counter[str] = Counter()
        uni: Counter[str] = Counter()
        for gram, n in tri.items():
            ctx2[gram[:2]] += n
            bi[gram[1:]] += n
            uni[gram[2]] += n
        ctx1: Counter[str] = Counter()
        for gram, n in bi.items():
            ctx1[gram[0]] += n
        return cls(words, sum(words.values()), tri, ctx2, bi, ctx1, uni, sum(uni.values()))


class NameModel:
    """Counts of words and of character 3-grams per class, and the probabilities they
    give (see the module's description). A class's tables are made when first asked."""

    def __init__(self, data: dict[str, dict[str, dict[str, int]]]) -> None:
        self._data = data
        self._tables: dict[str, _Tables] = {}

    def tables(self, name: str) -> _Tables:
        """The counts of class ``name``."""
        tables = self._tables.get(name)
        if tables is None:
            raw = self._data[name]
            tables = self._tables[name] = _Tables.of(raw["words"], raw["grams"])
        return tables

    def gram_log_prob(self, part: str, name: str) -> float:
        """Natural log of the probability the class's character model gives ``part``."""
        t = self.tables(name)
        tri, ctx2, bi, ctx1, uni = t.tri, t.ctx2, t.bi, t.ctx1, t.uni
        w3, w2, w1 = _WEIGHTS
        floor = 1 / (t.chars + len(uni) + 1)
        total = 0.0
        for gram in grams(part):
            p = w1 * (uni.get(gram[2], 0) + 1) * floor
            n1 = ctx1.get(gram[1], 0)
            if n1:
                p += w2 * bi.get(gram[1:], 0) / n1
            n2 = ctx2.get(gram[:2], 0)
            if n2:
                p += w3 * tri.get(gram, 0) / n2
            total += math.log(p)
        return total

    def log_prob(self, part: str, name: str) -> float:
        """Natural log of the probability of ``part`` (one of :func:`parts`) as a word
        of class ``name``: its count mixed with the character model."""
        t = self.tables(name)
        types = len(t.words)
        backoff = math.exp(self.gram_log_prob(part, name))
        return math.log((t.words.get(part, 0) + types * backoff) / (t.total + types))

    def words(self, name: str) -> dict[str, int]:
        """The parts met in class ``name``, with their counts."""
        return self.tables(name).words


def _read() -> NameModel:
    raw = resources.files("profileparse").joinpath("data/names.json.gz").read_bytes()
    data = json.loads(gzip.decompress(raw))
    if data.get("version") != VERSION:
        raise ValueError(f"names.json.gz has format {data.get('version')}, expected {VERSION}")
    return NameModel(data["classes"])


@functools.cache
def load() -> NameModel:
    """The shipped model, read on the first call."""
    return _read()


@functools.lru_cache(maxsize=1 << 16)
def log_prob(part: str, name: str) -> float:
    """:meth:`NameModel.log_prob` of the shipped model."""
    return load().log_prob(part, name)


@functools.lru_cache(maxsize=1 << 16)
def name_log_odds(word: str, role: str) -> float:
    """How much likelier ``word`` is as a name of ``role`` (``GIVEN`` or ``FAMILY``) than
    as a title word, as a natural log-odds: positive when name-like. A word is as
    name-like as its least name-like part; a word without letters scores 0."""
    scores = [log_prob(p, role) - log_prob(p, TITLE) for p in parts(word)]
    return min(scores) if scores else 0.0

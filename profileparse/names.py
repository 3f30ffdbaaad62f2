"""Personal names: how plausible a string is as an author name, author lists, and
splitting a name for citation formats.

Names the parser has never seen cannot be checked against a list, so plausibility uses
what names *look* like: capitalised words, initials, particles (``van der``), suffixes
(``Jr.``), internal capitals (``McAllester``, ``LeCun``), hyphens, quoted nicknames.
:func:`name_cost` says how unusual a string is as a name (0 is ordinary, ``INVALID`` is
not a name); layouts that must find names in running text build on it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from attrs import frozen

from profileparse.deprecation import moved

__all__ = [
    "INVALID",
    "MAX_NAME",
    "AuthorList",
    "looks_like_author_list",
    "name_cost",
    "parse_author_list",
    "split_author_tail",
]

INVALID = math.inf
# Stray punctuation standing for a name (arXiv has entries like "NVIDIA, :"): allowed, but
# only when nothing better reads.
_JUNK = 6.0

# Lower-case words that sit inside a name and belong to the family name.
PARTICLES = frozenset(
    {
        "van", "von", "der", "den", "de", "del", "della", "dei", "degli", "di", "da", "dos",
        "das", "do", "du", "la", "le", "lo", "ter", "ten", "te", "zu", "zum", "zur", "vom",
        "op", "het", "in", "bin", "binti", "ibn", "al", "el", "y", "e", "af", "av", "mac",
        "st.", "ap", "ben", "bint", "abu", "ur", "ul", "uz", "ud",
    }
)  # fmt: skip
# Capitalised particles of Gaelic names ("Seán Ó hÉigeartaigh", "Áine Ní Bhriain").
GAELIC_PARTICLES = frozenset({"Ó", "Ní", "Nic", "Ua", "Uí", "Mac", "Mhic"})
SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV", "Jnr.", "Snr."})
# Short prefixes that commonly precede an internal capital in family names.
CAMEL_PREFIXES = frozenset(
    {"Mc", "Mac", "Le", "La", "De", "Di", "Da", "Du", "Van", "Von", "Del", "Fitz", "St", "Lo", "Ka"}
)
_VOWELS = "AEIOUÁÉÍÓÚ"
_QUOTES = "\"'“”‘’«»"
_OPEN_CLOSE = {"(": ")", "[": "]"}

_ET_AL = re.compile(r",?[^\S\n]+et[^\S\n]+al\.?\Z")
# The longest name worth considering: it bounds the work on hostile long lines.
MAX_NAME = 120
_SPACES = re.compile(r"\s+")


@frozen
class AuthorList:
    """An author list as the site shows it: up to three names, ``et al.``, an affiliation."""

    names: tuple[str, ...]
    et_al: bool
    affiliation: str | None


# ---------------------------------------------------------------------------
# Name plausibility


def _segment_cost(seg: str, first_in_token: bool) -> float:
    """Cost of one hyphen- or apostrophe-separated part of a name word."""
    if not seg:
        return INVALID
    letters = [c for c in seg if c.isalpha()]
    if len(letters) != len(seg):
        return INVALID
    if all(not c.isupper() and not c.islower() for c in seg):
        return 0.5  # a script without case (CJK, Thai, ...)
    if len(seg) > 2 and seg[0] in "hnt" and seg[1].isupper() and seg[1] in _VOWELS:
        return 0.3  # Gaelic initial mutation: "hÉigeartaigh", "nAlbanach"
    if seg[0].islower():
        # "Jean-baptiste" style lower-case continuation after a hyphen is unusual but real.
        if not first_in_token and seg.islower():
            return 0.8
        if any(c.isupper() for c in seg):  # "deWaard", "al-Farabi" handled by caller
            return 1.5
        return 4.0
    if len(seg) == 1:
        return 1.6  # a bare initial without its dot
    if seg.isupper():
        # "AJ", "KMA", "NVIDIA": real, but mostly a sign of an acronym; shorter is likelier.
        return {2: 1.2, 3: 1.5}.get(len(seg), 2.5)
    if seg[1].isupper():
        # Two capitals then lower case ("RTie", "KRoss", "LMs"): the tail of an acronym glued
        # to a name. Names almost never look like this (a typo like "QIn" is the exception).
        return 5.0
    # Capitalised word; look for internal capitals after lower case (camel case).
    cost = 0.0
    i = 1
    while i < len(seg):
        if seg[i].isupper():
            prefix = seg[:i]
            if not seg[i - 1].islower():
                return INVALID  # "McDA..." runs of capitals inside a word
            cost += 0.5 if prefix in CAMEL_PREFIXES else 2.0
            if i + 1 < len(seg) and seg[i + 1].isupper():
                return INVALID
        i += 1
    return cost


def _word_cost(token: str, position: int, count: int) -> float:
    """Cost of one space-separated token of a name."""
    first, last = position == 0, position == count - 1
    if token in SUFFIXES and not first and position >= 1:
        return 0.2 if last else 1.0
    if token.lower() in PARTICLES and token.islower():
        return 3.0 if first or last else 0.2
    if token in GAELIC_PARTICLES and not first and not last:
        return 0.3
    if token[0] in _QUOTES or token[0] in _OPEN_CLOSE:
        # Quoted nickname: "Richie", (Richie)
        closing = _OPEN_CLOSE.get(token[0])
        inner = token[1:]
        if closing is not None:
            if not inner.endswith(closing):
                return INVALID
            inner = inner[:-1]
        elif inner and inner[-1] in _QUOTES:
            inner = inner[:-1]
        else:
            return INVALID
        if not inner:
            return INVALID
        inner_cost = _word_cost(inner, 1, 3)
        return inner_cost + (2.0 if first else 0.5)
    if token.endswith("."):
        body = token[:-1]
        # Initials: "J.", "J.R.", "J.-P.", and abbreviations like "Ch.", "Md.", "Most.".
        parts = [p for p in re.split(r"[.\-]", body) if p]
        if parts and all(len(p) == 1 and p.isupper() for p in parts):
            return 0.2
        if not body or "." in body:
            return _JUNK
        return _word_cost(body, position, count) + 0.8
    if not any(c.isalpha() for c in token):
        return _JUNK
    cost = 0.0
    # "Borne--Pons" and "Rahat-uz-" occur in real metadata: empty parts between hyphens are
    # tolerated, not treated as two names.
    for k, seg in enumerate(s for s in token.split("-") if s):
        if "'" in seg or "’" in seg:
            pieces = re.split(r"['’]", seg)
            # O'Brien, D'Amico, d'Alembert, Ng'ang'a
            head, rest = pieces[0], pieces[1:]
            if not head or not all(rest):
                return INVALID
            if len(head) == 1 and head.isalpha():
                cost += 0.3
            else:  # "Ng'ang'a" is real; "RAD'Arcy" is an acronym glued to "D'Arcy"
                cost += _segment_cost(head, k == 0) + 1.0
            for piece in rest:
                piece_cost = _segment_cost(piece, False)
                cost += piece_cost if piece[0].isupper() or piece_cost < 1 else 0.3
        else:
            if k == 0 and seg[:2] in ("al", "el") and len(seg) == 2:
                cost += 0.3  # al-Farabi
                continue
            cost += _segment_cost(seg, k == 0)
        if cost == INVALID:
            return INVALID
    return cost


_COUNT_COST = {1: 2.5, 2: 0.0, 3: 0.3, 4: 1.0, 5: 2.0}


def name_cost(name: str) -> float:
    """How unusual ``name`` is as one person's name: 0 is ordinary, ``inf`` impossible.

    >>> name_cost("Laurens van der Maaten") < 1
    True
    >>> name_cost("LMsKaiyue Wen")
    inf
    """
    tokens = name.split()
    if not tokens:
        return INVALID
    count = len(tokens)
    cost = 0.0
    for position, token in enumerate(tokens):
        cost += _word_cost(token, position, count)
        if cost == INVALID:
            return INVALID
    core = sum(1 for t in tokens if not (t.islower() and t in PARTICLES) and t not in SUFFIXES)
    cost += _COUNT_COST.get(core, 2.0 + core)
    return cost


def looks_like_author_list(line: str) -> bool:
    """True when a whole line reads as an author list (used to recover damaged records)."""
    authors = parse_author_list(line)
    if not authors.names:
        return False
    costs = [name_cost(n) for n in authors.names]
    return all(c < 4.0 for c in costs) and (authors.et_al or len(authors.names) > 1 or costs[0] < 1)


# ---------------------------------------------------------------------------
# Author lists


def split_author_tail(text: str) -> tuple[str, bool, str | None]:
    """Remove `` · affiliation`` and `` et al.`` from the end of an author list."""
    affiliation = None
    head, dot, tail = text.rpartition("·")
    if dot and head[-1:].isspace() and tail.strip():
        affiliation = tail.strip()
        text = head.rstrip()
    # Only the end of the line can hold "et al."; looking there keeps this linear.
    cut = max(len(text) - 16, 0)
    m = _ET_AL.search(text, cut)
    et_al = m is not None
    if m:
        text = text[: m.start()]
    return text.rstrip(), et_al, affiliation


def _split_names(text: str) -> list[str]:
    return [_SPACES.sub(" ", p).strip() for p in text.split(",")]


def parse_author_list(line: str) -> AuthorList:
    """Read a line like ``Tianwen Wei, Jian Luan, Wei Liu et al.`` (with optional affiliation)."""
    text, et_al, affiliation = split_author_tail(line.strip())
    names = tuple(n for n in _split_names(text) if n)
    return AuthorList(names=names, et_al=et_al, affiliation=affiliation)


def join_author_list(names: Sequence[str], et_al: bool, affiliation: str | None) -> str:
    """The inverse of :func:`parse_author_list`, in the site's own style."""
    text = ", ".join(names)
    if et_al:
        text += " et al."
    if affiliation:
        text += f" · {affiliation}"
    return text


@frozen
class PersonName:
    """A name split for citation formats: ``family`` keeps its particles (``van der``)."""

    given: str | None
    family: str
    suffix: str | None = None


def split_person(name: str) -> PersonName:
    """Split a displayed name into given and family parts.

    >>> split_person("Laurens van der Maaten")
    PersonName(given='Laurens', family='van der Maaten', suffix=None)
    >>> split_person("Martin Luther King Jr.")
    PersonName(given='Martin Luther', family='King', suffix='Jr.')
    """
    tokens = name.split()
    suffix = None
    if len(tokens) > 1 and tokens[-1] in SUFFIXES:
        suffix = tokens.pop()
    if len(tokens) == 1:
        return PersonName(given=None, family=tokens[0], suffix=suffix)
    start = len(tokens) - 1
    # Lower-case particles (and Gaelic ones) before the last word belong to the family name.
    while start > 1 and (
        (tokens[start - 1].islower() and tokens[start - 1] in PARTICLES)
        or tokens[start - 1] in GAELIC_PARTICLES
    ):
        start -= 1
    return PersonName(
        given=" ".join(tokens[:start]), family=" ".join(tokens[start:]), suffix=suffix
    )


# The inline layout's title/author split lives in its plugin now.
__getattr__ = moved(
    __name__,
    {"split_glued": "profileparse.plugins.inline", "GluedSplit": "profileparse.plugins.inline"},
)

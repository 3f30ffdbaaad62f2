"""Personal names: how plausible a string is as an author name, author lists, and
splitting a name for citation formats.

Names the parser has never seen cannot be checked against a list, so plausibility uses
what names *look* like: capitalised words, initials, particles (``van der``), suffixes
(``Jr.``), internal capitals (``McAllester``, ``LeCun``), hyphens, quoted nicknames.
:func:`name_cost` says how unusual a string is as a name (0 is ordinary, ``INVALID`` is
not a name); layouts that must find names in running text build on it.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from typing import NamedTuple

__all__ = [
    "INVALID",
    "MAX_NAME",
    "NAME_LIKE",
    "ORGANISATION_WORDS",
    "AuthorList",
    "glued_name_cost",
    "looks_like_author_list",
    "name_cost",
    "name_cost_below",
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
# The longest name worth considering (characters): where a title's end and its first
# author are looked for, and what bounds the work on hostile long lines. The longest of
# the 48,274 author names in the arXiv sample has 44; the window before 2026-12 was
# 120, which scored readings of a first "name" as long as a title's whole last line.
MAX_NAME = 64


class AuthorList(NamedTuple):
    """An author list as the site shows it: up to three names, ``et al.``, an affiliation
    (a named tuple: one is made for every paper)."""

    names: tuple[str, ...]
    et_al: bool
    affiliation: str | None


# ---------------------------------------------------------------------------
# Name plausibility


def _segment_cost(seg: str, first_in_token: bool, camel: float = 2.0) -> float:
    """Cost of one hyphen- or apostrophe-separated part of a name word. ``camel`` is the
    cost of an internal capital after lower case (``TingJie``, ``NaseriTehrani``)."""
    if _PLAIN.fullmatch(seg):
        return 0.0  # the common case, settled at C speed: what the rules below give it
    if not seg.isalpha():  # also the empty string
        return INVALID
    if all(not c.isupper() and not c.islower() for c in seg):
        return 0.5  # a script without case (CJK, Thai, ...)
    if len(seg) > 2 and seg[0] in "hnt" and seg[1].isupper() and seg[1] in _VOWELS:
        return 0.3  # Gaelic initial mutation: "hÉigeartaigh", "nAlbanach"
    if seg[0].islower():
        # "Jean-baptiste" style lower-case continuation after a hyphen is unusual but real.
        if not first_in_token and seg.islower():
            return 0.8
        if _LOWER_PREFIX.fullmatch(seg):  # "deWaard", "al-Farabi" handled by caller
            return 1.5
        if any(c.isupper() for c in seg):  # "intensityACME": words glued, not a name
            return INVALID
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
            cost += 0.5 if prefix in CAMEL_PREFIXES else camel
            if i + 1 < len(seg) and seg[i + 1].isupper():
                return INVALID
        i += 1
    return cost


# Marks authors carry for equal contribution, correspondence or affiliation: "Roe*",
# "Zhang(†)", "Lima†", "Hardy1", "Lee¹". They are kept in the name as shown.
@functools.cache
def _marks() -> re.Pattern[str]:  # (compiled when first needed: start-up time)
    return re.compile(
        r"(?:[*†‡§¶#]+|\([*†‡§¶0-9]{1,3}\)|[0-9]{1,2}|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)(?:,?[*†‡§¶0-9])*\Z"
    )


_PLAIN = re.compile(r"[A-Z][a-z]+")  # a capitalised word of ASCII letters: "Wang"
_LONG_RUN_THEN_CAPITAL = re.compile(r"[a-z]{5}[A-Z]")
_ACRONYM_GLUED = re.compile(r"[A-Z0-9]+[A-Z][a-z]")  # "RAEuclid", "GAN2Euclid", "VOmni"
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{2,7}")
_LOWER_PREFIX = re.compile(r"[a-z]{1,3}[A-Z][a-z].*")
_INITIAL = re.compile(r"(?:[A-Z]\.)+(?:-[A-Z]\.)?")
_GLUED_TEAM = re.compile(r"[A-Z][a-z0-9]{1,12}Team")
_SYLLABLES = re.compile(r"[A-Z][a-z]{1,5}[A-Z][a-z]{1,4}")
# Head nouns of organisations that sign papers as authors ("OmniBench Team",
# "Euclid Collaboration", "Team Hunyuan3D"): words of English, not a list of names.
ORGANISATION_WORDS = frozenset(
    {"Team", "Collaboration", "Consortium", "Group", "Lab", "Laboratory", "Project",
     "Initiative", "Committee", "Inc", "Inc.", "Ltd", "Ltd."}
)  # fmt: skip


@functools.lru_cache(maxsize=1 << 16)
def _word_cost(token: str, first: bool, last: bool, camel: float = 2.0) -> float:
    """Cost of one space-separated token of a name, first in it, last, both or neither
    (all its place in the name changes)."""
    if _PLAIN.fullmatch(token) and token not in SUFFIXES and token not in GAELIC_PARTICLES:
        return 0.0  # the common case, settled at C speed: what the rules below give it
    marks = _marks().search(token) if last else None
    if marks is not None and marks.start() > 0 and token[marks.start() - 1].isalpha():
        return _word_cost(token[: marks.start()], first, last, camel) + 0.3
    if token in SUFFIXES and not first:
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
        inner_cost = _word_cost(inner, False, False)
        return inner_cost + (2.0 if first else 0.5)
    if token.endswith("."):
        body = token[:-1]
        # Initials: "J.", "J.R.", "J.-P.", and abbreviations like "Ch.", "Md.", "Most.".
        parts = [p for p in re.split(r"[.\-]", body) if p]
        if parts and all(len(p) == 1 and p.isupper() for p in parts):
            return 0.2
        if not body or "." in body:
            return _JUNK
        return _word_cost(body, first, last) + 0.8
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
            if rest == [""] and len(head) > 1 and head[-1] in "aeiou":
                # "Nicolo'", "Niccolo'": an accent on the last vowel written as an
                # apostrophe (keyboards without "ò"); the word is read without it.
                cost += _segment_cost(head, k == 0, camel) + 0.5
                continue
            if not head or not all(rest):
                return INVALID
            if len(head) == 1 and head.isalpha():
                cost += 0.3
            else:  # "Ng'ang'a" is real; "RAD'Arcy" is an acronym glued to "D'Arcy"
                cost += _segment_cost(head, k == 0, camel) + 1.0
            for piece in rest:
                piece_cost = _segment_cost(piece, False, camel)
                cost += piece_cost if piece[0].isupper() or piece_cost < 1 else 0.3
        else:
            if k == 0 and seg[:2] in ("al", "el") and len(seg) == 2:
                cost += 0.3  # al-Farabi
                continue
            cost += _segment_cost(seg, k == 0, camel)
        if cost == INVALID:
            return INVALID
    return cost


def _comma_inside(token: str) -> bool:
    """True for a word that ``_word_cost`` finds impossible anywhere but last in a name
    (where marks like "Lee1,2" may hold a comma): a comma in a word of letters that is no
    quoted nickname, abbreviation or apostrophe name. Lines glued from a title and an
    author list offer many such readings ("Yuanhe Zhang, Xinyue Wang" read as one name)."""
    return (
        "," in token
        and token[0] not in _QUOTES
        and token[0] not in _OPEN_CLOSE
        and not token.endswith(".")
        and "'" not in token
        and "’" not in token
        and any(c.isalpha() for c in token)
    )


_COUNT_COST = {1: 2.5, 2: 0.0, 3: 0.3, 4: 1.0, 5: 2.0}
_BARE = re.compile(r"[A-Z]")
_BARE_INITIAL = 0.6  # (a dotted initial costs 0.2; one that ends a name, 1.6)
#: What each name of a line costs below, at most, for the line to read as an author list;
#: also what a comma-separated piece costs below to be shaped like a name.
NAME_LIKE = 4.0
_PLAIN_NAME = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*")
_NOT_PLAIN = ORGANISATION_WORDS | SUFFIXES | GAELIC_PARTICLES


@functools.lru_cache(maxsize=1 << 16)
def name_cost(name: str, listed: bool = False) -> float:
    """How unusual ``name`` is as one person's (or organisation's) name: 0 is ordinary,
    ``inf`` impossible. ``listed``: the name stands between commas in an author list,
    so a given name with an internal capital (``SeungWoo Lee``) is ordinary there.

    >>> name_cost("Laurens van der Maaten") < 1
    True
    >>> name_cost("LMsKaiyue Wen")
    inf
    """
    return _name_cost(name, listed, INVALID)


#: Costs :func:`name_cost_below` found exactly (emptied when it holds this many).
_BELOW_SIZE = 1 << 16
_below: dict[str, float] = {}


def name_cost_below(name: str, limit: float) -> float:
    """``glued_name_cost(name)`` when that is below ``limit``; otherwise some number at
    least ``limit``, found with less work (the scoring stops once its words cost that
    much)."""
    cost = _below.get(name)
    if cost is None:
        # (Only a first word with a glued capital gets evidence, which can take off as
        # much as EVIDENCE_BONUS: such a name is scored that much further.)
        slack = EVIDENCE_BONUS if _GLUED_FIRST.match(name) else 0.0
        cost = _name_cost(name, False, limit + slack)
        if slack and cost < limit + slack:  # (exact)
            cost = max(cost + _evidence_cost(name), 0.0)
        if cost < limit:  # (exact)
            if len(_below) >= _BELOW_SIZE:
                _below.clear()
            _below[name] = cost
    return cost


#: What learned evidence (:mod:`profileparse.namemodel`) does to a name read at the start
#: of glued text, by the log-odds that its first word is a given name rather than a title
#: word: per unit of log-odds against, a cost (``EVIDENCE_WEIGHT``, at most
#: ``EVIDENCE_CAP``); a first word of several parts ("TingJie", "MohammadTaghi") each at
#: least ``EVIDENCE_ODDS`` for a given name costs ``EVIDENCE_BONUS`` less. Tuned on
#: records kept out of the model and out of the tests' slice (``benchmarks/name_model.py``).
EVIDENCE_WEIGHT = 0.2
EVIDENCE_CAP = 2.0
EVIDENCE_ODDS = 3.0
EVIDENCE_BONUS = 1.5


def glued_name_cost(name: str) -> float:
    """How unusual ``name`` is as the first author glued to a title: :func:`name_cost`
    with the learned evidence about its first word (see ``EVIDENCE_WEIGHT``)."""
    cost = name_cost(name)
    return cost if cost == INVALID else max(cost + _evidence_cost(name), 0.0)


# A first word with a capital after lower case inside it: where two readings of glued
# text differ by which side its parts go to ("DataBench|Sean", "Rank|TingJie"). The
# evidence weighs only such first words (a plain one has no rival reading that differs
# only in it).
_GLUED_FIRST = re.compile(r"\S*?[^\W\d_A-Z][A-Z]")


def _evidence_cost(name: str) -> float:
    """What the learned evidence adds to (or, negative, takes off) a name read at the
    start of glued text. Only glued text asks, so the model loads for inline lines only.
    An organisation's first word is a product's: it is not weighed."""
    tokens = name.split()
    if _GLUED_FIRST.match(name) is None or _organisation_cost(tokens) is not None:
        return 0.0
    from profileparse import namemodel

    first = tokens[0]
    odds = namemodel.name_log_odds(first, namemodel.GIVEN)
    if odds < 0:
        return min(-odds * EVIDENCE_WEIGHT, EVIDENCE_CAP)
    if odds >= EVIDENCE_ODDS and len(namemodel.parts(first)) > 1:
        return -EVIDENCE_BONUS
    return 0.0


def _name_cost(name: str, listed: bool, limit: float) -> float:
    """:func:`name_cost`, stopping once the words' costs reach ``limit`` (every part of
    the cost is a number of at least 0, added up)."""
    if _PLAIN_NAME.fullmatch(name):
        # The common case, settled at C speed: capitalised words of ASCII letters, none
        # an organisation's word, a suffix or a Gaelic particle, cost what the rules
        # below give them, only the count of words.
        tokens = name.split(" ")
        if _NOT_PLAIN.isdisjoint(tokens):
            return _COUNT_COST.get(len(tokens), 2.0 + len(tokens))
    tokens = name.split()
    if not tokens:
        return INVALID
    organisation = _organisation_cost(tokens)
    if organisation is not None:
        return organisation
    if len(tokens) == 1 and _ACRONYM.fullmatch(tokens[0]):
        return 2.0  # an organisation signing with its acronym: "NVIDIA", "ACME"
    if "," in name and any(map(_comma_inside, tokens[:-1])):
        return INVALID  # what the loop below finds, without scoring the other words
    count = len(tokens)
    cost = 0.0
    for position, token in enumerate(tokens):
        camel = 0.3 if listed else 2.0
        if position == 0 and count == 2 and _SYLLABLES.fullmatch(token):
            # A given name of two capitalised syllables ("JiHoon", "AliReza", "TingJie"):
            # common in romanised Korean, Chinese and Persian names.
            camel = min(camel, 1.2)
        if listed and position < count - 1 and len(token) == 1 and token.isupper():
            # An initial without its dot ("A B M Rahman", "David M George"): between
            # commas the name's start is known, so it is no sign of a misplaced boundary.
            cost += _BARE_INITIAL
        else:
            cost += _word_cost(token, position == 0, position == count - 1, camel)
        if cost >= limit:
            return cost  # (INVALID among them)
    words = [t for t in tokens if not (t.islower() and t in PARTICLES) and t not in SUFFIXES]
    initials = sum(1 for t in words if _INITIAL.fullmatch(t) or (listed and _BARE.fullmatch(t)))
    core = len(words) - initials + (initials + 1) // 2  # "L. D. M. S. Sai Teja" is 4
    cost += _COUNT_COST.get(core, 2.0 + core)
    return cost


def _organisation_cost(tokens: list[str]) -> float | None:
    """The cost of a name signed by an organisation ("BAAI RoboBrain Team",
    "KimiTeam"), or None when it is not one. Its other words may be written any way a
    product is (camel case, capitals, digits), but it needs at least one."""
    head = tokens[-1] if tokens[-1] in ORGANISATION_WORDS else None
    if head is None and len(tokens) > 1 and tokens[0] in ORGANISATION_WORDS:
        head = tokens[0]  # "Team Hunyuan3D"
    if head is None and len(tokens) == 1 and _GLUED_TEAM.fullmatch(tokens[0]):
        return 0.6  # "KimiTeam"
    if head is None:
        return None
    words = [t for t in tokens if t is not head]
    if not words or len(words) > 2:
        return 3.0 if not words else None
    if not all(t[0].isupper() or t[0].isdigit() for t in words):
        return None
    if not all(c.isalnum() or c in "-.&" for t in words for c in t):
        return None
    # Product words glue short parts ("RoboBrain", "LongCat"); a long lower-case run
    # before a capital ("ReportMeituan") is a title word glued to the name instead.
    glued = sum(1.5 for t in words if _LONG_RUN_THEN_CAPITAL.search(t))
    glued += sum(3.0 for t in words if _ACRONYM_GLUED.search(t))
    return 0.2 * len(tokens) + glued


def looks_like_author_list(line: str) -> bool:
    """True when a whole line reads as an author list (used to recover damaged records)."""
    authors = parse_author_list(line)
    if not authors.names:
        return False
    costs = [name_cost(n) for n in authors.names]
    return all(c < NAME_LIKE for c in costs) and (
        authors.et_al or len(authors.names) > 1 or costs[0] < 1
    )


# ---------------------------------------------------------------------------
# Author lists


def split_author_tail(text: str) -> tuple[str, bool, str | None]:
    """Remove `` · affiliation`` and `` et al.`` from the end of an author list."""
    affiliation = None
    head, dot, tail = text.rpartition("·")
    if dot and head[-1:].isspace() and tail.strip():
        affiliation = tail.strip()
        text = head.rstrip()
    if text.endswith(" et al.") and not (text[-8:-7].isspace() or text[-8:-7] == ","):
        return text[:-7], True, affiliation  # the common form, found without a regex
    # Only the end of the line can hold "et al."; looking there keeps this linear.
    m = _ET_AL.search(text, max(len(text) - 16, 0)) if text.endswith(("al", "al.")) else None
    if m is None:
        return text.rstrip(), False, affiliation
    return text[: m.start()].rstrip(), True, affiliation


def parse_author_list(line: str) -> AuthorList:
    """Read a line like ``Tianwen Wei, Jian Luan, Wei Liu et al.`` (with optional affiliation)."""
    text, et_al, affiliation = split_author_tail(line.strip())
    # Between the commas, the dump's characters with their ends trimmed; no empty names.
    names = tuple(filter(None, map(str.strip, text.split(","))))
    return AuthorList(names, et_al, affiliation)


def join_author_list(names: Sequence[str], et_al: bool, affiliation: str | None) -> str:
    """The inverse of :func:`parse_author_list`, in the site's own style."""
    text = ", ".join(names)
    if et_al:
        text += " et al."
    if affiliation:
        text += f" · {affiliation}"
    return text


class PersonName(NamedTuple):
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

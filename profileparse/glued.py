"""Where an inline record's title ends and its authors begin: the glued text
(``...Language ModelsXiaozhi Wang, Kaiyue Wen et al.``) scored at every place a name
could start, by how unusual the resulting names would be
(:func:`profileparse.names.name_cost`) and how unusual the title's ending; the
cheapest reading wins. The costs are small hand-set numbers, each explained where it is
defined; ``tests/test_names.py`` and the held-out evaluation in ``tests/test_heldout.py``
measure the result on real arXiv records rendered into dumps.

Used by the inline layout (``plugins/inline.py``) and by the corpus, which keys records
by the glued text (:func:`glued_text`) to repair their splits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from profileparse.names import (
    INVALID,
    MAX_NAME,
    NAME_LIKE,
    AuthorList,
    name_cost,
    name_cost_below,
    split_author_tail,
)

__all__ = ["KNOWN_NAME", "MARGIN", "GluedSplit", "glued_text", "split_glued"]


def glued_text(title: str, authors: Iterable[str]) -> str:
    """A title and its authors as the inline layout shows them: glued, the authors
    between commas."""
    return title + ", ".join(authors)


_LONG_LOWER_END = re.compile(r"[a-z]{5}\Z")
# A word that ends in a name's start glued on: after a sentence's end ("Plan?Omni"), or
# after an acronym ("CTSeung"). (The two never both match one word.)
_GLUED_WORD_END = re.compile(
    r"(?P<punctuation>[?!)\]][A-Z][a-z]*)\Z|(?P<capitals>[A-Z]{2}[A-Z](?!s\Z)[a-z]+)\Z"
)
# Endings of complete English words: inflection and common derivational suffixes.
_ENGLISH_ENDING = re.compile(
    r"(?:[a-z]{3}(?:ing|tion|sion|ness|ment|ity|sis|ics|ance|ence)s?|[a-z]{3}[^s\W]s|[A-Z]{2}s)$"
)


class GluedSplit(NamedTuple):
    """Where an inline ``Title``+``Authors`` line was split, and how sure that is."""

    title: str
    authors: AuthorList
    cost: float
    #: What the next best reading costs. Readings that cannot come within ``MARGIN`` of
    #: the best are not scored in full, so for a confident split this is only known to
    #: be at least ``MARGIN`` more (a costlier reading's, or ``INVALID``).
    runner_up: float
    #: The next best reading: its title and first author (None when there is none; for
    #: a confident split, as ``runner_up`` says).
    other: tuple[str, str] | None = None

    @property
    def confident(self) -> bool:
        """False when no reading looked like real names, or the next best reading came
        within ``MARGIN`` of the best."""
        return self.cost < 6.0 and self.runner_up - self.cost >= MARGIN


#: How much cheaper the best reading must be than the next for a split to pass without
#: an ``ambiguous-split`` warning. Measured on 9,288 real records: misread records are
#: then flagged, and about one correct record in 200 is.
MARGIN = 1.2
#: How much cheaper a reading gets when its first author is a name the same dump shows
#: cleanly elsewhere (between commas, or as a confident first author).
KNOWN_NAME = 1.5


# ---------------------------------------------------------------------------
# Where the title ends and the first author begins


def _title_end_cost(title: str) -> float:
    """How unusual it is for a title to end like ``title`` does."""
    last = title[-1]
    if last.islower():
        cost = 0.0
    elif last.isupper() or last.isdigit():
        cost = 0.2  # acronyms and numbers: "...for IR", "...in 4K"
    elif last in '?)]}!$*"”’»':
        cost = 0.3
    elif last == "'" or last == ".":
        cost = 1.5
    elif last == "-":
        cost = 5.0  # "Jean-" | "Baptiste": titles do not end in a hyphen
    elif last in ",;:&/(":
        cost = 5.0
    elif last.isalpha():
        cost = 0.3
    else:
        cost = 1.0
    end = title[-MAX_NAME:]
    words = end.rsplit(" ", 2)  # (the last two words, and what is before them)
    word = words[-1]
    # A final word with an internal capital ("DeepSeek") is a real but rarer title ending.
    # When the part before the last internal capital ends like a complete English word
    # ("ModelsJae", "DetectionYi"), the capital more likely starts a glued name
    # ("JaeYoung Kim"), so that reading costs more.
    last_cap = _glued_capital(word)
    if last.isupper() and (len(word) == 1 or not (word[-2].isupper() or word[-2].isdigit())):
        # "Plan A" is a title, but "Khloud A" + "L Jallad" or "DeepSeekA" + "J Smith" is
        # an initialism split in two.
        cost += 0.8
    glued_end = _GLUED_WORD_END.search(word)
    if glued_end is not None:
        # "Plan?Omni": a sentence ended, and a name was glued on; "CTSeung", "UAVHye":
        # an acronym with the start of a name glued on.
        cost += 1.0 if glued_end.lastgroup == "punctuation" else 1.5
    if last_cap:
        cost += 1.0
        if _ENGLISH_ENDING.search(word[:last_cap]):
            cost += 1.5
        elif _LONG_LOWER_END.search(word[:last_cap]):
            cost += 0.8  # "searchFu", "BrokerMohammad": product names glue shorter parts
    # A word just before the title's last that has a capital glued inside it after a
    # complete English word ("ReportBAAI Robo", "DistributionsSeyed Amir") is most likely
    # where the title really ended and the first author began.
    if len(words) > 1:
        earlier = words[-2]
        glued = _glued_capital(earlier)
        if glued:
            cost += 0.8 + (1.0 if _ENGLISH_ENDING.search(earlier[:glued]) else 0.0)
    # The title's last comma-separated piece reading as a name ("..., Hansol Lim, Soo") means
    # an author was left in the title.
    if "," in end:
        piece = title.rsplit(",", 1)[1].strip()
        if piece and piece[0].isupper():
            piece_cost = name_cost(piece)
            if piece_cost < INVALID:
                cost += 3.0
    return cost


_LAST_GLUED_CAPITAL = re.compile(r".*[a-z]([A-Z])", re.DOTALL)  # for ASCII words


def _glued_capital(word: str) -> int:
    """Where the last capital that follows a lower-case letter is inside ``word`` (0 if
    none): the mark a missing space leaves."""
    if word.isascii():
        m = _LAST_GLUED_CAPITAL.match(word)
        return m.start(1) if m is not None else 0
    for i in range(len(word) - 1, 0, -1):
        if word[i].isupper() and word[i - 1].islower():
            return i
    return 0


# What can start a name glued to the text before it: an ASCII capital or any non-ASCII
# character (looked at closer below), after a character that is not white space. ASCII
# lower case, digits and punctuation never can, so the regex engine skips them.
# (The class comes first, so the engine skips to its characters before looking back.)
_MAYBE_NAME_START = re.compile(r"(?:[A-Z]|[^\x00-\x7f])(?<=\S.)")


def _caseless(c: str) -> bool:
    return c.isalpha() and not c.isupper() and not c.islower()


def _candidates(text: str, start: int, end: int) -> list[int]:
    """Positions from ``start`` up to ``end`` where a name could start: a capital, or a
    letter of a script without case (CJK, ...) right after text of another kind, glued
    to what comes before."""
    found = _MAYBE_NAME_START.finditer(text, max(1, start), end)
    if text.isascii():
        return [m.start() for m in found]
    out = []
    for m in found:
        i = m.start()
        c = text[i]
        if c <= "Z" or c.isupper() or (_caseless(c) and not _caseless(text[i - 1])):
            out.append(i)
    return out


# What the count of names shown costs, by the count of names after the first (0 to 2):
# "et al." follows exactly three; without it, three is still the most common.
_ET_AL_COUNT_COST = (4.0, 4.0, 0.0)
_COUNT_COST = (0.6, 0.3, 0.0)


def split_glued(line: str, known: frozenset[str] = frozenset()) -> GluedSplit:
    """Split an inline-layout line into its title and author list.

    >>> s = split_glued("Learning to Rank for IRTie-Yan Liu, Jun Xu et al. · msra")
    >>> s.title, s.authors.names, s.authors.et_al, s.authors.affiliation
    ('Learning to Rank for IR', ('Tie-Yan Liu', 'Jun Xu'), True, 'msra')

    Each reading puts the last ``trailing`` comma-separated names (0 to 2) in the list
    and looks for where the first name starts in the text before them (its last
    ``MAX_NAME`` characters); the cheapest reading wins, of equals the one with fewer
    trailing names, then the one whose first name starts first. A reading that leaves
    in its title the last two pieces when both are shaped like names (each costing less
    than ``NAME_LIKE``) wins only when no other finds a first name. The cheapest
    readings are tried first, so that a costly one stops being scored as soon as it
    cannot come within ``MARGIN`` of the best (:func:`~profileparse.names.name_cost_below`)."""
    text, et_al, affiliation = split_author_tail(line.strip())
    pieces = text.split(",")
    counts = _ET_AL_COUNT_COST if et_al else _COUNT_COST
    # Each reading: what its names after the first cost, how many there are, where the
    # text before them ends (at a comma), and the names; the cheapest first.
    readings: list[tuple[float, int, int, list[str]]] = []
    tail: list[str] = []
    base = 0.0
    end = len(text)
    shaped = 0  # how many of the last pieces, from the end, are shaped like names
    for trailing in range(min(len(pieces) - 1, 2) + 1):
        if trailing:
            # Names keep the dump's characters (a no-break space stays one); only the
            # ends are trimmed.
            piece = pieces[-trailing]
            end -= len(piece) + 1
            name = piece.strip()
            tail = [name, *tail]
            cost = name_cost(name, True)  # (listed)
            base += cost
            if shaped == trailing - 1 and cost < NAME_LIKE:
                shaped = trailing
            if base == INVALID:
                break
        readings.append((base + counts[trailing], trailing, len(text[:end].rstrip()), tail))
    readings.sort()  # (by cost, then by the count of trailing names: each has its own)
    # Structure before guesswork: a reading that leaves in its title a whole
    # comma-separated piece shaped like a name and the start of the next one
    # ("...GenerationAmir Khan, A B M Rahman, Abu-" + "Al-Hasan") wins only when no
    # reading that keeps those pieces as names finds a first author. It still counts
    # as the next best: when it comes close, the split is not sure.
    kept = 1 if shaped == 2 else 0  # (readings with fewer trailing names leave them)
    # The best reading and the next, as ((cost, trailing, start), title, first name,
    # the names after it): of equal costs, the one with fewer trailing names wins, then
    # the one whose first name starts first.
    best: tuple[tuple[float, int, int], str, str, list[str]] | None = None
    second: tuple[tuple[float, int, int], str, str, list[str]] | None = None
    bonus = KNOWN_NAME if known else 0.0  # (what a known first name takes off at most)
    bound = INVALID  # readings that cost this much cannot change the outcome
    for base, trailing, end, tail in readings:
        if base - bonus >= bound:
            break
        # The first author's name starts after the comma before `end`: no reading puts
        # a comma inside it (name_cost finds a comma inside a name's word impossible,
        # bar an apostrophe name or a quoted nickname, and such a reading won on none
        # of the 9,288 sample records). The shortest name is scored first.
        floor = max(text.rfind(",", 0, end) + 1, end - MAX_NAME)
        for i in reversed(_candidates(text, floor, end)):
            head = text[i:end].strip()
            limit = bound - base + bonus
            cost = name_cost_below(head, limit)
            if cost >= limit:
                continue  # not a name (INVALID), or too costly to matter
            title = text[:i].rstrip()
            if not title:
                continue
            cost += base + _title_end_cost(title)
            if known and " ".join(head.split()) in known:
                cost = max(cost - KNOWN_NAME, 0.0)
            key = (cost, trailing, i)
            if best is None or (trailing < kept, key) < (best[0][1] < kept, best[0]):
                if best is not None and (second is None or best[0] < second[0]):
                    second = best
                best = (key, title, head, tail)
                if cost < 6.0 and trailing >= kept:
                    bound = cost + MARGIN
            elif second is None or key < second[0]:
                second = (key, title, head, tail)
    if best is None:
        return GluedSplit(text.strip(), AuthorList((), et_al, affiliation), INVALID, INVALID)
    (cost, _, _), title, first, tail = best
    return GluedSplit(  # (title, authors, cost, runner_up, other)
        title,
        AuthorList((first, *tail), et_al, affiliation),
        cost,
        second[0][0] if second is not None else INVALID,
        (second[1], second[2]) if second is not None else None,
    )

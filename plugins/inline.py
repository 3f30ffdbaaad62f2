"""The ``inline`` layout: meta line, title glued to authors (`` · affiliation``), abstract.

Grammar: ``grammars/inline.lark``. Where the title ends and the first author begins
cannot be told by a grammar (``...Language ModelsXiaozhi Wang, Kaiyue Wen et al.``), so
:func:`split_glued` below scores every place a name could start: how unusual the
resulting names would be (:func:`profileparse.names.name_cost`) and how unusual the
title's ending; the cheapest reading wins. The costs are small hand-set numbers, each
explained where it is defined; ``tests/test_names.py`` and the held-out evaluation in
``tests/test_heldout.py`` measure the result on real arXiv records rendered into dumps.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import attrs

from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.layouts import Layout, LayoutResult, Token, body_lines, diagnostic
from profileparse.model import Diagnostic, Document, Paper, Severity, Span
from profileparse.names import (
    INVALID,
    MAX_NAME,
    AuthorList,
    join_author_list,
    name_cost,
    split_author_tail,
)

from .common import (
    CODES,
    Meta,
    RecordLines,
    is_meta_line,
    meta_line,
    read_records,
    read_records_fast,
    record_meta,
    record_paper,
    record_shape,
)

_LONG_LOWER_END = re.compile(r"[a-z]{5}\Z")
_PUNCTUATION_THEN_WORD = re.compile(r"[?!)\]][A-Z][a-z]*\Z")
_CAPITALS_THEN_WORD = re.compile(r"[A-Z]{2}[A-Z](?!s\Z)[a-z]+\Z")
# Endings of complete English words: inflection and common derivational suffixes.
_ENGLISH_ENDING = re.compile(
    r"(?:[a-z]{3}(?:ing|tion|sion|ness|ment|ity|sis|ics|ance|ence)s?|[a-z]{3}[^s\W]s)$"
)


class GluedSplit(NamedTuple):
    """Where an inline ``Title``+``Authors`` line was split, and how sure that is."""

    title: str
    authors: AuthorList
    cost: float
    runner_up: float
    #: The next best reading: its title and first author (None when there is none).
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
    word = title[-MAX_NAME:].rsplit(" ", 1)[-1]
    # A final word with an internal capital ("DeepSeek") is a real but rarer title ending.
    # When the part before the last internal capital ends like a complete English word
    # ("ModelsJae", "DetectionYi"), the capital more likely starts a glued name
    # ("JaeYoung Kim"), so that reading costs more.
    last_cap = _glued_capital(word)
    if last.isupper() and (len(word) == 1 or not (word[-2].isupper() or word[-2].isdigit())):
        # "Plan A" is a title, but "Khloud A" + "L Jallad" or "DeepSeekA" + "J Smith" is
        # an initialism split in two.
        cost += 0.8
    if _PUNCTUATION_THEN_WORD.search(word):
        cost += 1.0  # "Plan?Omni": a sentence ended, and a name was glued on
    if _CAPITALS_THEN_WORD.search(word):
        cost += 1.5  # "CTSeung", "UAVHye": an acronym with the start of a name glued on
    if last_cap:
        cost += 1.0
        if _ENGLISH_ENDING.search(word[:last_cap]):
            cost += 1.5
        elif _LONG_LOWER_END.search(word[:last_cap]):
            cost += 0.8  # "searchFu", "BrokerMohammad": product names glue shorter parts
    # A word just before the title's last that has a capital glued inside it after a
    # complete English word ("ReportBAAI Robo", "DistributionsSeyed Amir") is most likely
    # where the title really ended and the first author began.
    for earlier in title[-MAX_NAME:].split(" ")[-2:-1]:
        glued = _glued_capital(earlier)
        if glued:
            cost += 0.8 + (1.0 if _ENGLISH_ENDING.search(earlier[:glued]) else 0.0)
    # The title's last comma-separated piece reading as a name ("..., Hansol Lim, Soo") means
    # an author was left in the title.
    if "," in title[-MAX_NAME:]:
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


def _candidates(text: str, start: int) -> list[int]:
    """Positions from ``start`` on where a name could start: a capital, or a letter of a
    script without case (CJK, ...) right after text of another kind, glued to what comes
    before."""
    found = _MAYBE_NAME_START.finditer(text, max(1, start))
    if text.isascii():
        return [m.start() for m in found]
    out = []
    for m in found:
        i = m.start()
        c = text[i]
        if c <= "Z" or c.isupper() or (_caseless(c) and not _caseless(text[i - 1])):
            out.append(i)
    return out


def split_glued(line: str, known: frozenset[str] = frozenset()) -> GluedSplit:
    """Split an inline-layout line into its title and author list.

    >>> s = split_glued("Learning to Rank for IRTie-Yan Liu, Jun Xu et al. · msra")
    >>> s.title, s.authors.names, s.authors.et_al, s.authors.affiliation
    ('Learning to Rank for IR', ('Tie-Yan Liu', 'Jun Xu'), True, 'msra')

    Each reading puts the last ``trailing`` comma-separated names (0 to 2) in the list
    and looks for where the first name starts in the text before them (its last
    ``MAX_NAME`` characters); the cheapest reading wins, the first of equals."""
    text, et_al, affiliation = split_author_tail(line.strip())
    pieces = text.split(",")
    best: tuple[float, str, tuple[str, ...]] | None = None
    second: tuple[float, str, tuple[str, ...]] | None = None
    max_trailing = min(len(pieces) - 1, 2)
    # The text before the trailing names ends at a comma: where each reading's ends.
    ends = [len(text)]
    for trailing in range(1, max_trailing + 1):
        ends.append(ends[-1] - len(pieces[len(pieces) - trailing]) - 1)
    ends = [len(text[:end].rstrip()) for end in ends]
    candidates = _candidates(text, min(ends) - MAX_NAME)
    title_costs: dict[int, tuple[str, float]] = {}  # a title is the same in every reading
    for trailing in range(0, max_trailing + 1):
        # Names keep the dump's characters (a no-break space stays one); only the ends
        # are trimmed.
        tail = [p.strip() for p in pieces[len(pieces) - trailing :]]
        tail_cost = 0.0
        for name in tail:
            tail_cost += name_cost(name, listed=True)
        if tail_cost == INVALID:
            continue
        end = ends[trailing]
        shown = trailing + 1
        # "et al." follows exactly three names; without it, three is still the most common.
        count_cost = (0.0 if shown == 3 else 4.0) if et_al else {3: 0.0, 2: 0.3, 1: 0.6}[shown]
        for i in candidates:
            if i < end - MAX_NAME:
                continue
            if i >= end:
                break
            head = text[i:end].strip()
            cost = name_cost(head)
            if cost == INVALID:
                continue
            if i not in title_costs:
                title = text[:i].rstrip()
                title_costs[i] = (title, _title_end_cost(title) if title else INVALID)
            title, title_cost = title_costs[i]
            if not title:
                continue
            cost += tail_cost + count_cost + title_cost
            if known and " ".join(head.split()) in known:
                cost = max(cost - KNOWN_NAME, 0.0)
            reading = (cost, title, (head, *tail))
            if best is None or cost < best[0]:
                best, second = reading, best
            elif second is None or cost < second[0]:
                second = reading
    if best is None:
        return GluedSplit(
            title=text.strip(),
            authors=AuthorList(names=(), et_al=et_al, affiliation=affiliation),
            cost=INVALID,
            runner_up=INVALID,
        )
    cost, title, names = best
    return GluedSplit(
        title=title,
        authors=AuthorList(names=names, et_al=et_al, affiliation=affiliation),
        cost=cost,
        runner_up=second[0] if second is not None else INVALID,
        other=(second[1], second[2][0]) if second is not None else None,
    )


_LONG = 25  # words


class InlineTransformer:
    """Turns the inline grammar's rules into the model."""

    def start(self, children: list[Any]) -> LayoutResult:
        papers: list[Paper] = []
        diagnostics: list[Diagnostic] = []
        for record_papers, record_diagnostics in children:
            papers.extend(record_papers)
            diagnostics.extend(record_diagnostics)
        return LayoutResult(papers=papers, diagnostics=diagnostics)

    def preamble(self, children: list[Token]) -> tuple[list[Paper], list[Diagnostic]]:
        message = "text before the first paper record was not read"
        lines = body_lines(children[0])
        return [], [diagnostic(Severity.WARNING, "preamble", message, lines[0], lines[-1])]

    def record(self, children: list[Token]) -> tuple[list[Paper], list[Diagnostic]]:
        lines = children[:1] + (body_lines(children[1]) if len(children) > 1 else [])
        return read_records(lines, 2, _paper)


def _ambiguous(split: GluedSplit, token: Token) -> Diagnostic:
    """The warning for a split whose next best reading came close, showing that one."""
    shown = split.authors.names[0] if split.authors.names else ""
    message = (
        f"the title/author boundary is uncertain: read as '...{split.title[-40:]}' + '{shown}'"
    )
    if split.other is not None:
        title, first = split.other
        message += f"; it could also be '...{title[-40:]}' + '{first}'"
    return diagnostic(Severity.WARNING, "ambiguous-split", message, token)


def _glued_line(paper: Paper) -> str:
    """An inline line that splits as ``paper`` was split (for a second look)."""
    line = (paper.title or "") + ", ".join(paper.authors) + (" et al." if paper.et_al else "")
    return line + (f" · {paper.affiliation}" if paper.affiliation else "")


def revise(result: LayoutResult) -> LayoutResult:
    """Look again at uncertain splits with the names the same dump shows cleanly: an
    author between commas, or the first author of a confident split. A reading whose
    first author is one of them gets cheaper (``KNOWN_NAME``)."""
    papers, diagnostics = list(result.papers), result.diagnostics
    uncertain = {d.line: d for d in diagnostics if d.code == "ambiguous-split"}
    if not uncertain:
        return result
    known: set[str] = set()
    flagged: dict[int, Diagnostic] = {}
    for index, paper in enumerate(papers):
        lines = range(paper.span.start_line, paper.span.end_line + 1) if paper.span else ()
        line = next((n for n in lines if n in uncertain), None)  # a record gives one at most
        if line is not None:
            flagged[index] = uncertain[line]
        known.update(" ".join(name.split()) for name in paper.authors[line is not None :])
    names = frozenset(known)
    dropped: set[int] = set()
    for index, warning in flagged.items():
        paper = papers[index]
        split = split_glued(_glued_line(paper), names)
        if split.authors.names and split.confident:
            papers[index] = attrs.evolve(
                paper, title=split.title, authors=split.authors.names, et_al=split.authors.et_al
            )
            dropped.add(id(warning))
    kept = [d for d in diagnostics if id(d) not in dropped]
    return LayoutResult(profile=result.profile, papers=papers, diagnostics=kept)


def _paper(record: RecordLines, diagnostics: list[Diagnostic]) -> Paper:
    meta = record_meta(record, diagnostics)
    lines = record.lines
    glued: Token | None = None
    abstract: Token | None = None
    if len(lines) >= 2:
        glued, abstract = lines[0], lines[1]
    elif len(lines) == 1:
        if len(lines[0].split()) >= _LONG and split_glued(lines[0]).cost == float("inf"):
            abstract = lines[0]
        else:
            glued = lines[0]
    for extra in lines[2:]:
        diagnostics.append(
            diagnostic(
                Severity.WARNING,
                "extra-line",
                "an inline record has a meta line, a title+authors line and an abstract; "
                "this line is none of them and was not read",
                extra,
            )
        )
    last = lines[-1] if lines else None
    split = None
    if glued is None:
        message = "this record has no title and author line"
        diagnostics.append(diagnostic(Severity.ERROR, "missing-title", message, record.meta, last))
    else:
        split = split_glued(glued)
        if split.authors.names and not split.confident:
            diagnostics.append(_ambiguous(split, glued))
        if not split.authors.names:
            diagnostics.append(
                diagnostic(
                    Severity.ERROR,
                    "missing-authors",
                    "no author names found at the end of this title line",
                    glued,
                )
            )
    if abstract is None:
        message = "this record has no abstract line"
        diagnostics.append(
            diagnostic(Severity.ERROR, "missing-abstract", message, record.meta, last)
        )
    return record_paper(
        record.span,
        meta,
        title=split.title if split is not None else None,
        authors=split.authors if split is not None else None,
        abstract=abstract.strip() if abstract is not None else None,
    )


def _regular(meta: Meta, lines: tuple[str, ...], span: Span) -> Paper | None:
    """A record of exactly a title+authors line and an abstract, as ``_paper`` reads one;
    None when the split needs a diagnostic (``_paper`` makes it)."""
    glued, abstract = lines
    split = split_glued(glued)
    if not split.authors.names or not split.confident:
        return None
    return record_paper(
        span, meta, title=split.title, authors=split.authors, abstract=abstract.strip()
    )


def fast(prepared: str) -> LayoutResult:
    """The grammar's parse without Lark's parser: the text before the first meta line
    is the preamble (one BODY token after ``_NL``), the records come from the META
    terminal, and the transformer's own handlers build the model."""
    transformer = InlineTransformer()

    def preamble(text: str) -> list[Any]:
        skip = len(text) - len(text.lstrip()) if text.startswith("\n") else 0  # _NL
        line = text.count("\n", 0, skip) + 1
        column = skip - text.rfind("\n", 0, skip)
        return [transformer.preamble([Token("BODY", text[skip:], line=line, column=column)])]

    return read_records_fast(prepared, transformer, preamble, (2, _regular))


def sniff(text: str) -> float:
    """0.9 for records of three lines (meta, title+authors, abstract); else low."""
    metas, gap = record_shape(text)
    if metas == 0 or gap is None:
        return 0.0
    if 1.5 <= gap < 2.5:
        return 0.9
    return 0.3 if gap < 1.5 else 0.1


def dump(document: Document, /) -> str:
    """Write ``document`` back in the inline layout (meta, title+authors, abstract).

    Every paper needs a category and a date for its meta line.
    """
    lines: list[str] = []
    for number, paper in enumerate(document.papers, start=1):
        meta = meta_line(paper, number)
        authors = join_author_list(paper.authors, paper.et_al, paper.affiliation)
        lines += [meta, (paper.title or "") + authors, paper.abstract or ""]
    return "".join(line + "\n" for line in lines)


@hookimpl
def register_formats(register: Any) -> None:
    register(
        Format(
            name="inline-dump",
            suffix=".txt",
            description="back to the inline layout's text",
            dump=dump,
        )
    )


@hookimpl
def register_layouts(register: Any) -> None:
    register(
        Layout(
            name="inline",
            description="meta line, title glued to authors (and · affiliation), abstract",
            grammar="inline.lark",
            transformer=InlineTransformer,
            sniff=sniff,
            record_start=is_meta_line,
            revise=revise,
            infers_titles=True,
            fast=fast,
            codes={
                **CODES,
                "preamble": "text before the first paper record; it was not read",
                "ambiguous-split": "the title/author boundary is uncertain; the warning "
                "shows the other reading",
            },
        )
    )

"""What changed between two dumps of one researcher's page.

:func:`diff` pairs the papers of an older and a newer dump by their normalised title
(the corpus's key, :func:`profileparse.corpus.keys.normalise_title`; a record with no
title by its normalised abstract) and says which were added, which removed and which
show other values (date, authors, category, code, score, abstract, ...), and how the
header's metrics moved (h-index, papers, citations, ...). Line numbers are not
compared: they move whenever a record is added above.
"""

from __future__ import annotations

import datetime
from collections import deque
from collections.abc import Iterator
from typing import Any

import attrs
from attrs import frozen

from profileparse.labels import PROFILE_LABELS
from profileparse.model import Document, Paper, PaperDate, Profile
from profileparse.serialize import paper_data

__all__ = ["Change", "DumpDiff", "PaperChange", "diff"]

#: How each compared value is named in the text form.
PAPER_LABELS = {
    "title": "title",
    "authors": "authors",
    "et_al": "et al.",
    "affiliation": "affiliation",
    "category": "category",
    "date": "date",
    "has_code": "code",
    "score": "score",
    "abstract": "abstract",
}
HEADER_LABELS = PROFILE_LABELS
_LONG = 80  # a title-less record is named by its abstract, cut to this length


@frozen
class Change:
    """One value that differs: the model's field name, and the old and new values as
    plain data (the ``json`` format's: dates ``YYYY-MM-DD``, authors a list)."""

    field: str
    old: Any
    new: Any

    def to_data(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}


@frozen
class PaperChange:
    """A paper both dumps show, with the values that differ."""

    old: Paper
    new: Paper
    changes: tuple[Change, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the fields that changed, in the model's order."""
        return tuple(change.field for change in self.changes)


@frozen
class DumpDiff:
    """The differences between an ``old`` and a ``new`` dump of one researcher.

    ``header``: the profile header's values that changed; ``added`` and ``removed``:
    papers only the new or only the old dump shows (in that dump's order); ``changed``:
    papers both show with other values (in the new dump's order); ``unchanged``: how
    many papers both show alike. ``old_taken`` and ``new_taken``: when each dump was
    taken, when known.
    """

    old: Document
    new: Document
    header: tuple[Change, ...]
    added: tuple[Paper, ...]
    removed: tuple[Paper, ...]
    changed: tuple[PaperChange, ...]
    unchanged: int
    old_taken: datetime.datetime | None = None
    new_taken: datetime.datetime | None = None

    @property
    def same(self) -> bool:
        """True when nothing compared differs."""
        return not (self.header or self.added or self.removed or self.changed)

    def to_data(self) -> dict[str, Any]:
        """The differences as plain JSON-ready data (papers in the ``json`` format's
        shape, without their line spans)."""
        return {
            "old": _side(self.old, self.old_taken),
            "new": _side(self.new, self.new_taken),
            "same": self.same,
            "profile_changes": [change.to_data() for change in self.header],
            "added": [_paper(p) for p in self.added],
            "removed": [_paper(p) for p in self.removed],
            "changed": [
                {
                    "title": c.new.title or c.old.title,
                    "changes": [change.to_data() for change in c.changes],
                    "old": _paper(c.old),
                    "new": _paper(c.new),
                }
                for c in self.changed
            ],
            "unchanged": self.unchanged,
        }

    def text(self) -> str:
        """The differences as lines to read: ``---``/``+++`` lines naming the dumps,
        then the header's changes and the papers added, removed and changed. Unchanged
        papers are counted, not listed."""
        return "".join(f"{line}\n" for line in self._lines())

    def _lines(self) -> Iterator[str]:
        yield f"--- {_describe(self.old, self.old_taken)}"
        yield f"+++ {_describe(self.new, self.new_taken)}"
        if self.same:
            yield f"no changes: {_papers(self.unchanged)} alike, the same header"
            return
        if self.header:
            yield "header:"
            for change in self.header:
                old = _header_value(change.field, change.old)
                new = _header_value(change.field, change.new)
                yield f"  {HEADER_LABELS[change.field]}: {old} -> {new}"
        if self.added:
            yield f"added {_papers(len(self.added))}:"
            yield from (f"  + {_headline(p)}" for p in self.added)
        if self.removed:
            yield f"removed {_papers(len(self.removed))}:"
            yield from (f"  - {_headline(p)}" for p in self.removed)
        if self.changed:
            yield f"changed {_papers(len(self.changed))}:"
            for paper in self.changed:
                yield f"  ~ {_headline(paper.new)}"
                for change in paper.changes:
                    old = _paper_value(change.field, change.old)
                    new = _paper_value(change.field, change.new)
                    yield f"      {PAPER_LABELS[change.field]}: {old} -> {new}"
        yield f"unchanged: {_papers(self.unchanged)}"


def diff(
    old: Document,
    new: Document,
    *,
    old_taken: datetime.datetime | None = None,
    new_taken: datetime.datetime | None = None,
) -> DumpDiff:
    """What changed from the ``old`` dump to the ``new`` one: papers added, removed and
    changed, matched by normalised title (by normalised abstract when a record has no
    title; records with neither are only ever added or removed), and the header's
    values that changed. Two records under one key are paired in their order. A date
    shown without a year matches the same month and day with one (the site drops the
    year of recent papers). ``old_taken``/``new_taken`` say when each was taken."""
    pending: dict[tuple[str, str], deque[int]] = {}  # old papers' places, by key
    for place, paper in enumerate(old.papers):
        key = _key(paper)
        if key is not None:
            pending.setdefault(key, deque()).append(place)
    added: list[Paper] = []
    changed: list[PaperChange] = []
    matched: set[int] = set()
    unchanged = 0
    for paper in new.papers:
        key = _key(paper)
        earlier = pending.get(key) if key is not None else None
        if not earlier:
            added.append(paper)
            continue
        place = earlier.popleft()
        matched.add(place)
        before = old.papers[place]
        changes = _paper_changes(before, paper)
        if changes:
            changed.append(PaperChange(old=before, new=paper, changes=changes))
        else:
            unchanged += 1
    removed = tuple(p for place, p in enumerate(old.papers) if place not in matched)
    return DumpDiff(
        old=old,
        new=new,
        header=_header_changes(old.profile, new.profile),
        added=tuple(added),
        removed=removed,
        changed=tuple(changed),
        unchanged=unchanged,
        old_taken=old_taken,
        new_taken=new_taken,
    )


def _key(paper: Paper) -> tuple[str, str] | None:
    """What pairs a paper across dumps: its normalised title, else its abstract."""
    from profileparse.corpus.keys import normalise_abstract, normalise_title

    if paper.title and (title := normalise_title(paper.title)):
        return ("title", title)
    if paper.abstract and (abstract := normalise_abstract(paper.abstract)):
        return ("abstract", abstract)
    return None


def _same_date(old: PaperDate | None, new: PaperDate | None) -> bool:
    if old is None or new is None:
        return old is new
    if old.year is None or new.year is None:
        return (old.month, old.day) == (new.month, new.day)
    return old == new


def _paper_changes(old: Paper, new: Paper) -> tuple[Change, ...]:
    before, after = paper_data(old), paper_data(new)
    changes = []
    for name in PAPER_LABELS:
        if name == "date":
            if _same_date(old.date, new.date):
                continue
        elif before[name] == after[name]:
            continue
        changes.append(Change(field=name, old=before[name], new=after[name]))
    return tuple(changes)


def _header_changes(old: Profile | None, new: Profile | None) -> tuple[Change, ...]:
    before = attrs.asdict(old) if old is not None else {}
    after = attrs.asdict(new) if new is not None else {}
    return tuple(
        Change(field=name, old=before.get(name), new=after.get(name))
        for name in HEADER_LABELS
        if before.get(name) != after.get(name)
    )


def _paper(paper: Paper) -> dict[str, Any]:
    data = paper_data(paper)
    del data["span"]
    return data


def _owner(document: Document) -> str | None:
    return document.profile.name if document.profile is not None else None


def _side(document: Document, taken: datetime.datetime | None) -> dict[str, Any]:
    return {
        "source": document.source,
        "name": _owner(document),
        "taken": taken.isoformat() if taken is not None else None,
        "papers": len(document.papers),
    }


def _describe(document: Document, taken: datetime.datetime | None) -> str:
    from profileparse.snapshots import shown

    facts = [_owner(document) or "no header", _papers(len(document.papers))]
    if taken is not None:
        facts.insert(1, f"taken {shown(taken)}")
    return f"{document.source or '<input>'} ({', '.join(facts)})"


def _papers(count: int) -> str:
    return f"{count} paper" if count == 1 else f"{count} papers"


def _headline(paper: Paper) -> str:
    title = paper.title or _shorten(paper.abstract or "") or "(no title)"
    when = paper.date.as_shown() if paper.date is not None else "undated"
    return f"{title} ({when}{f', {paper.category}' if paper.category else ''})"


def _shorten(text: str) -> str:
    return text if len(text) <= _LONG else f"{text[: _LONG - 3].rstrip()}..."


def _header_value(name: str, value: Any) -> str:
    if value is None:
        return "(none)"
    if name == "citations":
        return f"{value:,}"
    if name == "novelty":
        return f"{value}%"
    return str(value)


def _paper_value(name: str, value: Any) -> str:
    if value is None or value == []:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    if name == "date":
        return PaperDate.fromisoformat(value).as_shown()
    if name == "abstract":
        return f"({len(str(value).split())} words)"
    return str(value)

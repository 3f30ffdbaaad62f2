"""The keys the corpus compares records by: normalised titles, abstracts and names,
abstract fingerprints for blocking, and ids derived from content."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib

__all__ = [
    "author_key",
    "fingerprints",
    "normalise_abstract",
    "normalise_title",
    "stable_id",
]

_NOT_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"\w+")
#: Words in a shingle, and the share of shingles kept as fingerprints (1 in _SAMPLE).
_SHINGLE = 4
_SAMPLE = 8


def normalise_title(title: str) -> str:
    """A key under which the same title written slightly differently compares equal:
    Unicode-normalised, case-folded, punctuation and spacing removed."""
    text = unicodedata.normalize("NFKC", title).casefold()
    return _NOT_WORD.sub(" ", text).strip()


def normalise_abstract(text: str) -> str:
    """An abstract as compared: Unicode-normalised (NFKC), white space collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def author_key(name: str) -> str:
    """A name as compared: accents dropped, case-folded, punctuation ignored, so that
    "Stéphane Chrétien" and "Stephane Chretien" are the same author."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", bare.casefold()).strip()


def fingerprints(abstract: str) -> tuple[int, ...]:
    """A sample of an abstract's word shingles, chosen by content (each 4-word shingle
    whose CRC-32 falls in one residue class, about one in eight), so two versions of an
    abstract share most of their fingerprints while unrelated abstracts share few.

    Short texts with fewer than two sampled shingles keep every shingle (or every word),
    and a hash of the whole text is added, so every text has at least two."""
    words = _WORD.findall(abstract.casefold())
    # The whole text is one more fingerprint, so even a one-word text has two.
    whole = zlib.crc32(b"\0" + " ".join(words).encode())
    if len(words) < _SHINGLE:
        return tuple({whole, *(zlib.crc32(w.encode()) for w in words)})
    hashes = [
        zlib.crc32(" ".join(words[i : i + _SHINGLE]).encode())
        for i in range(len(words) - _SHINGLE + 1)
    ]
    sampled = [h for h in hashes if h % _SAMPLE == 0]
    return tuple({whole, *(sampled if len(sampled) >= 2 else hashes)})


def stable_id(*parts: str) -> int:
    """A positive 63-bit integer id derived from ``parts``: the same content gets the
    same id in every corpus, whatever order it was added in."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1 or 1

"""The corpus's settings: the abstract-similarity threshold it is built with, which
every later build must use (both engines ask here)."""

from __future__ import annotations

import sqlite3

from profileparse.errors import CorpusError

__all__ = ["DEFAULT_THRESHOLD", "stored_threshold", "threshold_to_use"]

#: Minimum abstract similarity (0-100, rapidfuzz ratio) to link an abstract-only record
#: or to merge two near-identical titles.
DEFAULT_THRESHOLD = 85.0


def stored_threshold(db: sqlite3.Connection) -> float | None:
    """The threshold the corpus was built with, or None for a new corpus."""
    row = db.execute("SELECT value FROM settings WHERE name = 'threshold'").fetchone()
    return float(row[0]) if row else None


def threshold_to_use(stored: float | None, wanted: float | None) -> float:
    """The threshold a build uses: the one the corpus was built with (refused when
    ``wanted`` differs), or for a new corpus ``wanted`` or the default."""
    if stored is None:
        return DEFAULT_THRESHOLD if wanted is None else wanted
    if wanted is not None and wanted != stored:
        raise CorpusError(
            f"this corpus was built with threshold {stored:g}; build a new corpus to use {wanted:g}"
        )
    return stored

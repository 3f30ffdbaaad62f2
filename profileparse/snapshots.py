"""Snapshots of a researcher's page: when a dump was taken, read and shown one way.

A dump is a snapshot of a page at the moment it was copied. Unless told otherwise, that
moment is the file's modification time (``touch -d 2026-01-05 dump.txt`` sets it).
Moments are timezone-aware UTC :class:`~datetime.datetime` values.
"""

from __future__ import annotations

import datetime
import os

__all__ = ["moment", "shown", "taken_at"]

_UTC = datetime.timezone.utc


def taken_at(path: str) -> datetime.datetime | None:
    """When the dump file at ``path`` was taken, as far as the file says: its
    modification time (UTC, to the second). None for standard input (``-``) and for a
    path that names no file."""
    if path == "-":
        return None
    try:
        if not os.path.isfile(path):
            return None
        seconds = os.stat(path).st_mtime
    except (OSError, ValueError):
        return None
    return datetime.datetime.fromtimestamp(int(seconds), _UTC)


def moment(value: str | datetime.date) -> datetime.datetime:
    """``value`` as a UTC moment: a :class:`~datetime.datetime` (a naive one is taken
    as UTC), a :class:`~datetime.date` (its midnight, UTC), or either in ISO 8601 text
    (``2026-01-05``, ``2026-01-05T10:30:00+01:00``). ``ValueError`` for other text."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"not an ISO date or date-time: {value!r}") from None
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        return value.replace(tzinfo=_UTC)
    return value.astimezone(_UTC)


def shown(value: datetime.datetime) -> str:
    """A moment as people read it: ``2026-01-05`` at midnight UTC, else
    ``2026-01-05 10:30 UTC``."""
    value = moment(value)
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.date().isoformat()
    return value.strftime("%Y-%m-%d %H:%M UTC")

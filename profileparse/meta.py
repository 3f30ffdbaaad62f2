"""Deprecated: the meta line belongs to the record layouts now,
:mod:`profileparse.plugins.common` (and ``MONTHS`` to :mod:`profileparse.model`)."""

from __future__ import annotations

from profileparse.deprecation import moved

_COMMON = "profileparse.plugins.common"
__getattr__ = moved(
    __name__,
    {
        "MONTHS": "profileparse.model",
        "Meta": _COMMON,
        "is_meta_line": _COMMON,
        "looks_like_broken_meta": _COMMON,
        "read_meta": _COMMON,
        "render_meta": _COMMON,
    },
)

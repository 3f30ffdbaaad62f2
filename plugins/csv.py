"""The ``csv`` format: one RFC 4180 row per paper, authors joined with ``; ``.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return) are prefixed with ``'`` (OWASP ASVS 1.2.10), so opening the file
in a spreadsheet cannot execute anything. ``neutralise=False`` turns that off.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from profileparse.formats import Format
from profileparse.hookspecs import hookimpl
from profileparse.model import Document
from profileparse.rows import COLUMNS, paper_rows

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any, neutralise: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = "; ".join(value)
    else:
        text = str(value)
    if neutralise and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def dump(document: Document, /, *, neutralise: bool = True, header: bool = True) -> str:
    """``neutralise``: defuse spreadsheet formulas (default on); ``header``: write the
    column names first."""
    import csv  # here: every command loads the format plugins, few write CSV

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow(COLUMNS)
    for row in paper_rows(document):
        writer.writerow([_cell(row[column], neutralise) for column in COLUMNS])
    return out.getvalue()


def dump_many(
    documents: Iterable[Document], /, *, neutralise: bool = True, header: bool = True
) -> Iterator[str]:
    """Every document's rows under one header row, as each document arrives."""
    for document in documents:
        yield dump(document, neutralise=neutralise, header=header)
        header = False


@hookimpl
def register_formats(register: Any) -> None:
    register(
        Format(
            "csv",
            ".csv",
            "one row per paper (RFC 4180, formulas defused)",
            dump,
            dump_many=dump_many,
            streaming=True,
        )
    )

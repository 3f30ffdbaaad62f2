"""Papers and corpus tables as Arrow tables and pandas DataFrames (the ``frames`` extra).

One row per paper, with the columns of the row-oriented formats (:data:`profileparse.rows.
COLUMNS`) but typed: ``authors`` a list of strings, and the date split into nullable
``year``, ``month`` and ``day`` integers (a date shown without a year keeps its month and
day) plus a ``date`` (Arrow ``date32``) where the date is full. Polars reads the Arrow
table as it is: ``polars.from_arrow(doc.to_arrow())``.

pyarrow and pandas are imported on first use; without them these functions raise
:class:`~profileparse.errors.MissingExtraError` with the ``pip install`` that brings them.
"""

from __future__ import annotations

import datetime
import sqlite3
from collections.abc import Iterable
from typing import Any

from profileparse.errors import MissingExtraError
from profileparse.model import Document
from profileparse.rows import COLUMNS, paper_rows

__all__ = ["INSTALL", "PAPER_COLUMNS", "table_to_arrow", "table_to_pandas", "to_arrow", "to_pandas"]

#: The requirement that brings what frames need.
INSTALL = "pip install 'profileparse[frames]'"

#: The date's parts, in place of the rows' ``date`` text.
_DATE_PARTS = ("year", "month", "day", "date")

#: The frames' columns, in order: the rows' columns with the date in parts.
PAPER_COLUMNS: tuple[str, ...] = tuple(
    part for column in COLUMNS for part in (_DATE_PARTS if column == "date" else (column,))
)


def _module(name: str) -> Any:
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        raise MissingExtraError(f"frames need {name}: {INSTALL}") from None


def _paper_schema(pa: Any) -> Any:
    """The Arrow type of each paper column (every column not named here is text)."""
    typed = {
        "authors": pa.list_(pa.string()),
        "et_al": pa.bool_(),
        "has_code": pa.bool_(),
        "score": pa.float64(),
        "year": pa.int64(),
        "month": pa.int64(),
        "day": pa.int64(),
        "date": pa.date32(),
        "start_line": pa.int64(),
        "end_line": pa.int64(),
    }
    return pa.schema([(name, typed.get(name, pa.string())) for name in PAPER_COLUMNS])


def _rows(documents: Iterable[Document]) -> Iterable[dict[str, Any]]:
    for document in documents:
        for paper, row in zip(document.papers, paper_rows(document), strict=True):
            date = paper.date
            row["year"] = None if date is None else date.year
            row["month"] = None if date is None else date.month
            row["day"] = None if date is None else date.day
            row["date"] = (
                None
                if date is None or date.year is None
                else datetime.date(date.year, date.month, date.day)
            )
            yield row


def to_arrow(documents: Document | Iterable[Document]) -> Any:
    """The papers of these documents (or of one) as one ``pyarrow.Table``: one row per
    paper, in the documents' order, each carrying its document's source, layout and
    profile name."""
    pa = _module("pyarrow")
    schema = _paper_schema(pa)
    rows = _rows([documents] if isinstance(documents, Document) else documents)
    return pa.Table.from_pylist(list(rows), schema=schema)


def _arrow_to_pandas(table: Any) -> Any:
    """An Arrow table as a DataFrame: integers as pandas' nullable ``Int64``, lists as
    Python lists, dates as :class:`datetime.date`."""
    pa = _module("pyarrow")
    pd = _module("pandas")
    frame = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    for field in table.schema:
        if pa.types.is_list(field.type):
            frame[field.name] = [
                None if value is None else list(value) for value in frame[field.name]
            ]
    return frame


def to_pandas(documents: Document | Iterable[Document]) -> Any:
    """The papers of these documents (or of one) as one ``pandas.DataFrame`` (the columns of
    :func:`to_arrow`): ``authors`` holds lists of strings, ``year``, ``month``, ``day``
    and the line numbers are nullable ``Int64``, ``date`` holds :class:`datetime.date`
    or None."""
    return _arrow_to_pandas(to_arrow(documents))


def _arrow_type(pa: Any, declared: str) -> Any:
    """The Arrow type for a column SQLite declares so, by SQLite's affinity rules; None
    (the values decide) for a column with no type, such as a view's computed one."""
    kind = declared.upper()
    if "INT" in kind:
        return pa.int64()
    if any(word in kind for word in ("CHAR", "CLOB", "TEXT")):
        return pa.string()
    if any(word in kind for word in ("REAL", "FLOA", "DOUB")):
        return pa.float64()
    return None


def _relations(db: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]


def table_to_arrow(db: sqlite3.Connection, table: str) -> Any:
    """A corpus table (or view) as a ``pyarrow.Table``, typed by the columns' declared
    SQL types, rows in primary-key order; an unknown name is a ``ValueError`` that lists
    the known ones."""
    from profileparse.corpus import reader, schema

    pa = _module("pyarrow")
    with reader.snapshot(db):
        known = _relations(db)
        if table not in known:
            raise ValueError(f"the corpus has no table {table!r}; its tables: {', '.join(known)}")
        columns = schema.columns(db, table)
        order = schema.KEYS.get(table)
        quoted = '"' + table.replace('"', '""') + '"'
        sql = f"SELECT * FROM {quoted}" + (f" ORDER BY {', '.join(order)}" if order else "")
        rows = db.execute(sql).fetchall()
    arrays = []
    for index, (_, declared) in enumerate(columns):
        values = [row[index] for row in rows]
        arrays.append(pa.array(values, type=_arrow_type(pa, declared)))
    return pa.Table.from_arrays(arrays, names=[name for name, _ in columns])


def table_to_pandas(db: sqlite3.Connection, table: str) -> Any:
    """A corpus table (or view) as a ``pandas.DataFrame``, integers as ``Int64``."""
    return _arrow_to_pandas(table_to_arrow(db, table))

"""A corpus as a folder of Parquet files, one per table (the ``parquet`` extra).

The files are read into an in-memory corpus, updated there and written back, so adding
a dump keeps what was there and adding the same dump again changes nothing. Each file
carries the schema version in its metadata; files without it are from the first
version and are migrated as they are read.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from profileparse.corpus import schema
from profileparse.errors import CorpusError

if TYPE_CHECKING:
    from profileparse.corpus.store import Corpus

__all__ = ["load", "save"]

_VERSION_KEY = b"profileparse.schema_version"


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise CorpusError(
            "Parquet corpora need pyarrow: pip install 'profileparse[parquet]'"
        ) from None
    return pa, pq


def save(corpus: Corpus, folder: Path) -> list[Path]:
    """Write every table as ``<table>.parquet`` in ``folder``, each file replaced whole."""
    pa, pq = _pyarrow()
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, rows in corpus.tables().items():
            columns = [c[1] for c in corpus.db.execute(f"PRAGMA table_info({name})")]
            table = pa.table({c: [row[c] for row in rows] for c in columns})
            table = table.replace_schema_metadata({_VERSION_KEY: str(schema.SCHEMA_VERSION)})
            target = folder / f"{name}.parquet"
            temp = folder / f".{name}.parquet.tmp"
            pq.write_table(table, temp)
            staged.append((temp, target))
        for temp, target in staged:
            os.replace(temp, target)
    finally:
        for temp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
    return [target for _, target in staged]


def load(folder: Path, threshold: float | None) -> Corpus:
    """The corpus in ``folder`` as an in-memory corpus (empty when there is none yet)."""
    from profileparse.corpus.store import Corpus

    if folder.exists() and not folder.is_dir():
        raise CorpusError("not a Parquet corpus folder")
    if not (folder / "documents.parquet").is_file():
        if folder.is_dir() and any(folder.glob("*.parquet")):
            raise CorpusError("not a profileparse corpus (no documents.parquet)")
        corpus = Corpus(":memory:", threshold=threshold)
        corpus.path = str(folder)
        return corpus
    _, pq = _pyarrow()
    try:
        tables = {path.stem: pq.read_table(path) for path in sorted(folder.glob("*.parquet"))}
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        raise CorpusError(f"cannot read the Parquet corpus ({exc})") from None
    metadata = tables["documents"].schema.metadata or {}
    version = int(metadata.get(_VERSION_KEY, b"1"))
    if version > schema.SCHEMA_VERSION:
        raise CorpusError(
            f"this corpus has schema version {version}, newer than this profileparse "
            f"understands ({schema.SCHEMA_VERSION}); upgrade profileparse"
        )
    rows = {name: table.to_pylist() for name, table in tables.items()}
    if version == 1:
        corpus = _migrate(rows, threshold)
    else:
        corpus = Corpus(":memory:")
        corpus._replace_rows(rows, threshold)
    corpus.path = str(folder)
    return corpus


def _migrate(rows: dict[str, list[dict[str, Any]]], threshold: float | None) -> Corpus:
    from profileparse.corpus.migrate import LEGACY_SCHEMA, read_v1
    from profileparse.corpus.store import Corpus

    legacy = sqlite3.connect(":memory:")
    legacy.executescript(LEGACY_SCHEMA)
    _insert(legacy, rows)
    corpus = Corpus(":memory:", threshold=threshold)
    corpus._restage(read_v1(legacy))
    legacy.close()
    return corpus


def _insert(db: sqlite3.Connection, rows: dict[str, list[dict[str, Any]]]) -> None:
    for name, records in rows.items():
        if records:
            columns = list(records[0])
            db.executemany(
                f"INSERT INTO {name} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})",
                [tuple(r[c] for c in columns) for r in records],
            )

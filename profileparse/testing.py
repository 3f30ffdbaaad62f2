"""The snapshot-testing kit: pin what each dump parses to, one readable JSON file per test.

In any project with profileparse installed, pytest has a ``dump_snapshot`` fixture::

    import pytest
    import profileparse
    from profileparse.testing import dump_paths

    @pytest.mark.parametrize("path", dump_paths("tests/dumps"))
    def test_dump(path, dump_snapshot):
        assert profileparse.parse_file(path) == dump_snapshot

``pytest --snapshot-update`` records ``__snapshots__/<test file>/test_dump[<stem>].json``;
from then on a change in what a dump parses to fails with a diff of the changed fields.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
from _pytest.mark import ParameterSet
from syrupy.extensions.json import JSONSnapshotExtension

from profileparse.model import Document
from profileparse.serialize import to_data

__all__ = ["DumpSnapshotExtension", "dump_paths", "snapshot_data"]


def _ordered(value: Any) -> Any:
    # syrupy sorts plain dicts; OrderedDict keeps the model's field order, which reads
    # better (title before authors before abstract) and is just as stable.
    if isinstance(value, dict):
        return OrderedDict((k, _ordered(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    return value


def snapshot_data(document: Document) -> OrderedDict[str, Any]:
    """``document`` as the plain data a snapshot stores: keys in the model's order, and
    ``source`` reduced to the file name so snapshots do not depend on where a checkout is."""
    data = to_data(document)
    if data["source"] is not None:
        data["source"] = os.path.basename(data["source"])
    ordered: OrderedDict[str, Any] = _ordered(data)
    return ordered


class DumpSnapshotExtension(JSONSnapshotExtension):
    """syrupy extension: one JSON file per test; a :class:`Document` is stored as
    :func:`snapshot_data` (plain data, never a repr)."""

    def serialize(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, Document):
            data = snapshot_data(data)
        return super().serialize(data, **kwargs)


def dump_paths(folder: str | os.PathLike[str], pattern: str = "*.txt") -> list[ParameterSet]:
    """The dumps in ``folder`` (sorted by name) as pytest params whose ids are the file
    stems, for ``@pytest.mark.parametrize("path", dump_paths("tests/dumps"))``."""
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"dump_paths: no folder {os.fspath(folder)!r}")
    return [pytest.param(p, id=p.stem) for p in sorted(root.glob(pattern)) if p.is_file()]

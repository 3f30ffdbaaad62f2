"""pytest plugin (entry point ``pytest11``): the ``dump_snapshot`` fixture."""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion

from profileparse.testing import DumpSnapshotExtension


@pytest.fixture
def dump_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """syrupy's ``snapshot``, storing one readable JSON file per test (see
    :mod:`profileparse.testing`)."""
    return snapshot.use_extension(DumpSnapshotExtension)

"""pytest plugin (entry point ``pytest11``): the ``dump_snapshot`` fixture.

pytest loads this wherever profileparse is installed, so it must not need more than
pytest itself: without syrupy (the ``testing`` extra) the fixture still exists and
says what to install, and nothing else in a test run changes.
"""

from __future__ import annotations

from typing import Any

import pytest

INSTALL = "pip install 'profileparse[testing]'"


@pytest.fixture
def dump_snapshot(request: pytest.FixtureRequest) -> Any:
    """syrupy's ``snapshot``, storing one readable JSON file per test (see
    :mod:`profileparse.testing`). Needs the ``testing`` extra."""
    import importlib.util

    if importlib.util.find_spec("syrupy") is None:
        pytest.fail(f"the dump_snapshot fixture needs syrupy: {INSTALL}", pytrace=False)
    from profileparse.testing import DumpSnapshotExtension

    snapshot = request.getfixturevalue("snapshot")
    return snapshot.use_extension(DumpSnapshotExtension)

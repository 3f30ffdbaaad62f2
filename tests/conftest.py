from __future__ import annotations

from pathlib import Path

import pytest

from tests.render import SHARED

pytest_plugins = ["pytester"]

SEEDS = SHARED / "seeds"
EXPECTED = SHARED / "expected"
HERE = Path(__file__).resolve().parent


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    paths = seed_paths()
    assert paths, f"no seeds found in {SEEDS}"
    return paths

"""Fixtures for the cross-process end-to-end tests: where the example server binaries are.
The stderr file and the check that no server outlives its test are tests/conftest.py's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import target_dir


def _binary(name: str) -> Path:
    path = target_dir() / "debug" / name
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: build the examples first (`make build`)", pytrace=False)
    return path


@pytest.fixture(scope="session")
def quickstart() -> Path:
    """The `quickstart` example server (tools echo, add, current_time)."""
    return _binary("quickstart")


@pytest.fixture(scope="session")
def everything() -> Path:
    """The `everything` example server (every feature of the engine)."""
    return _binary("everything")

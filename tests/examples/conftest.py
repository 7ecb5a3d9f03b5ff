"""Fixtures for the example-server tests: where the built servers and the sample database
are. The stderr file and the check that no process outlives its test are tests/conftest.py's."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import target_dir


def _built(name: str) -> Path:
    path = target_dir() / "c" / name
    if not path.exists():
        pytest.fail(f"{path} is missing: build it first (`make c-real-examples`)", pytrace=False)
    return path


@pytest.fixture(scope="session")
def sysinfo_server() -> Path:
    """examples/c/sysinfo_server.c, built."""
    return _built("sysinfo_server")


@pytest.fixture(scope="session")
def sqlite_server() -> Path:
    """examples/c/sqlite_server.c, built."""
    return _built("sqlite_server")


@pytest.fixture(scope="session")
def sample_db() -> Path:
    """The sample database the build creates from examples/data/sample.sql."""
    return _built("sample.db")

"""Fixtures for the example-server tests: where the built servers and the sample database
are, a real file for each server's stderr, and a check after every test that no process it
started is still running."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# How long a finished test may take to see its server processes gone (a bound, not an
# expectation: the client's stdio transport reaps its server before it returns).
_REAP_BOUND_SECONDS = 10.0


def _target_dir() -> Path:
    configured = os.environ.get("CARGO_TARGET_DIR")
    if not configured:
        return REPO_ROOT / "target"
    path = Path(configured)
    return path if path.is_absolute() else REPO_ROOT / path


def _built(name: str) -> Path:
    path = _target_dir() / "c" / name
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


@pytest.fixture
def errlog(tmp_path: Path) -> Iterator[TextIO]:
    """A real file for a server's stderr (the stdio transport needs a file descriptor)."""
    with open(tmp_path / "server-stderr.log", "w+", encoding="utf-8") as f:
        yield f


def _children() -> set[int]:
    """This process's live children, from /proc (the servers are Linux-only anyway)."""
    found: set[int] = set()
    for children in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        try:
            found.update(int(pid) for pid in children.read_text().split())
        except OSError:
            continue  # the thread ended while we looked
    return found


@pytest.fixture(autouse=True)
def no_process_outlives_its_test() -> Iterator[None]:
    """Fails a test that leaves a server (or valgrind) process behind."""
    before = _children()
    yield
    deadline = time.monotonic() + _REAP_BOUND_SECONDS
    while (left := _children() - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"processes left running after the test: {sorted(left)}"

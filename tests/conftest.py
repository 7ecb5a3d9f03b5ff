"""Fixtures shared by the cross-process test suites (tests/e2e, tests/examples): a real file
for a server's stderr, and a check after every test that no process it started (a server,
or valgrind around one) is still running. The suites' own conftest.py files say where their
servers are; the helpers both use are in support.py."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import pytest
from support import child_pids

# How long a finished test may take to see its server processes gone. The client's stdio
# transport reaps the server before its context manager exits, so this is only a bound.
_REAP_BOUND_SECONDS = 10.0


@pytest.fixture
def errlog(tmp_path: Path) -> Iterator[TextIO]:
    """A real file for a server's stderr (the stdio transport needs a file descriptor)."""
    with open(tmp_path / "server-stderr.log", "w+", encoding="utf-8") as f:
        yield f


@pytest.fixture(name="child_pids")
def child_pids_fixture() -> Callable[[], list[int]]:
    """`child_pids` as a fixture, for tests that look at their server while it runs."""
    return child_pids


@pytest.fixture(autouse=True)
def no_process_outlives_its_test() -> Iterator[None]:
    """Fails a test that leaves a server (or valgrind) process behind."""
    before = set(child_pids())
    yield
    deadline = time.monotonic() + _REAP_BOUND_SECONDS
    while (left := set(child_pids()) - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"processes left running after the test: {sorted(left)}"

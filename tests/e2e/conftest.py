"""Fixtures for the cross-process end-to-end tests: where the example server binaries are, a
file for their stderr, and a check after every test that no server process outlived it."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# How long a finished test may take to see its server processes gone. The client's stdio
# transport reaps the server before its context manager exits, so this is only a bound.
_REAP_BOUND_SECONDS = 10.0


def _target_dir() -> Path:
    configured = os.environ.get("CARGO_TARGET_DIR")
    if not configured:
        return REPO_ROOT / "target"
    path = Path(configured)
    return path if path.is_absolute() else REPO_ROOT / path


def _binary(name: str) -> Path:
    path = _target_dir() / "debug" / name
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


@pytest.fixture
def errlog(tmp_path: Path) -> Iterator[TextIO]:
    """A real file for the server's stderr (the stdio transport needs a file descriptor)."""
    with open(tmp_path / "server-stderr.log", "w+", encoding="utf-8") as f:
        yield f


def child_pids() -> list[int]:
    """Live child processes of this test process (the servers the client spawned)."""
    me = str(os.getpid())
    if shutil.which("pgrep"):
        out = subprocess.run(["pgrep", "-P", me], capture_output=True, text=True, check=False).stdout
        return [int(pid) for pid in out.split()]
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue  # exited while we looked
        if fields.get("PPid", "").strip() == me:
            pids.append(int(status.parent.name))
    return pids


@pytest.fixture(name="child_pids")
def child_pids_fixture() -> Callable[[], list[int]]:
    """`child_pids` as a fixture, for tests that look at their server while it runs."""
    return child_pids


@pytest.fixture(autouse=True)
def no_server_outlives_its_test() -> Iterator[None]:
    """Fails a test that leaves a server process behind."""
    before = set(child_pids())
    yield
    deadline = time.monotonic() + _REAP_BOUND_SECONDS
    while (left := set(child_pids()) - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"server processes left running after the test: {sorted(left)}"

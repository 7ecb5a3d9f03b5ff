"""The conformance fixtures of every language, started over HTTP (which serves WebSocket at
/mcp too) for the WebSocket tests; the process checks are tests/conftest.py's."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from typing import TextIO

import pytest
from support import REPO_ROOT, free_port, target_dir

# How long a fixture may take to get ready or to stop.
START_BOUND = 20.0

LANGUAGES = ["rust", "c", "python", "node"]


def fixture_command(language: str) -> list[str]:
    """The command of a language's conformance fixture (as scripts/conformance.sh runs it)."""
    target = target_dir()
    commands = {
        "rust": [str(target / "debug" / "conformance")],
        "c": [str(target / "c" / "conformance_fixture")],
        "python": [str(target / "python" / "venv" / "bin" / "python"), str(REPO_ROOT / "examples/python/conformance_fixture.py")],
        "node": ["node", str(REPO_ROOT / "examples/node/conformance.mjs")],
    }
    command = commands[language]
    if command[0] != "node" and not os.access(command[0], os.X_OK):
        pytest.fail(f"{command[0]} is missing: build the fixtures first (`make conformance`)", pytrace=False)
    return command


def _ready(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


@pytest.fixture(params=LANGUAGES)
def fixture_port(request: pytest.FixtureRequest, errlog: TextIO) -> Iterator[int]:
    """A language's conformance fixture serving HTTP (and WebSocket) on a free port."""
    port = free_port()
    command = [*fixture_command(request.param), "--http", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errlog, cwd=REPO_ROOT)
    try:
        deadline = time.monotonic() + START_BOUND
        while not _ready(port):
            assert proc.poll() is None, f"the {request.param} fixture exited with {proc.returncode}"
            assert time.monotonic() < deadline, f"the {request.param} fixture did not get ready in time"
            time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(START_BOUND)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(START_BOUND)

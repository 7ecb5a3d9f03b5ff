"""The conformance fixtures of every language, started over HTTP (which serves WebSocket at
/mcp too) for the WebSocket tests; the process checks are tests/conftest.py's."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from typing import TextIO

import pytest
from support import LANGUAGES, REPO_ROOT, fixture_command, free_port

# How long a fixture may take to get ready or to stop.
START_BOUND = 20.0

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

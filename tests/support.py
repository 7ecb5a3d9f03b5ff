"""Helpers shared by the cross-process test suites (tests/e2e, tests/examples): where the
build puts its artifacts, which processes this test process started, and how the official
Python MCP client drives a server on either wire (the stateless 2026-07-28 one through
`mcp.Client`, the 2025-11-25 handshake through `ClientSession`), over stdio or Streamable
HTTP, under a deadline.

A plain module, importable as `support` because pytest puts the directory of the root
conftest (tests/conftest.py, whose fixtures use this module too) on sys.path.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TextIO

import anyio
from mcp import Client, ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

REPO_ROOT = Path(__file__).resolve().parents[1]

MODERN = "2026-07-28"
HANDSHAKE = "2025-11-25"
WIRES = [MODERN, HANDSHAKE]

# Bounds, not expectations: a healthy test takes milliseconds.
TEST_DEADLINE = 60.0
REQUEST_TIMEOUT = 20.0

Peer = Client | ClientSession
"""What the tests drive: both expose the same request methods."""


def target_dir() -> Path:
    """The build's target directory: $CARGO_TARGET_DIR (relative to the repository root when
    relative), else target/."""
    configured = os.environ.get("CARGO_TARGET_DIR")
    if not configured:
        return REPO_ROOT / "target"
    path = Path(configured)
    return path if path.is_absolute() else REPO_ROOT / path


def child_pids() -> list[int]:
    """Live child processes of this test process (the servers it or the client spawned)."""
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


def run(body: Callable[[], Awaitable[None]], deadline: float = TEST_DEADLINE) -> None:
    """Runs one test body on an event loop, under a deadline."""

    async def bounded() -> None:
        with anyio.fail_after(deadline):
            await body()

    anyio.run(bounded, backend="asyncio")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def over_stdio(
    command: list[str], wire: str, errlog: TextIO, timeout: float = REQUEST_TIMEOUT
) -> AsyncIterator[Peer]:
    """Starts `command` (in the repository root) through the client's stdio transport and
    connects on `wire`, each request bounded by `timeout` seconds."""
    params = StdioServerParameters(command=command[0], args=command[1:], cwd=str(REPO_ROOT))
    if wire == MODERN:
        async with Client(stdio_client(params, errlog=errlog), mode="auto", read_timeout_seconds=timeout) as client:
            assert client.protocol_version == MODERN
            yield client
    else:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write, read_timeout_seconds=timeout) as session:
                assert (await session.initialize()).protocol_version == HANDSHAKE
                yield session


@asynccontextmanager
async def over_http(url: str, wire: str) -> AsyncIterator[Peer]:
    """Connects to a Streamable HTTP endpoint on `wire`."""
    if wire == MODERN:
        async with Client(url, read_timeout_seconds=REQUEST_TIMEOUT) as client:
            assert client.protocol_version == MODERN
            yield client
    else:
        async with streamable_http_client(url) as (read, write):
            async with ClientSession(read, write, read_timeout_seconds=REQUEST_TIMEOUT) as session:
                assert (await session.initialize()).protocol_version == HANDSHAKE
                yield session

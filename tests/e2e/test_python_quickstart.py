"""The official Python MCP client (PyPI `mcp`) drives the Python quickstart
(examples/python/quickstart.py, on the mcpforge wheel) over stdio and Streamable HTTP, on
the stateless 2026-07-28 wire and the 2025-11-25 handshake, and checks it serves exactly
what the Rust quickstart serves: the same tools, arguments and results.

The server runs under this interpreter, which must have the mcpforge wheel installed
(`make python-wheel` installs it into .venv); without it every test here is skipped and
says so. Every test runs under a deadline; conftest.py checks no server outlives its test.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import mcp.types as types
import pytest
from support import HANDSHAKE, REPO_ROOT, WIRES, Peer, free_port, over_http, over_stdio, run

QUICKSTART_PY = REPO_ROOT / "examples" / "python" / "quickstart.py"

START_BOUND = 20.0

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("mcpforge") is None,
    reason=f"the mcpforge wheel is not installed in {sys.executable}: run `make python-wheel` first",
)


@asynccontextmanager
async def quickstart_over_stdio(command: list[str], wire: str, errlog: TextIO) -> AsyncIterator[Peer]:
    """`over_stdio`, also checking what a handshake session learns of the server."""
    async with over_stdio(command, wire, errlog) as peer:
        if wire == HANDSHAKE:
            result = peer.initialize_result
            assert result is not None
            assert result.server_info.name == "mcpforge-quickstart"
            assert result.instructions == "Tools to echo text, add numbers and tell the time."
        yield peer


def http_server(command: list[str], errlog: TextIO) -> tuple[subprocess.Popen[bytes], str]:
    """Starts `command --http 127.0.0.1:PORT` and waits (bounded) until it accepts."""
    port = free_port()
    proc = subprocess.Popen([*command, "--http", f"127.0.0.1:{port}"], stderr=errlog, cwd=REPO_ROOT)
    deadline = time.monotonic() + START_BOUND
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}/mcp"
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                raise AssertionError("the server did not accept connections in time") from None
            time.sleep(0.05)


def text_of(result: types.CallToolResult) -> str:
    assert not result.is_error, result
    assert len(result.content) == 1 and isinstance(result.content[0], types.TextContent), result.content
    return result.content[0].text


def tool_shapes(listing: types.ListToolsResult) -> list[tuple[Any, ...]]:
    """What a tool offers, independent of how its schema was generated: name, description,
    annotations, argument names and JSON types, required arguments, output schema."""
    shapes = []
    for t in listing.tools:
        props = t.input_schema.get("properties", {})
        args = sorted((name, p.get("type")) for name, p in props.items())
        annotations = t.annotations.model_dump(exclude_none=True) if t.annotations else None
        shapes.append((t.name, t.description, annotations, args, sorted(t.input_schema.get("required", [])), t.output_schema))
    return shapes


CALLS: list[tuple[str, dict[str, Any]]] = [
    ("echo", {"text": "hello"}),
    ("echo", {"text": 'é 🌍 "quoted" \\ new\nline'}),
    ("add", {"a": 40, "b": 2}),
    ("add", {"a": 0.1, "b": 0.2}),
    ("add", {"a": -1.5, "b": 1e21}),
    ("add", {"a": 1e-7, "b": 0}),
]


async def exercise(peer: Peer) -> tuple[list[tuple[Any, ...]], list[str]]:
    """Lists the tools and calls each; returns the shapes and the results (the time's
    format checked here, its value left out)."""
    shapes = tool_shapes(await peer.list_tools())
    results = [text_of(await peer.call_tool(name, args)) for name, args in CALLS]
    now = text_of(await peer.call_tool("current_time", {}))
    parsed = datetime.fromisoformat(now.replace("Z", "+00:00"))
    assert parsed.utcoffset() is not None and parsed.utcoffset().total_seconds() == 0, now
    bad = await peer.call_tool("add", {"a": "forty", "b": 2})
    assert bad.is_error and "Invalid arguments for tool add" in bad.content[0].text
    return shapes, results


@pytest.mark.parametrize("wire", WIRES)
def test_python_quickstart_over_stdio_matches_the_rust_one(wire: str, quickstart: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with quickstart_over_stdio([sys.executable, str(QUICKSTART_PY)], wire, errlog) as python:
            python_shapes, python_results = await exercise(python)
        async with quickstart_over_stdio([str(quickstart)], wire, errlog) as rust:
            rust_shapes, rust_results = await exercise(rust)
        assert [s[0] for s in python_shapes] == ["echo", "add", "current_time"]
        assert python_shapes == rust_shapes
        assert python_results == rust_results
        assert python_results[:4] == ["hello", 'é 🌍 "quoted" \\ new\nline', "42", "0.30000000000000004"]

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_python_quickstart_over_http(wire: str, quickstart: Path, errlog: TextIO) -> None:
    python_proc, python_url = http_server([sys.executable, str(QUICKSTART_PY)], errlog)
    rust_proc, rust_url = http_server([str(quickstart)], errlog)
    try:

        async def body() -> None:
            async with over_http(python_url, wire) as python:
                python_seen = await exercise(python)
            async with over_http(rust_url, wire) as rust:
                rust_seen = await exercise(rust)
            assert python_seen == rust_seen

        run(body)
    finally:
        for proc in (python_proc, rust_proc):
            proc.terminate()
            proc.wait(START_BOUND)

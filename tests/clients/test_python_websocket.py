"""The mcpforge Python client over WebSocket against the official Python SDK's WebSocket
server (`mcp.server.websocket`, mcp 1.x; tests/clients/servers/websocket.py, run by the
venv holding mcp 1.x): `Client("ws://...")` connects with the `mcp` subprotocol, negotiates
(the server has no 2026-07-28 wire: the handshake), lists and calls tools.
"""

from __future__ import annotations

import selectors
import subprocess
import sys
from pathlib import Path
from typing import TextIO

import pytest
from mcpforge.client import Client
from support import REPO_ROOT, REQUEST_TIMEOUT, free_port, run, stop_process

PYTHON_1X = Path(sys.executable).parent.parent.parent / "venv-py1" / "bin" / "python"
SERVER = Path(__file__).parent / "servers" / "websocket.py"
# How long the server may take to start or to stop.
START_BOUND = 20.0


def test_the_client_over_the_official_websocket_server(errlog: TextIO) -> None:
    if not PYTHON_1X.exists():
        pytest.fail(f"{PYTHON_1X} is missing: run `make real-servers-python`", pytrace=False)
    port = free_port()
    proc = subprocess.Popen(
        [str(PYTHON_1X), str(SERVER), str(port)], stdout=subprocess.PIPE, stderr=errlog, cwd=REPO_ROOT, text=True
    )
    try:
        assert proc.stdout is not None
        with selectors.DefaultSelector() as waiting:
            waiting.register(proc.stdout, selectors.EVENT_READ)
            started = waiting.select(START_BOUND) and proc.stdout.readline().strip() == "ready"
        assert started, f"the WebSocket server did not start in time (exit {proc.poll()})"

        async def body() -> None:
            async with Client(f"ws://127.0.0.1:{port}/ws", read_timeout_seconds=REQUEST_TIMEOUT) as client:
                assert client.protocol_version.startswith("20") and client.protocol_version != "2026-07-28"
                tools = await client.list_tools()
                assert sorted(t.name for t in tools.tools) == ["add", "echo"]
                added = await client.call_tool("add", {"a": 2, "b": 3})
                assert not added.isError and added.content[0].text == "5"
                echoed = await client.call_tool("echo", {"text": "über WebSocket"})
                assert echoed.content[0].text == "über WebSocket"

        run(body)
    finally:
        stop_process(proc, START_BOUND)

"""The Python server mounted in web applications through ASGI, served by uvicorn (PyPI
`fastapi`, `starlette`, `uvicorn`) and driven by the official Python client:
examples/python/fastapi_app.py (FastAPI, the MCP endpoint under an `/ai` mount) and the
conformance fixture mounted in Starlette (`--asgi`, which `make conformance` also runs the
official suite against). The app's own routes keep working, the engine's checks (Host,
Origin, body cap, sessions) apply through ASGI, a client that goes away cancels its call, and a server
written on the official API (a lifespan, a custom route, `streamable_http_app()`) serves.
"""

from __future__ import annotations

import importlib.util
import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import pytest
from support import MODERN, REPO_ROOT, WIRES, free_port, over_http, run

START_BOUND = 20.0

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("mcpforge") is None,
    reason=f"the mcpforge wheel is not installed in {sys.executable}: run `make python-wheel` first",
)


def http(port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One HTTP/1.1 request (Connection: close): the status and the body."""
    head = {"Host": f"127.0.0.1:{port}", "Connection": "close", "Content-Length": str(len(body)), **(headers or {})}
    request = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items()) + "\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=START_BOUND) as s:
        s.sendall(request.encode() + body)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    status_line, _, rest = data.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


@contextmanager
def asgi_server(command: list[str], ready_path: str, errlog: TextIO) -> Iterator[int]:
    """Runs `command --http|--asgi 127.0.0.1:PORT` until the block ends, waiting (bounded)
    for `ready_path` to answer 200; yields the port. The server must stop on SIGTERM: uvicorn
    shuts down gracefully, then ends by the signal again (status -SIGTERM)."""
    port = free_port()
    proc = subprocess.Popen([*command, f"127.0.0.1:{port}"], stdin=subprocess.DEVNULL, stderr=errlog, cwd=REPO_ROOT)
    try:
        deadline = time.monotonic() + START_BOUND
        while True:
            assert proc.poll() is None, f"the server exited with {proc.returncode}"
            assert time.monotonic() < deadline, "the server did not get ready in time"
            try:
                if http(port, "GET", ready_path)[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        yield port
        proc.terminate()
        assert proc.wait(START_BOUND) in (0, -signal.SIGTERM)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(START_BOUND)


@pytest.fixture
def fastapi_app(errlog: TextIO) -> Iterator[int]:
    with asgi_server([sys.executable, str(REPO_ROOT / "examples/python/fastapi_app.py"), "--http"], "/status", errlog) as port:
        yield port


def modern_call(tool: str, arguments: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """A 2026-07-28 `tools/call` body and the headers a conformant client sends with it."""
    meta = {
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "asgi-test", "version": "1"},
    }
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": arguments, "_meta": meta}}
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": MODERN,
        "Mcp-Method": "tools/call",
        "Mcp-Name": tool,
    }
    return json.dumps(body).encode(), headers


@pytest.mark.parametrize("wire", WIRES)
def test_fastapi_mounted_server(wire: str, fastapi_app: int) -> None:
    async def body() -> None:
        async with over_http(f"http://127.0.0.1:{fastapi_app}/ai/mcp", wire) as peer:
            tools = await peer.list_tools()
            assert sorted(t.name for t in tools.tools) == ["greet", "slow"]
            result = await peer.call_tool("greet", {"name": "Ann"})
            assert not result.is_error and result.content[0].text == "Hello, Ann!"  # type: ignore[union-attr]
            quick = await peer.call_tool("slow", {"seconds": 0})
            assert quick.content[0].text == "done"  # type: ignore[union-attr]

    run(body)
    status, text = http(fastapi_app, "GET", "/status")
    assert status == 200 and json.loads(text)["slow_started"] >= 1


def test_engine_checks_apply_through_asgi(fastapi_app: int) -> None:
    body, headers = modern_call("greet", {"name": "x"})
    assert http(fastapi_app, "POST", "/ai/mcp", body, headers)[0] == 200
    # A foreign Host or Origin (DNS rebinding, a page of another site), a body over the cap,
    # an unknown session.
    assert http(fastapi_app, "POST", "/ai/mcp", body, {**headers, "Host": "evil.example"})[0] == 403
    assert http(fastapi_app, "POST", "/ai/mcp", body, {**headers, "Origin": "http://evil.example"})[0] == 403
    assert http(fastapi_app, "POST", "/ai/mcp", body, {**headers, "Origin": f"http://127.0.0.1:{fastapi_app}"})[0] == 200
    assert http(fastapi_app, "POST", "/ai/mcp", b" " * (4 * 1024 * 1024 + 1), headers)[0] == 413
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    session = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream", "Mcp-Session-Id": "unknown"}
    assert http(fastapi_app, "POST", "/ai/mcp", json.dumps(initialize).encode(), session)[0] == 404
    # Paths of the mount the engine does not serve.
    assert http(fastapi_app, "GET", "/ai/elsewhere")[0] == 404


def test_a_client_that_goes_away_cancels_its_call(fastapi_app: int) -> None:
    body, headers = modern_call("slow", {"seconds": 30})
    head = {"Host": f"127.0.0.1:{fastapi_app}", "Content-Length": str(len(body)), **headers}
    request = "POST /ai/mcp HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items()) + "\r\n"
    deadline = time.monotonic() + START_BOUND

    def stats() -> dict[str, int]:
        return json.loads(http(fastapi_app, "GET", "/status")[1])

    with socket.create_connection(("127.0.0.1", fastapi_app), timeout=START_BOUND) as s:
        s.sendall(request.encode() + body)
        while stats()["slow_started"] < 1:
            assert time.monotonic() < deadline, "the call did not start"
            time.sleep(0.05)
    while stats()["slow_cancelled"] < 1:
        assert time.monotonic() < deadline, "the call was not cancelled when its client went away"
        time.sleep(0.05)


@pytest.mark.parametrize("wire", WIRES)
def test_conformance_fixture_mounted_in_starlette(wire: str, errlog: TextIO) -> None:
    command = [sys.executable, str(REPO_ROOT / "examples/python/conformance_fixture.py"), "--asgi"]
    with asgi_server(command, "/readyz", errlog) as port:
        assert http(port, "GET", "/hello") == (200, b"the application's own route")

        async def body() -> None:
            async with over_http(f"http://127.0.0.1:{port}/mcp", wire) as peer:
                result = await peer.call_tool("test_simple_text", {})
                assert result.content[0].text == "This is a simple text response for testing."  # type: ignore[union-attr]

        run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_official_api_app_with_lifespan_and_custom_route(wire: str, errlog: TextIO) -> None:
    command = [sys.executable, str(REPO_ROOT / "tests/e2e/asgi_sdk_server.py"), "--http"]
    with asgi_server(command, "/health", errlog) as port:
        assert http(port, "GET", "/health") == (200, b"OK")

        async def body() -> None:
            async with over_http(f"http://127.0.0.1:{port}/mcp", wire) as peer:
                result = await peer.call_tool("lifespan_check", {})
                assert result.content[0].text == "hello from the lifespan; same loop: True"  # type: ignore[union-attr]

        run(body)


def test_sse_app_mounted_under_a_prefix_serves_the_official_sse_client(errlog: TextIO) -> None:
    """The ``endpoint`` event is relative to the stream's URL, so a client of the 2024-11-05
    HTTP+SSE transport posts under the mount prefix the server never saw."""
    from mcp import ClientSession
    from mcp.client.sse import sse_client

    command = [sys.executable, str(REPO_ROOT / "tests/e2e/asgi_sdk_server.py"), "--sse-mounted"]
    with asgi_server(command, "/legacy/health", errlog) as port:

        async def body() -> None:
            async with sse_client(f"http://127.0.0.1:{port}/legacy/sse") as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    result = await session.call_tool("lifespan_check", {})
                    assert result.content[0].text == "hello from the lifespan; same loop: True"  # type: ignore[union-attr]

        run(body)

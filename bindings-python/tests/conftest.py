"""Shared helpers of the mcpforge Python tests: a bounded event-loop runner, the repository
root, and a check that no child process outlives its test."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_DEADLINE = 60.0
# An ``initialize`` request body, as a client POSTs it.
INITIALIZE = json.dumps(
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }
).encode()


def run(body: Callable[[], Awaitable[Any]], timeout: float = TEST_DEADLINE) -> Any:
    """Runs ``body()`` on a fresh event loop under a deadline (a bound, not an expectation)."""

    async def bounded() -> Any:
        return await asyncio.wait_for(body(), timeout)

    return asyncio.run(bounded())


def children() -> List[int]:
    """Live child processes of this test process."""
    me = str(os.getpid())
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == me:
            pids.append(int(status.parent.name))
    return pids


@pytest.fixture(autouse=True)
def no_child_outlives_its_test() -> Iterator[None]:
    """Fails a test that leaves a process behind."""
    before = set(children())
    yield
    deadline = time.monotonic() + 10
    while (left := set(children()) - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"processes left running after the test: {sorted(left)}"


def _default_sigint() -> None:
    # A suite started as a background job of a non-interactive shell (how CI systems and
    # scripts often start it) inherits SIGINT as ignored, and Python then installs no
    # KeyboardInterrupt handler: the child gets the default disposition back, as a process
    # started from a terminal has.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def python_process(script: Path, *args: str, **popen: Any) -> "subprocess.Popen[bytes]":
    """Starts ``script`` with this interpreter (which has the mcpforge wheel installed),
    with SIGINT at its default disposition whatever this process inherited."""
    return subprocess.Popen([sys.executable, str(script), *args], preexec_fn=_default_sigint, **popen)


MODERN_META = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "binding-tests", "version": "1"},
}


def http_tool_call(url: str, tool: str, arguments: Any = None, token: Optional[str] = None, timeout: float = 20.0) -> Tuple[int, Any, Any]:
    """A 2026-07-28 ``tools/call`` POSTed to ``url`` (see ``http_request``)."""
    return http_request(url, "tools/call", {"name": tool, "arguments": arguments or {}}, token, timeout)


def http_request(url: str, method: str, params: Dict[str, Any], token: Optional[str] = None, timeout: float = 20.0) -> Tuple[int, Any, Any]:
    """A 2026-07-28 request POSTed to ``url``: the status, the headers, and the JSON-RPC
    response (read from a JSON or an SSE body), or the error body's text."""
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": {**params, "_meta": MODERN_META}}
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2026-07-28",
        "Mcp-Method": method,
    }
    if "name" in params:
        headers["Mcp-Name"] = params["name"]
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
            if response.headers.get("Content-Type", "").startswith("application/json"):
                return response.status, response.headers, json.loads(text)
            events = [json.loads(line[5:]) for line in text.splitlines() if line.startswith("data:") and line[5:].strip()]
            return response.status, response.headers, [e for e in events if "id" in e][-1]
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def wait_until_cancelled(ctx: Any, bound: float = 20.0) -> bool:
    """Polls ``ctx.cancelled`` (bounded) from a sync handler; True once it turned true."""
    deadline = time.monotonic() + bound
    while not ctx.cancelled and time.monotonic() < deadline:
        time.sleep(0.005)
    return bool(ctx.cancelled)


def asgi_request(
    app: Any, method: str, path: str, body: bytes = b"", headers: Optional[List[Tuple[bytes, bytes]]] = None
) -> Tuple[int, bytes]:
    """Hands one HTTP request to the ASGI ``app`` (``path`` with its query string; a loopback
    ``Host`` and a JSON body by default) and returns the status and the whole body, the
    client disconnecting once the answer is complete."""
    raw_path, _, query = path.partition("?")
    given = headers if headers is not None else [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json")]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": given,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    sent: List[Dict[str, Any]] = []

    async def exchange() -> None:
        answered = asyncio.Event()
        delivered = False

        async def receive() -> Dict[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await answered.wait()
            return {"type": "http.disconnect"}

        async def send(message: Dict[str, Any]) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                answered.set()

        try:
            await app(scope, receive, send)
        finally:
            answered.set()

    run(exchange)
    status = int(sent[0]["status"])
    return status, b"".join(m.get("body", b"") for m in sent[1:])

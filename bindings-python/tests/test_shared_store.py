"""The shared store from Python: two servers given the same Redis (a ``redis-server`` the
test starts on a free loopback port, without persistence) share their legacy sessions, so a
session opened on one is served by the other. Configured with the HTTP option
``shared_store`` (two servers on one loop), then with the environment variable
``MCPFORGE_SHARED_STORE`` (two server processes). Skipped with a note when no
``redis-server`` is installed, unless ``MCPFORGE_REQUIRE_REDIS`` is set."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from conftest import python_process, run

from mcpforge import Server

SHARED_SERVER = Path(__file__).parent / "servers" / "shared_server.py"
VERSION = "2025-11-25"
WAIT = 20.0


def redis_binary() -> Optional[str]:
    found = shutil.which("redis-server")
    if found:
        return found
    for directory in ("/usr/bin", "/usr/sbin"):
        candidate = Path(directory) / "redis-server"
        if candidate.is_file():
            return str(candidate)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def redis_server(tmp_path: Path) -> Iterator[str]:
    """A ``redis-server`` on a free port of 127.0.0.1, answering; its URL. Stopped on exit."""
    binary = redis_binary()
    if binary is None:
        if os.environ.get("MCPFORGE_REQUIRE_REDIS"):
            pytest.fail("MCPFORGE_REQUIRE_REDIS is set but no redis-server is installed")
        pytest.skip("no redis-server installed: the shared-store tests need one")
    port = free_port()
    directory = tmp_path / "redis"
    directory.mkdir()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(directory)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + WAIT
        while True:
            assert proc.poll() is None, f"redis-server exited with {proc.returncode}"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "redis-server did not answer in time"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.kill()
        proc.wait(WAIT)


def post(url: str, body: Dict[str, Any], session: Optional[str] = None) -> Tuple[int, Optional[str], Any]:
    """POSTs a JSON-RPC message of the 2025-11-25 wire: the status, the ``Mcp-Session-Id``
    header, and the JSON-RPC response (from a JSON or an SSE body; None when empty)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if session is not None:
        headers.update({"Mcp-Session-Id": session, "MCP-Protocol-Version": VERSION})
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            text = response.read().decode()
            data = [line[5:] for line in text.splitlines() if line.startswith("data:") and line[5:].strip()]
            message = json.loads(data[-1]) if data else json.loads(text) if text.strip() else None
            return response.status, response.headers.get("Mcp-Session-Id"), message
    except urllib.error.HTTPError as e:
        return e.code, None, e.read().decode()


def ready(base: str) -> int:
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=WAIT) as response:
            return int(response.status)
    except urllib.error.HTTPError as e:
        return e.code


def wait_ready(base: str) -> None:
    """Waits (at most ``WAIT``) until ``/readyz`` answers 200: the store answers."""
    deadline = time.monotonic() + WAIT
    while ready(base) != 200:
        assert time.monotonic() < deadline, f"{base} not ready within {WAIT} s"
        time.sleep(0.05)


def a_session_moves_between(a: str, b: str) -> None:
    """Opens a legacy session on ``a`` (base URLs), calls ``echo`` in it on ``b``."""
    wait_ready(a)
    wait_ready(b)
    init = {
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {"protocolVersion": VERSION, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }
    status, session, _ = post(a + "/mcp", init)
    assert status == 200 and session, (status, session)
    status, _, _ = post(a + "/mcp", {"jsonrpc": "2.0", "method": "notifications/initialized"}, session)
    assert status == 202
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "echo", "arguments": {"text": "via b"}}}
    status, _, reply = post(b + "/mcp", call, session)
    assert status == 200, reply
    assert reply["result"]["content"] == [{"type": "text", "text": "via b"}], reply
    # A session nobody opened stays unknown.
    status, _, _ = post(b + "/mcp", call, "no-such-session")
    assert status == 404


def echo_server() -> Server:
    server = Server("shared")

    @server.tool()
    def echo(text: str) -> str:
        return text

    return server


def test_the_shared_store_option_shares_sessions_between_servers(tmp_path: Path) -> None:
    with redis_server(tmp_path) as url:
        servers = [echo_server(), echo_server()]

        async def body() -> None:
            loop = asyncio.get_running_loop()
            serving: List["asyncio.Future[None]"] = []
            try:
                ports = []
                for server in servers:
                    bound: "asyncio.Future[Tuple[str, int]]" = loop.create_future()
                    serving.append(
                        asyncio.ensure_future(
                            server.run_async("http", port=0, shared_store=url, on_ready=lambda h, p, f=bound: f.set_result((h, p)))
                        )
                    )
                    ports.append((await asyncio.wait_for(bound, WAIT))[1])
                a, b = (f"http://127.0.0.1:{port}" for port in ports)
                await loop.run_in_executor(None, a_session_moves_between, a, b)
            finally:
                for s in serving:
                    s.cancel()
                await asyncio.wait_for(asyncio.gather(*serving, return_exceptions=True), WAIT)

        run(body)


def test_a_bad_shared_store_is_refused() -> None:
    with pytest.raises(ValueError, match="shared store"):
        echo_server().run("http", port=0, shared_store="postgres://127.0.0.1/0")


def test_the_environment_variable_shares_sessions_between_processes(tmp_path: Path) -> None:
    with redis_server(tmp_path) as url:
        env = {**os.environ, "MCPFORGE_SHARED_STORE": url}
        procs: List["subprocess.Popen[bytes]"] = []
        try:
            port_files = [tmp_path / "port-a", tmp_path / "port-b"]
            for port_file in port_files:
                procs.append(python_process(SHARED_SERVER, str(port_file), env=env))
            deadline = time.monotonic() + WAIT
            for proc, port_file in zip(procs, port_files):
                while not (port_file.exists() and port_file.read_text()):
                    assert proc.poll() is None, "a server exited"
                    assert time.monotonic() < deadline, "a server did not bind in time"
                    time.sleep(0.02)
            a, b = (f"http://127.0.0.1:{f.read_text()}" for f in port_files)
            a_session_moves_between(a, b)
            # SIGTERM: a graceful end.
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                assert proc.wait(WAIT) == 0
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                proc.wait(WAIT)

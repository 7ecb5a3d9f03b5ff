"""Clients that never read cost the server a bounded number of bytes each, however large
what a tool sends them (docs/SECURITY.md, "bytes waiting for one client"):
``mcpforge run FILE --transport http`` with a tool that logs 256 KiB messages, and clients
that POST the call on a 2025-06-18 session and never read its SSE answer. Each client's
messages wait in its request's queue (at most ``Limits.queued_bytes``, 16 MiB by default;
the oldest log messages are dropped beyond it) and in a small hand-off to the HTTP body,
never in a queue bounded by count alone (256 such messages would be 64 MiB a client). Once
the clients close their connections, what waited for them is freed."""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any, Dict, List, Tuple
from urllib.parse import urlsplit

from conftest import http_tool_call

FLOOD_SERVER = Path(__file__).parent / "servers" / "log_flood_server.py"
VERSION = "2025-06-18"
WAIT = 120.0
MIB = 1024 * 1024

CLIENTS = 3
MESSAGE = 256 * 1024
# More than a client's queues could hold if any of them were bounded by count alone (256
# messages): a client that never reads falls this far behind.
COUNT = 400
# docs/SECURITY.md: what may wait for one client that never reads, at the defaults: its
# request's queue (16 MiB), the hand-off to the HTTP body (64 KiB), the HTTP layer's write
# buffer (about 400 KiB) and the messages on their way between them.
PER_CLIENT = 16 * MIB + 4 * MESSAGE + 1 * MIB
# Resident memory per byte held: the allocator rounds blocks of this size up and keeps some
# of what the dropped messages freed for reuse (measured: about 1.35).
ALLOCATOR = 1.5
# The interpreter's and the worker threads' own share while the floods run.
SLACK = 48 * MIB


def memory(pid: int) -> Dict[str, int]:
    """``VmRSS`` (resident now) and ``VmHWM`` (the most ever resident) of ``pid``, in bytes."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {name: int(fields[name].split()[0]) * 1024 for name in ("VmRSS", "VmHWM")}


def serve(stderr: IO[str], stderr_path: Path) -> Tuple["subprocess.Popen[bytes]", str]:
    """``mcpforge run`` of the flood server on a free port: the process and its URL."""
    command = "import sys; from mcpforge.cli import main; sys.exit(main())"
    args = ["run", str(FLOOD_SERVER), "--transport", "http", "--port", "0"]
    proc = subprocess.Popen([sys.executable, "-c", command, *args], stderr=stderr)
    deadline = time.monotonic() + 30
    while True:
        said = re.search(r"serving MCP on (http://127\.0\.0\.1:\d+/mcp)", stderr_path.read_text())
        if said:
            return proc, said.group(1)
        assert proc.poll() is None, "the server exited: " + stderr_path.read_text()
        assert time.monotonic() < deadline, "the server did not say where it listens"
        time.sleep(0.05)


def post(port: int, body: Dict[str, Any], session: str = "") -> Tuple[int, str]:
    """A POST on its own connection, read in full: the status and the session id."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/mcp", json.dumps(body), headers(session))
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("mcp-session-id") or session
    finally:
        connection.close()


def headers(session: str) -> Dict[str, str]:
    h = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if session:
        h.update({"Mcp-Session-Id": session, "MCP-Protocol-Version": VERSION})
    return h


def never_reading_client(port: int) -> socket.socket:
    """A 2025-06-18 session whose client POSTs a flood and never reads the answer."""
    init = {
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {"protocolVersion": VERSION, "capabilities": {}, "clientInfo": {"name": "never-reads", "version": "1"}},
    }
    status, session = post(port, init)
    assert status == 200 and session, status
    status, _ = post(port, {"jsonrpc": "2.0", "method": "notifications/initialized"}, session)
    assert status == 202, status
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "flood", "arguments": {"count": COUNT, "size": MESSAGE}}}
    body = json.dumps(call).encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    # Keep the kernel's share small: what is measured is what the server holds.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers(session).items())
    sock.sendall(f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return sock


def floods_done(url: str) -> int:
    status, _, message = http_tool_call(url, "floods_done", timeout=30)
    assert status == 200, message
    return int(message["result"]["content"][0]["text"])


def test_clients_that_never_read_large_logs_cost_a_bounded_number_of_bytes(tmp_path: Path) -> None:
    stderr_path = tmp_path / "stderr"
    with stderr_path.open("w") as stderr:
        proc, url = serve(stderr, stderr_path)
        clients: List[socket.socket] = []
        try:
            port = urlsplit(url).port
            assert port is not None
            assert floods_done(url) == 0  # warm: the first call's one-time costs are paid
            before = memory(proc.pid)["VmRSS"]
            clients = [never_reading_client(port) for _ in range(CLIENTS)]
            deadline = time.monotonic() + WAIT
            while floods_done(url) < CLIENTS:
                assert time.monotonic() < deadline, f"the floods did not end within {WAIT} s"
                time.sleep(0.2)
            peak = memory(proc.pid)["VmHWM"] - before
            bound = int(CLIENTS * PER_CLIENT * ALLOCATOR) + SLACK
            assert peak <= bound, (
                f"{CLIENTS} clients that never read {COUNT} messages of {MESSAGE // 1024} KiB took "
                f"{peak / MIB:.0f} MiB at the most (bound {bound / MIB:.0f} MiB)"
            )
            for sock in clients:
                sock.close()
            clients = []
            # What waited for them is freed once they are gone (bounded wait, not a timing).
            deadline = time.monotonic() + 30
            while (left := memory(proc.pid)["VmRSS"] - before) > SLACK:
                assert time.monotonic() < deadline, f"{left / MIB:.0f} MiB still held after the clients closed"
                time.sleep(0.2)
        finally:
            for sock in clients:
                sock.close()
            proc.kill()
            proc.wait(30)

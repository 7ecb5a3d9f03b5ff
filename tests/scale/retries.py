"""The retry policy of deploy/nginx/, one request at a time: for each probe a fresh nginx
whose first upstream is a stand-in for a failing instance and whose second is a real one.
nginx sends the first request after it starts to the first upstream, and the stand-in
says whether the request reached it, so every outcome is checked against what the policy
promises:

- the stand-in reads the whole request and closes the connection without answering (an
  instance that died while running it): a read (`tools/list`, `resources/read`,
  `prompts/get`) is passed to the real instance and answered; a `tools/call` is answered
  502, since it may have run;
- nothing listens on the stand-in's port (an instance that is down): the request never
  reached anything, and even a `tools/call` is passed on and answered.
"""

from __future__ import annotations

import json
import socket
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread

from nginx import Nginx
from results import Needs, Tally
from scenario import REQUEST_TIMEOUT, Env, Scenario
from support import free_port

MODERN = "2026-07-28"


class DyingUpstream:
    """A listener that takes each request in full and closes the connection without an
    answer, remembering the `Mcp-Method` of every request it took."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.methods: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(REQUEST_TIMEOUT)
                method = _read_request(conn).get("mcp-method")
                if method is not None:
                    self.methods.append(method)

    @contextmanager
    def running(self) -> Iterator[DyingUpstream]:
        """Serves until the block ends."""
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join(REQUEST_TIMEOUT)
            self.listener.close()


def _read_request(conn: socket.socket) -> dict[str, str]:
    """Reads one HTTP/1.1 request with a Content-Length body to its end; its headers, by
    lower-case name."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    headers = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return headers


def post(url: str, method: str, params: dict[str, Any], name: str | None) -> tuple[int, str]:
    """One 2026-07-28 request with its headers: (HTTP status, body)."""
    meta = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": {**params, "_meta": meta}}).encode()
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": MODERN,
        "Mcp-Method": method,
    }
    if name is not None:
        headers["Mcp-Name"] = name
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


# (method, params, Mcp-Name, repeatable)
PROBES: list[tuple[str, dict[str, Any], str | None, bool]] = [
    ("tools/call", {"name": "echo", "arguments": {"text": "once"}}, "echo", False),
    ("tools/list", {}, None, True),
    ("resources/read", {"uri": "memo://notes/welcome"}, "memo://notes/welcome", True),
    ("prompts/get", {"name": "code_review", "arguments": {"code": "x"}}, "code_review", True),
]


def _probe(scratch: Path, first: str, second: str, probe: tuple[str, dict[str, Any], str | None, bool]) -> tuple[int, str]:
    """Starts nginx in front of [first, second], sends one request, stops nginx."""
    front = Nginx(scratch / f"nginx-{free_port()}", free_port(), [first, second])
    front.start()
    try:
        method, params, name, _ = probe
        return post(front.url, method, params, name)
    finally:
        front.stop()


def _answered(status: int, body: str) -> bool:
    """A 200 whose JSON-RPC answer has a result."""
    return status == 200 and '"result"' in body


def check_policy(env: Env, tally: Tally) -> None:
    """Every probe against a dying stand-in, then a `tools/call` against a closed port."""
    real = env.topo.instances[0].address
    with tempfile.TemporaryDirectory(prefix="mcpforge-scale-retries-") as scratch:
        for probe in PROBES:
            method, _, _, repeatable = probe
            with DyingUpstream().running() as dying:
                status, body = _probe(Path(scratch), dying.address, real, probe)
                reached = method in dying.methods
            if not reached:
                tally.fail("not_reached", f"{method}: the first request after nginx started did not go to the first upstream")
            elif repeatable and _answered(status, body):
                tally.passed()
                tally.note(f"{method} reached a dying instance: passed on, answered")
            elif not repeatable and status == 502:
                tally.passed()
                tally.note(f"{method} reached a dying instance: 502, not run again")
            else:
                tally.fail("policy", f"{method} reached a dying instance and got {status}: {body[:200]}")
        closed = f"127.0.0.1:{free_port()}"
        status, body = _probe(Path(scratch), closed, real, PROBES[0])
        if _answered(status, body):
            tally.passed()
            tally.note("tools/call to an instance that is down (connection refused): passed on, answered")
        else:
            tally.fail("policy", f"tools/call to a closed port got {status}: {body[:200]}")


async def retry_policy(env: Env, tally: Tally) -> None:
    """`check_policy`, off the event loop (it starts processes and waits on sockets)."""
    await anyio.to_thread.run_sync(check_policy, env, tally)


SCENARIOS = [Scenario("retry-policy", Needs.NOTHING, retry_policy)]

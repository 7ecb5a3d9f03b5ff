"""The client's address through ASGI (``Server.asgi_app``): the adapter hands the engine
``scope["client"]``, so the bounds kept per client count a mounted app's clients as the
engine's own listener does. A client flooding ``initialize`` ends only its own sessions, and
the rate limit of requests without a session is kept per address. The app is driven
directly with ASGI messages, as an ASGI server would, from two client addresses."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Optional, Tuple

from conftest import run

from mcpforge import Server
from mcpforge.errors import RATE_LIMITED
from mcpforge.testing import HANDSHAKE, MODERN

A = ("127.0.0.1", 40000)
# An IPv4 client as a dual-stack socket reports it.
B = ("::ffff:127.0.0.2", 40001)

Answer = Tuple[int, Dict[bytes, bytes], Any]


def echo_server(**options: Any) -> Server:
    server = Server("asgi-clients", **options)

    @server.tool()
    def echo(text: str) -> str:
        return text

    return server


async def request(app: Any, body: Dict[str, Any], headers: Dict[str, str], client: Any) -> Answer:
    """One POST to ``/mcp`` from ``client`` (``scope["client"]``): the status, the headers and
    the JSON answer (the last message of an event stream)."""
    raw = json.dumps(body).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/mcp",
        "raw_path": b"/mcp",
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in {"Host": "127.0.0.1:8000", **headers}.items()],
        "client": client,
        "server": ("127.0.0.1", 8000),
    }
    done = asyncio.Event()
    sent: List[Dict[str, Any]] = []
    delivered = False

    async def receive() -> Dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": raw, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Dict[str, Any]) -> None:
        sent.append(message)

    try:
        await app(scope, receive, send)
    finally:
        done.set()
    start = sent[0]
    text = b"".join(m.get("body", b"") for m in sent[1:]).decode()
    events = [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]
    answer = events[-1] if events else (json.loads(text) if text else None)
    return start["status"], dict(start["headers"]), answer


def legacy_headers(session: Optional[str] = None) -> Dict[str, str]:
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if session is not None:
        headers.update({"Mcp-Session-Id": session, "MCP-Protocol-Version": HANDSHAKE})
    return headers


async def open_session(app: Any, client: Any) -> str:
    params = {"protocolVersion": HANDSHAKE, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}
    status, headers, _ = await request(app, {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": params}, legacy_headers(), client)
    assert status == 200
    return headers[b"mcp-session-id"].decode()


async def ping(app: Any, session: str, client: Any) -> int:
    return (await request(app, {"jsonrpc": "2.0", "id": 1, "method": "ping"}, legacy_headers(session), client))[0]


async def modern_echo(app: Any, client: Any) -> Any:
    meta = {
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
    }
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "echo", "arguments": {"text": "hi"}, "_meta": meta}}
    headers = {**legacy_headers(), "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call", "Mcp-Name": "echo"}
    return (await request(app, body, headers, client))[2]


def test_a_flood_of_initialize_from_one_address_ends_only_its_own_sessions() -> None:
    app = echo_server().asgi_app(max_sessions=6, max_sessions_per_client=2)

    async def body() -> None:
        async with app.lifespan():
            mine = await open_session(app, A)
            flood = [await open_session(app, B) for _ in range(20)]
            assert await ping(app, mine, A) == 200, "another client's flood ended a session"
            assert [await ping(app, s, B) for s in flood[-2:]] == [200, 200], "the flooder keeps its newest"
            assert {await ping(app, s, B) for s in flood[:-2]} == {404}, "the flooder's older sessions were ended"

    run(body)


def test_requests_without_a_session_are_rate_limited_per_address() -> None:
    app = echo_server(rate_limits={"per_client": {"requests": 5, "per": 3600}}).asgi_app()

    async def body() -> None:
        async with app.lifespan():
            answers = [await modern_echo(app, A) for _ in range(8)]
            assert sum("result" in a for a in answers) == 5, answers
            assert all(a["error"]["code"] == RATE_LIMITED for a in answers if "result" not in a)
            other = await modern_echo(app, B)
            assert other["result"]["content"][0]["text"] == "hi", f"another address has its own bucket: {other}"
            # No address (no `client`, a unix socket's path): served, all such clients together.
            for client in (None, ["/run/app.sock", None], ("", 0)):
                assert "result" in await modern_echo(app, client)

    run(body)

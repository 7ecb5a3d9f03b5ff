"""Serving from asyncio: ``await server.run_async("http", ...)`` on the caller's loop (async
handlers run on that loop; cancelling the coroutine shuts the server down), engine errors
as Python exceptions (a port in use), limits passed to the engine (a request timeout
reaching a running handler), the engine's built-in token verifier configured by
``AuthSettings`` alone (with a tool's own ``required_scopes``), and the package's typing
marker."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
import socket
import threading
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from conftest import http_request, http_tool_call, run, wait_until_cancelled

import mcpforge
from mcpforge import AuthSettings, Context, Server

WAIT = 20.0
def test_run_async_serves_http_on_the_callers_loop() -> None:
    server = Server("async-http")
    loops: List[int] = []

    @server.tool()
    async def where(n: int) -> str:
        loops.append(id(asyncio.get_running_loop()))
        return f"on the loop {n}"

    async def body() -> None:
        loop = asyncio.get_running_loop()
        bound: "asyncio.Future[Tuple[str, int]]" = loop.create_future()
        serving = asyncio.ensure_future(server.run_async("http", port=0, on_ready=lambda host, port: bound.set_result((host, port))))
        host, port = await asyncio.wait_for(bound, WAIT)
        assert host == "127.0.0.1" and port > 0
        url = f"http://127.0.0.1:{port}/mcp"
        status, _, reply = await loop.run_in_executor(None, http_tool_call, url, "where", {"n": 3})
        assert status == 200 and reply["result"]["content"] == [{"type": "text", "text": "on the loop 3"}]
        assert loops == [id(loop)]
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving
        assert server._caller_loop is None

    run(body)


def test_handlers_see_the_session_id_and_the_http_headers() -> None:
    server = Server("who")

    @server.tool()
    def whoami(ctx: Context) -> Dict[str, Any]:
        request = ctx.request_context.request
        return {
            "session": ctx.session_id,
            "trace": (ctx.headers or {}).get("x-trace"),
            "any_case": None if request is None else request.headers.get("X-Trace"),
        }

    def post(url: str, body: Dict[str, Any], session: Optional[str] = None) -> Tuple[Optional[str], Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream", "X-Trace": "t-1"}
        if session is not None:
            headers.update({"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"})
        request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            text = response.read().decode()
            data = [line[5:] for line in text.splitlines() if line.startswith("data:") and line[5:].strip()]
            return response.headers.get("Mcp-Session-Id"), json.loads(data[-1] if data else text)

    async def body() -> None:
        loop = asyncio.get_running_loop()
        bound: "asyncio.Future[Tuple[str, int]]" = loop.create_future()
        serving = asyncio.ensure_future(server.run_async("http", port=0, on_ready=lambda host, port: bound.set_result((host, port))))
        _, port = await asyncio.wait_for(bound, WAIT)
        url = f"http://127.0.0.1:{port}/mcp"
        init = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
        session, _ = await loop.run_in_executor(None, post, url, init)
        assert session
        call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "whoami", "arguments": {}}}
        _, reply = await loop.run_in_executor(None, post, url, call, session)
        assert reply["result"]["structuredContent"] == {"session": session, "trace": "t-1", "any_case": "t-1"}
        _, _, modern = await loop.run_in_executor(None, http_tool_call, url, "whoami")
        assert modern["result"]["structuredContent"] == {"session": None, "trace": None, "any_case": None}
        async with server.test_client() as client:
            assert (await client.call_tool("whoami")).structured_content == {"session": None, "trace": None, "any_case": None}
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving

    run(body)


def test_a_port_in_use_is_an_os_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match="in use"):
            Server("clash").run("http", port=port)


def test_unknown_transport_and_options_are_refused() -> None:
    server = Server("options")
    with pytest.raises(ValueError, match="unknown transport"):
        server.run("carrier-pigeon")
    with pytest.raises(TypeError, match="unknown HTTP options: colour"):
        server.run("http", port=0, colour="blue")
    with pytest.raises(TypeError, match="stdio"):
        server.run(metrics=True)


def test_the_http_keywords_are_the_engines_options() -> None:
    """``run("http", ...)`` takes the engine's HTTP option names (no list of the binding's own
    to drift): durations under their seconds names, the address and ``auth`` as ``run``'s
    own parameters."""
    from mcpforge._native import http_option_names

    names = set(http_option_names())
    assert {"sessionless", "shared_store", "max_connections", "websocket", "legacy_sse"} <= names
    assert {"session_idle_timeout", "sse_keepalive", "header_timeout", "idle_timeout", "body_timeout"} <= names
    assert not {n for n in names if n.endswith("_ms") or n != n.lower()}
    assert not names & {"bind", "host", "port", "path", "auth", "handle_signals"}


def test_a_request_timeout_reaches_the_running_handler() -> None:
    """``limits={"request_timeout": ...}`` is the engine's: the client gets an error and the
    handler sees ``ctx.cancelled``."""
    noticed = threading.Event()
    server = Server("timeouts", limits={"request_timeout": 0.2})

    @server.tool()
    def stuck(ctx: Context) -> str:
        if wait_until_cancelled(ctx):
            noticed.set()
        return "late"

    async def body() -> None:
        async with server.test_client() as client:
            with pytest.raises(mcpforge.ProtocolError) as e:
                await client.call_tool("stuck")
            assert e.value.code == -32603
            assert await asyncio.get_running_loop().run_in_executor(None, noticed.wait, WAIT)

    run(body)


def test_the_package_is_typed() -> None:
    package = Path(mcpforge.__file__).parent
    assert (package / "py.typed").exists()
    assert (package / "_native.pyi").exists()


def test_http_options_reach_the_engine() -> None:
    """``path``, ``allowed_hosts`` (DNS-rebinding protection) and ``max_body``."""
    server = Server("http-options")

    @server.tool()
    def echo(text: str) -> str:
        return text

    async def body() -> None:
        loop = asyncio.get_running_loop()
        bound: "asyncio.Future[Tuple[str, int]]" = loop.create_future()
        options = {"path": "/rpc", "allowed_hosts": ["localhost"], "max_body": 2048}
        serving = asyncio.ensure_future(server.run_async("http", port=0, on_ready=lambda h, p: bound.set_result((h, p)), **options))
        _, port = await asyncio.wait_for(bound, WAIT)
        local, loopback = f"http://localhost:{port}/rpc", f"http://127.0.0.1:{port}/rpc"
        status, _, reply = await loop.run_in_executor(None, http_tool_call, local, "echo", {"text": "hi"})
        assert status == 200 and reply["result"]["content"][0]["text"] == "hi"
        status, _, _ = await loop.run_in_executor(None, http_tool_call, loopback, "echo", {"text": "hi"})
        assert status == 403  # Host 127.0.0.1 is not in allowed_hosts
        status, _, _ = await loop.run_in_executor(None, http_tool_call, local, "echo", {"text": "x" * 4096})
        assert status == 413
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving

    run(body)


def test_serve_refuses_a_bad_http_address() -> None:
    server = Server("addr")
    for bad in ("3000", "localhost", "127.0.0.1:http", "127.0.0.1:70000"):
        with pytest.raises(ValueError, match="HOST:PORT"):
            server.serve(http=bad)


def test_server_options_are_read_by_the_engine() -> None:
    """``Server(...)``'s options go to the engine's JSON form: versions, limits (seconds),
    and a mistyped option is refused with the field's name instead of being ignored."""
    server = Server("versions", protocol_versions=["2025-06-18", "2026-07-28"], limits={"max_queued_messages": 8})

    @server.tool()
    def ping_tool() -> str:
        return "pong"

    async def body() -> None:
        async with server.test_client(wire="2026-07-28") as client:
            discover = await client.request("server/discover")
            assert discover["supportedVersions"] == ["2026-07-28", "2025-06-18"]

    run(body)
    with pytest.raises(ValueError, match="unknown field `max_inflight`"):
        Server("typo", limits={"max_inflight": 4})
    with pytest.raises(ValueError, match="unknown protocol version"):
        Server("old", protocol_versions=["2023-01-01"])


def test_capability_options_are_read_by_the_engine() -> None:
    """Tasks (seconds), experimental and extension capabilities, and a capability enabled
    before anything of its kind is registered reach the engine's capabilities."""
    server = Server(
        "caps",
        tasks={"ttl": 60, "poll_interval": 0.5, "max_tasks": 10},
        experimental={"x-feature": {"on": True}},
        extensions={"io.example/ext": {"level": 2}},
        enable_prompts=True,
    )

    async def body() -> None:
        async with server.test_client(wire="2026-07-28") as client:
            caps = (await client.request("server/discover"))["capabilities"]
            assert caps["experimental"] == {"x-feature": {"on": True}}
            assert caps["extensions"]["io.example/ext"] == {"level": 2}
            assert any("tasks" in name for name in caps["extensions"]), caps
            assert "prompts" in caps and "tools" not in caps

    run(body)
    with pytest.raises(ValueError, match="poll_interval must be seconds"):
        Server("bad", tasks={"poll_interval": -1})


def test_error_codes_are_the_engine_table() -> None:
    from mcpforge import errors
    from mcpforge._native import ERROR_CODES

    assert errors.INVALID_PARAMS == -32602 and errors.PARSE_ERROR == -32700
    assert errors.MISSING_REQUIRED_CLIENT_CAPABILITY == -32021
    assert {name: getattr(errors, name) for name in ERROR_CODES} == ERROR_CODES


def _hs256(claims: Dict[str, Any], secret: str) -> str:
    """A JWT signed with HS256 (the shared-secret algorithm the test can make with hmac)."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + part(json.dumps(claims).encode())
    return signing + "." + part(hmac.new(secret.encode(), signing.encode(), hashlib.sha256).digest())


def test_auth_settings_with_jwt_options_need_no_verifier() -> None:
    """``AuthSettings(jwt=...)``: the engine verifies the token (signature, issuer, audience,
    expiry); the handler sees subject, scopes and client id; a bad token is 401."""
    secret = "a-shared-secret-of-at-least-32-bytes"
    server = Server("jwt")

    @server.tool()
    def whoami(ctx: Context) -> str:
        assert ctx.auth is not None
        return f"{ctx.auth.subject} {' '.join(ctx.auth.scopes)} {ctx.auth.client_id}"

    with pytest.raises(ValueError, match="verifier, or jwt"):
        AuthSettings(resource="http://localhost/mcp")

    async def body() -> None:
        loop = asyncio.get_running_loop()
        bound: "asyncio.Future[Tuple[str, int]]" = loop.create_future()
        auth = AuthSettings(resource="http://localhost/mcp", required_scopes=["mcp"],
                            jwt={"issuer": "https://as.example", "shared_secret": secret})
        serving = asyncio.ensure_future(server.run_async("http", port=0, auth=auth, on_ready=lambda h, p: bound.set_result((h, p))))
        _, port = await asyncio.wait_for(bound, WAIT)
        url = f"http://127.0.0.1:{port}/mcp"
        claims = {"iss": "https://as.example", "aud": "http://localhost/mcp", "sub": "ada", "scope": "mcp",
                  "client_id": "app", "exp": int(time.time()) + 300}
        status, _, reply = await loop.run_in_executor(None, http_tool_call, url, "whoami", None, _hs256(claims, secret))
        assert status == 200 and reply["result"]["content"][0]["text"] == "ada mcp app"
        for bad in (_hs256({**claims, "aud": "http://elsewhere/mcp"}, secret), _hs256(claims, "x" * 40)):
            status, headers, _ = await loop.run_in_executor(None, http_tool_call, url, "whoami", None, bad)
            assert status == 401 and 'error="invalid_token"' in headers["WWW-Authenticate"]
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving

    run(body)


def test_a_tools_required_scopes_hide_it_and_refuse_its_call() -> None:
    """``@server.tool(required_scopes=[...])``: a token without them does not see the tool
    and gets 403 ``insufficient_scope`` naming every scope the call needs; one with them
    calls it."""
    secret = "a-shared-secret-of-at-least-32-bytes"
    server = Server("scoped")
    ran: List[str] = []

    @server.tool()
    def read() -> str:
        return "read"

    @server.tool(required_scopes=["files:write"])
    def write() -> str:
        ran.append("write")
        return "written"

    with pytest.raises(TypeError, match="list of scopes"):
        server.add_tool(lambda: "", name="bad", required_scopes="files:write")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="requiredScopes"):
        server.add_tool(lambda: "", name="spaced", required_scopes=["files write"])

    async def body() -> None:
        loop = asyncio.get_running_loop()
        bound: "asyncio.Future[Tuple[str, int]]" = loop.create_future()
        auth = AuthSettings(resource="http://localhost/mcp", required_scopes=["mcp"],
                            jwt={"issuer": "https://as.example", "shared_secret": secret})
        serving = asyncio.ensure_future(server.run_async("http", port=0, auth=auth, on_ready=lambda h, p: bound.set_result((h, p))))
        _, port = await asyncio.wait_for(bound, WAIT)
        url = f"http://127.0.0.1:{port}/mcp"
        claims = {"iss": "https://as.example", "aud": "http://localhost/mcp", "sub": "ada", "scope": "mcp",
                  "exp": int(time.time()) + 300}
        reader, writer = _hs256(claims, secret), _hs256({**claims, "scope": "mcp files:write"}, secret)

        async def names(token: str) -> List[str]:
            status, _, reply = await loop.run_in_executor(None, http_request, url, "tools/list", {}, token)
            assert status == 200, reply
            return [t["name"] for t in reply["result"]["tools"]]

        assert await names(reader) == ["read"]
        assert await names(writer) == ["read", "write"]
        status, headers, _ = await loop.run_in_executor(None, http_tool_call, url, "write", None, reader)
        assert status == 403
        assert headers["WWW-Authenticate"].startswith('Bearer error="insufficient_scope", scope="mcp files:write"')
        assert ran == []
        status, _, reply = await loop.run_in_executor(None, http_tool_call, url, "write", None, writer)
        assert status == 200 and reply["result"]["content"][0]["text"] == "written"
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving

    run(body)

"""The HTTP apps under the official SDK's names are Starlette applications when Starlette is
installed (``streamable_http_app()``: a ``Route`` at the endpoint; ``sse_app()``: a
``Route`` for the stream and a ``Mount`` for the messages), and the engine still answers
every request: under a prefix, past the routes, with the body cap and the ``Host`` checks.
Without Starlette they are the engine's ASGI app. ``MCPServer``/``FastMCP`` add the official
``session_manager``, ``settings`` and the 1.x loopback ``transport_security``."""

from __future__ import annotations

import json
import sys
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Dict, List

import pytest
from conftest import INITIALIZE, asgi_request, run
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route

from mcpforge import FastMCP, MCPServer, Server
from mcpforge.asgi import McpAsgiApp

POST_HEADERS = [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json"), (b"accept", b"application/json, text/event-stream")]
MESSAGE = "/messages/?session_id=12345678123456781234567812345678"


def server_info(body: bytes) -> Dict[str, Any]:
    """The ``serverInfo`` of an initialize answer, sent as JSON or as one SSE event."""
    text = body.decode()
    if not text.startswith("{"):
        text = next(line[len("data:") :] for line in text.splitlines() if line.startswith("data:"))
    return json.loads(text)["result"]["serverInfo"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("kind", [Server, MCPServer, FastMCP])
def test_streamable_http_app_routes_the_endpoint_to_the_engine(kind: Any) -> None:
    app = kind("routed").streamable_http_app()
    assert isinstance(app, Starlette)
    endpoint = [r for r in app.routes if isinstance(r, Route) and r.path == "/mcp"]
    assert len(endpoint) == 1 and isinstance(endpoint[0].endpoint, McpAsgiApp)
    status, body = asgi_request(app, "POST", "/mcp", INITIALIZE, POST_HEADERS)
    assert status == 200 and server_info(body)["name"] == "routed"
    # Other paths are the engine's: its health check; no trailing-slash redirect.
    assert asgi_request(app, "GET", "/healthz")[0] == 200
    assert asgi_request(app, "POST", "/mcp/", INITIALIZE, POST_HEADERS)[0] != 307
    # The engine keeps checking Host.
    assert asgi_request(app, "POST", "/mcp", INITIALIZE, [(b"host", b"evil.example"), *POST_HEADERS[1:]])[0] == 403


def test_middleware_added_to_the_app_sees_the_endpoints_requests() -> None:
    seen: List[str] = []

    class Recording:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            seen.append(scope["path"])
            await self.app(scope, receive, send)

    app = MCPServer("wrapped").streamable_http_app()
    status, body = asgi_request(app, "POST", "/mcp", INITIALIZE, POST_HEADERS)
    assert status == 200 and seen == []
    app.add_middleware(Recording)
    status, body = asgi_request(app, "POST", "/mcp", INITIALIZE, POST_HEADERS)
    assert status == 200 and server_info(body)["name"] == "wrapped" and seen == ["/mcp"]
    # Mounted under a prefix, the endpoint is still the engine's.
    outer = Starlette(routes=[Mount("/ai", app=MCPServer("mounted").streamable_http_app())])
    status, body = asgi_request(outer, "POST", "/ai/mcp", INITIALIZE, POST_HEADERS)
    assert status == 200 and server_info(body)["name"] == "mounted"


def test_sse_app_routes_the_stream_and_mounts_the_messages_under_a_prefix_too() -> None:
    mcp = MCPServer("legacy")
    app = mcp.sse_app(max_request_body_size=8, host="0.0.0.0")
    assert [(type(r).__name__, r.path) for r in app.routes] == [("Route", "/sse"), ("Mount", "/messages")]
    assert app.routes[0].methods == {"GET", "HEAD"}
    # Past the cap: the engine's 413, which it answers only at its messages path (else 404).
    assert asgi_request(app, "POST", MESSAGE, b"123456789")[0] == 413
    outer = Starlette(routes=[Mount("/legacy", app=app)])
    assert asgi_request(outer, "POST", "/legacy" + MESSAGE, b"123456789")[0] == 413
    assert asgi_request(outer, "POST", "/legacy/elsewhere/", b"123456789")[0] == 404


def test_custom_routes_come_after_the_endpoint_and_the_app_offers_its_lifespan() -> None:
    server = Server("custom")
    seen: List[str] = []

    @server.custom_route("/health", methods=["GET"])
    async def health(request: Request) -> PlainTextResponse:
        return PlainTextResponse("OK")

    app = server.streamable_http_app()
    assert [getattr(r, "path", None) for r in app.routes] == ["/mcp", "/health"]
    assert asgi_request(app, "GET", "/health") == (200, b"OK")
    plain = server.asgi_app()
    assert isinstance(plain, Starlette) and asgi_request(plain, "GET", "/health") == (200, b"OK")

    @asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[Dict[str, str]]:
        seen.append("in")
        yield {}
        seen.append("out")

    living = MCPServer("life", lifespan=lifespan)

    async def enter() -> None:
        async with living.streamable_http_app().lifespan():
            assert seen == ["in"]

    run(enter)
    assert seen == ["in", "out"]


def test_without_starlette_the_apps_are_the_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("starlette", "starlette.applications", "starlette.routing"):
        monkeypatch.setitem(sys.modules, name, None)  # importing it raises ImportError
    server = MCPServer("bare")
    for app in (server.streamable_http_app(), server.sse_app(), server.asgi_app()):
        assert isinstance(app, McpAsgiApp)
    status, body = asgi_request(server.streamable_http_app(), "POST", "/mcp", INITIALIZE, POST_HEADERS)
    assert status == 200 and server_info(body)["name"] == "bare"
    assert server.session_manager.max_sessions == 10_000

    @server.custom_route("/health", methods=["GET"])
    async def health(request: Any) -> Any:
        return None

    with pytest.raises(ImportError):
        server.streamable_http_app()  # custom routes take Starlette requests


def test_session_manager_reads_the_settings_the_engine_applies() -> None:
    mcp = FastMCP(max_request_body_size=8, session_idle_timeout=5, max_sessions=7)
    with pytest.raises(RuntimeError, match="streamable_http_app"):
        mcp.session_manager
    mcp.streamable_http_app()
    manager = mcp.session_manager
    assert (manager.max_request_body_size, manager.session_idle_timeout, manager.max_sessions) == (8, 5.0, 7)
    default = FastMCP()
    default.streamable_http_app()
    assert (default.session_manager.session_idle_timeout, default.session_manager.max_sessions) == (1800.0, 10_000)
    # None is no bound in 1.x; the engine keeps its own.
    unbounded = FastMCP(session_idle_timeout=None, max_sessions=None)
    assert (unbounded.settings.session_idle_timeout, unbounded.settings.max_sessions) == (None, None)
    unbounded.streamable_http_app()
    assert (unbounded.session_manager.session_idle_timeout, unbounded.session_manager.max_sessions) == (600.0, 10_000)
    # handle_request answers with the engine.
    status, body = asgi_request(default.session_manager.handle_request, "POST", "/mcp", INITIALIZE, POST_HEADERS)
    assert status == 200 and server_info(body)["name"] == "FastMCP"

    async def run_it() -> None:
        async with default.session_manager.run():
            pass

    run(run_it)


def test_settings_and_the_1x_loopback_transport_security() -> None:
    mcp = MCPServer("deps", dependencies=["pandas"], debug=True)
    assert mcp.settings.dependencies == ["pandas"] == mcp.dependencies and mcp.settings.debug
    loopback = FastMCP(host="localhost").settings.transport_security
    assert loopback.enable_dns_rebinding_protection is True
    assert loopback.allowed_hosts == ["127.0.0.1:*", "localhost:*", "[::1]:*"]
    assert "http://[::1]:*" in loopback.allowed_origins
    assert FastMCP(host="0.0.0.0").settings.transport_security is None
    given = {"enable_dns_rebinding_protection": False}
    assert FastMCP(host="127.0.0.1", transport_security=given).settings.transport_security is given
    # The filled-in lists reach the engine: a loopback Origin passes, another does not; with
    # no transport_security (a non-loopback host) the engine's loopback defaults still apply.
    for app in (FastMCP().streamable_http_app(), FastMCP(host="0.0.0.0").streamable_http_app()):
        with_origin = [*POST_HEADERS, (b"origin", b"http://localhost:5173")]
        assert asgi_request(app, "POST", "/mcp", INITIALIZE, with_origin)[0] == 200
        foreign = [*POST_HEADERS, (b"origin", b"http://evil.example")]
        assert asgi_request(app, "POST", "/mcp", INITIALIZE, foreign)[0] == 403


@pytest.mark.parametrize(
    "given, seen",
    [
        # Starlette today: the path stays whole, the prefix joins root_path.
        ({"path": "/api/messages/", "root_path": "/api/messages"}, {"path": "/api/messages/", "root_path": "/api"}),
        # Older Starlette also cut the prefix from the path.
        ({"path": "/", "root_path": "/api/messages"}, {"path": "/messages/", "root_path": "/api"}),
    ],
)
def test_the_messages_mount_gives_the_engine_the_path_below_the_app(given: Dict[str, str], seen: Dict[str, str]) -> None:
    from mcpforge._starlette_app import _Unmounted

    scopes: List[Dict[str, Any]] = []

    async def engine(scope: Any, receive: Any, send: Any) -> None:
        scopes.append(scope)

    async def call() -> None:
        await _Unmounted(engine, "/messages")({"type": "http", **given}, None, None)  # type: ignore[arg-type]

    run(call)
    assert {k: scopes[0][k] for k in ("path", "root_path")} == seen

"""DNS-rebinding protection on the official SDK's Python serving paths, served by mcpforge:
forged ``Host`` and ``Origin`` headers (a rebinding attacker's name, loopback names with more
after them, user info, ``Origin: null``, upper case, no ``Host`` at all) are each refused 403
with one line of JSON-RPC error, and loopback requests, with and without an ``Origin``, are
served. The paths: ``streamable_http_app()`` and ``sse_app()`` of ``MCPServer`` and
``FastMCP``, on a loopback host (the SDK's protection on) and on ``0.0.0.0`` (the SDK's off;
the engine's loopback defaults stay), and ``transport_security`` with ``allowed_hosts`` only,
where ``Origin`` is checked against the origins of those hosts."""

from __future__ import annotations

import json
from typing import Any, List, Optional, Tuple

import pytest
from conftest import INITIALIZE, asgi_request

from mcpforge import FastMCP, MCPServer

LOOPBACK = "127.0.0.1:8000"

# The forged forms: a Host (None: none at all) and an Origin (None: none).
FORGED: List[Tuple[Optional[str], Optional[str]]] = [
    ("evil.com", None),
    ("evil.com:8000", None),
    ("127.0.0.1.evil.com", None),
    ("localhost.evil.com:8000", None),
    ("[::1].evil", None),
    ("localhost:1@evil.com", None),
    ("EVIL.COM", None),
    (None, None),
    (LOOPBACK, "http://evil.com"),
    (LOOPBACK, "null"),
    (LOOPBACK, "http://127.0.0.1.evil.com:8000"),
    (LOOPBACK, "http://localhost:1@evil.com"),
    (LOOPBACK, "HTTP://EVIL.COM"),
]

# Loopback requests a local client or a page on the server's own origin sends.
LEGITIMATE: List[Tuple[Optional[str], Optional[str]]] = [
    (LOOPBACK, None),
    ("localhost:8000", "http://localhost:8000"),
    ("[::1]:8000", "http://[::1]:8000"),
    ("LOCALHOST:8000", "HTTP://LOCALHOST:5173"),
]


def headers(host: Optional[str], origin: Optional[str]) -> List[Tuple[bytes, bytes]]:
    """The headers of an ``initialize`` POST with ``host`` and ``origin`` (each left out when None)."""
    given = [(b"content-type", b"application/json"), (b"accept", b"application/json, text/event-stream")]
    if host is not None:
        given.append((b"host", host.encode()))
    if origin is not None:
        given.append((b"origin", origin.encode()))
    return given


def assert_refused(app: Any, method: str, path: str, host: Optional[str], origin: Optional[str]) -> None:
    """The request is refused 403 with one line of JSON-RPC error naming Host or Origin."""
    status, body = asgi_request(app, method, path, INITIALIZE if method == "POST" else b"", headers(host, origin))
    assert status == 403, (host, origin, status, body)
    assert len(body.decode().strip().splitlines()) == 1, body
    message = json.loads(body)["error"]["message"]
    assert "Host" in message or "Origin" in message, message


def assert_served(app: Any, host: Optional[str], origin: Optional[str]) -> None:
    """The ``initialize`` is answered 200."""
    status, body = asgi_request(app, "POST", "/mcp", INITIALIZE, headers(host, origin))
    assert status == 200, (host, origin, status, body)


@pytest.mark.parametrize(
    "make",
    [
        lambda: MCPServer("guarded").streamable_http_app(),
        lambda: FastMCP("guarded").streamable_http_app(),
        lambda: FastMCP("guarded", host="0.0.0.0").streamable_http_app(),
        lambda: MCPServer("guarded").streamable_http_app(host="0.0.0.0"),
    ],
    ids=["MCPServer", "FastMCP", "FastMCP-0.0.0.0", "MCPServer-0.0.0.0"],
)
def test_forged_host_and_origin_are_refused_on_the_streamable_http_app(make: Any) -> None:
    app = make()
    for host, origin in FORGED:
        assert_refused(app, "POST", "/mcp", host, origin)
    for host, origin in LEGITIMATE:
        assert_served(app, host, origin)


def test_forged_host_and_origin_are_refused_on_the_sse_app() -> None:
    app = MCPServer("guarded").sse_app()
    for host, origin in FORGED:
        assert_refused(app, "GET", "/sse", host, origin)


def test_allowed_hosts_alone_check_origin_against_their_origins() -> None:
    app = MCPServer("guarded").streamable_http_app(transport_security={"allowed_hosts": ["app.example:*"]})
    assert_served(app, "app.example:8000", None)
    assert_served(app, "app.example:8000", "https://app.example")
    assert_served(app, "app.example", "http://app.example:8000")
    for origin in ["http://evil.com", "null", "http://localhost:5173", "http://app.example.evil.com"]:
        assert_refused(app, "POST", "/mcp", "app.example", origin)
    assert_refused(app, "POST", "/mcp", LOOPBACK, None)

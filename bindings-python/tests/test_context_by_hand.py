"""A ``Context`` made by hand, as the official SDK's tests make one
(``Context(request_context=..., mcp_server=...)``): it answers from what it was given and
raises ``ValueError`` outside a request; ``MCPServer[T]`` and ``Context[T]`` in annotations;
the ``Context`` an ``MCPServer`` passes reads the client's capabilities as the official
type (the wire dict without the official package)."""

from __future__ import annotations

import dataclasses
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Dict, List, Optional, Tuple

import pytest
from conftest import run

from mcpforge import Context, FastMCP, MCPServer, Server
from mcpforge.sdk.context import SdkContext
from mcpforge.testing import HANDSHAKE, MODERN


class RecordingSession:
    """A stand-in for the official request's session: records what the context sends."""

    def __init__(self, capabilities: Any = None) -> None:
        self.client_capabilities = capabilities
        self.sent: List[Tuple[str, Any]] = []

    async def report_progress(self, progress: float, total: Optional[float], message: Optional[str]) -> None:
        self.sent.append(("progress", (progress, total, message)))

    async def send_log_message(self, level: str, data: Any, logger: Optional[str], related_request_id: Any) -> None:
        self.sent.append(("log", (level, data, logger, related_request_id)))


class OneXSession:
    """1.x's session: progress goes out as a notification for the request's token."""

    def __init__(self) -> None:
        self.sent: List[Dict[str, Any]] = []

    async def send_progress_notification(self, **fields: Any) -> None:
        self.sent.append(fields)


@dataclasses.dataclass
class Headers:
    headers: Dict[str, str]


@dataclasses.dataclass
class RequestContext:
    """The fields of the official request context a hand-made ``Context`` reads."""

    session: Any
    request_id: Any = "req-1"
    meta: Any = None
    request: Any = None
    protocol_version: Optional[str] = "2025-11-25"
    lifespan_context: Any = None


def test_outside_a_request_the_server_and_request_context_raise() -> None:
    ctx = Context()
    for read in (lambda: ctx.mcp_server, lambda: ctx.request_context, lambda: ctx.server, lambda: ctx.session, lambda: ctx.headers):
        with pytest.raises(ValueError, match="outside of a request"):
            read()
    with pytest.raises(ValueError, match="outside of a request"):
        ctx.notify_tools_changed()
    assert ctx.protocol_version is None

    async def ask() -> None:
        await ctx.elicit("Name?", str)

    with pytest.raises(RuntimeError, match="made by hand"):
        run(ask)


def test_given_request_answers_progress_logs_headers_and_capabilities() -> None:
    session = RecordingSession(capabilities={"roots": {}})
    given = RequestContext(session, request=Headers({"x-user": "ada"}))
    server = MCPServer("given")
    ctx = Context(request_context=given, mcp_server=server)

    async def body() -> None:
        await ctx.report_progress(50, 100, message="halfway")
        await ctx.info("hello", logger_name="app")

    run(body)
    assert session.sent == [("progress", (50, 100, "halfway")), ("log", ("info", "hello", "app", "req-1"))]
    assert ctx.mcp_server is server and ctx.fastmcp is server
    assert ctx.request_context is given and ctx.session is session
    assert ctx.headers == {"x-user": "ada"}
    assert ctx.client_capabilities == {"roots": {}}
    assert ctx.request_id == "req-1" and ctx.protocol_version == "2025-11-25"
    # No request object, or one without headers: no headers.
    assert Context(request_context=RequestContext(session)).headers is None
    assert Context(request_context=RequestContext(session, request=object())).headers is None


def test_a_1x_session_gets_progress_for_the_requests_token_only() -> None:
    session = OneXSession()
    with_token = Context(request_context=RequestContext(session, meta={"progressToken": "t1"}))
    without = Context(request_context=RequestContext(session))

    async def body() -> None:
        await with_token.report_progress(1, 2)
        await without.report_progress(1, 2)

    run(body)
    assert session.sent == [{"progress_token": "t1", "progress": 1.0, "total": 2.0, "message": None, "related_request_id": "req-1"}]


def test_a_hand_made_context_with_a_server_reads_its_resources_and_notifies() -> None:
    server = MCPServer("reader")

    @server.resource("notes://{day}")
    def notes(day: str) -> str:
        return f"notes of {day}"

    async def body() -> None:
        contents = await Context(mcp_server=server).read_resource("notes://monday")
        assert [(c.content, c.mime_type) for c in contents] == [("notes of monday", "text/plain")]

    run(body)
    Context(fastmcp=server).notify_tools_changed()  # 1.x's name for the server; no client to tell


@dataclasses.dataclass
class AppState:
    greeting: str


@pytest.mark.parametrize("wire", [HANDSHAKE, MODERN])
def test_parameterized_server_and_context_in_templates_and_prompts(wire: str) -> None:
    @asynccontextmanager
    async def lifespan(_: MCPServer[AppState]) -> AsyncIterator[AppState]:
        yield AppState(greeting="Hello")

    mcp: MCPServer[AppState] = MCPServer(lifespan=lifespan)

    @mcp.resource("greeting://{name}")
    def greeting(name: str, ctx: Context[AppState]) -> str:
        return f"{ctx.request_context.lifespan_context.greeting}, {name} ({ctx.protocol_version})"

    @mcp.prompt()
    async def greet(name: str, ctx: Context[AppState]) -> str:
        return f"{ctx.request_context.lifespan_context.greeting}, {name} ({ctx.protocol_version})"

    async def body() -> None:
        async with mcp.test_client(wire=wire) as client:
            version = client.initialize_result["protocolVersion"] if client.initialize_result else wire
            expected = f"Hello, Alice ({version})"
            assert (await client.read_resource("greeting://Alice"))[0]["text"] == expected
            prompt = await client.get_prompt("greet", {"name": "Alice"})
            assert prompt["messages"][0]["content"]["text"] == expected

    run(body)
    assert FastMCP[AppState] is not None  # 1.x's class is generic too


def test_the_sdk_context_reads_capabilities_as_the_official_type() -> None:
    seen: Dict[str, Any] = {}
    server = MCPServer("caps")
    own = Server("own")

    @server.tool()
    def probe(ctx: Context) -> str:
        seen["sdk"] = (type(ctx), ctx.client_capabilities, ctx.session.check_client_capability({"roots": {}}))
        return "ok"

    @own.tool()
    def probe_own(ctx: Context) -> str:
        seen["own"] = (type(ctx), ctx.client_capabilities)
        return "ok"

    async def body() -> None:
        async with server.test_client(capabilities={"roots": {"listChanged": True}}) as client:
            await client.call_tool("probe")
        async with own.test_client(capabilities={"roots": {}}) as client:
            await client.call_tool("probe_own")

    run(body)
    kind, capabilities, has_roots = seen["sdk"]
    assert kind is SdkContext and has_roots
    try:
        from mcp_types import ClientCapabilities  # type: ignore[import-not-found, unused-ignore]
    except ImportError:  # without the official package: the wire dict
        assert capabilities == {"roots": {"listChanged": True}}
    else:
        assert isinstance(capabilities, ClientCapabilities)
    assert seen["own"] == (Context, {"roots": {}})

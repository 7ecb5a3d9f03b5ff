"""Middleware (``server.add_middleware``) through the real engine, on both wires: the order
of the chain around every request, denials (a tool error, a JSON-RPC error) that never reach
the tool, argument rewrites (still validated), what a middleware sees of a request and of its
result or error, a ``Middleware`` subclass with per-method hooks, a sync tool behind async
middleware, an exception inside a middleware, a middleware that asks the client for input, a
middleware added while serving, and what ``add_middleware`` refuses."""

from __future__ import annotations

import time
from typing import Any, Dict, List

import pytest
from conftest import run

from mcpforge import McpError, ProtocolError, Server, ToolError
from mcpforge.errors import INTERNAL_ERROR, InputRequired
from mcpforge.middleware import CallNext, Middleware, MiddlewareContext
from mcpforge.testing import HANDSHAKE, MODERN

WIRES = [HANDSHAKE, MODERN]


def notes_server(runs: List[str]) -> Server:
    server = Server("middleware-test")

    @server.tool()
    def add(a: int, b: int) -> int:
        runs.append("add")
        return a + b

    @server.tool()
    async def secret() -> str:
        runs.append("secret")
        return "the secret"

    @server.tool()
    def slow() -> str:
        time.sleep(0.05)
        return "rested"

    @server.resource("notes://{name}")
    def note(name: str) -> str:
        return f"note {name}"

    return server


@pytest.mark.parametrize("wire", WIRES)
def test_the_first_middleware_is_the_outermost_and_every_request_passes(wire: str) -> None:
    journal: List[str] = []
    server = notes_server([])

    def recorder(label: str) -> Any:
        async def record(context: MiddlewareContext, call_next: CallNext) -> Any:
            journal.append(f"{label}>{context.method}")
            result = await call_next(context)
            journal.append(f"{label}<{context.method}")
            return result

        return record

    server.add_middleware(recorder("a"))
    server.add_middleware(recorder("b"))
    assert len(server.middleware) == 2

    async def body() -> None:
        async with server.test_client(wire=wire) as client:
            journal.clear()  # what the connection itself sent (discover on 2026)
            assert (await client.call_tool("add", {"a": 1, "b": 2})).structured_content == {"result": 3}
            await client.read_resource("notes://x")

    run(body)
    assert journal == [
        "a>tools/call", "b>tools/call", "b<tools/call", "a<tools/call",
        "a>resources/read", "b>resources/read", "b<resources/read", "a<resources/read",
    ]


@pytest.mark.parametrize("wire", WIRES)
def test_denials_never_reach_the_tool(wire: str) -> None:
    runs: List[str] = []
    server = notes_server(runs)

    async def policy(context: MiddlewareContext, call_next: CallNext) -> Any:
        if context.name == "secret":
            raise ToolError("secret is not for you")
        if context.arguments is not None and context.arguments.get("a") == 666:
            raise McpError(-32001, "denied by policy", {"rule": "no-666"})
        return await call_next(context)

    server.add_middleware(policy)

    async def body() -> None:
        async with server.test_client(wire=wire) as client:
            refused = await client.call_tool("secret")
            assert refused.is_error and refused.text == "secret is not for you"
            with pytest.raises(ProtocolError) as denied:
                await client.call_tool("add", {"a": 666, "b": 1})
            assert (denied.value.code, denied.value.message, denied.value.data) == (-32001, "denied by policy", {"rule": "no-666"})
            assert (await client.call_tool("add", {"a": 1, "b": 1})).structured_content == {"result": 2}

    run(body)
    assert runs == ["add"]


def test_rewritten_arguments_reach_the_tool_and_are_still_validated() -> None:
    server = notes_server([])

    async def defaults(context: MiddlewareContext, call_next: CallNext) -> Any:
        args = context.arguments
        if args is not None and "b" not in args:
            args["b"] = 100
        if args is not None and args.get("b") == -1:
            context.arguments = {"a": args.get("a"), "b": "not a number"}
        return await call_next(context)

    server.add_middleware(defaults)

    async def body() -> None:
        async with server.test_client() as client:
            assert (await client.call_tool("add", {"a": 1})).structured_content == {"result": 101}
            invalid = await client.call_tool("add", {"a": 1, "b": -1})
            assert invalid.is_error and "Invalid arguments for tool add" in invalid.text

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_a_middleware_sees_the_request_and_its_outcome(wire: str) -> None:
    seen: List[Dict[str, Any]] = []
    server = notes_server([])

    async def watch(context: MiddlewareContext, call_next: CallNext) -> Any:
        entry: Dict[str, Any] = {
            "method": context.method,
            "name": context.name,
            "version": context.protocol_version,
            "modern": context.is_modern,
            "client": (context.client_info or {}).get("name"),
            "arguments": dict(context.arguments) if context.arguments is not None else None,
        }
        started = time.monotonic()
        try:
            result = await call_next(context)
            entry["result"] = result
        except ProtocolError as e:
            entry["error"] = e.code
            raise
        finally:
            entry["seconds"] = time.monotonic() - started
            seen.append(entry)
        return result

    server.add_middleware(watch)

    async def body() -> None:
        async with server.test_client(wire=wire) as client:
            seen.clear()
            await client.call_tool("add", {"a": 2, "b": 3})
            await client.call_tool("slow")
            with pytest.raises(ProtocolError):
                await client.call_tool("nope")

    run(body)
    assert [e["method"] for e in seen] == ["tools/call"] * 3
    first = seen[0]
    assert (first["name"], first["arguments"], first["modern"]) == ("add", {"a": 2, "b": 3}, wire == MODERN)
    assert first["version"] == wire
    assert first["client"] is not None
    assert first["result"]["structuredContent"] == {"result": 5}
    assert seen[1]["seconds"] >= 0.05, "the duration covers the tool"
    assert seen[2]["error"] == -32602, "an unknown tool's error reaches the middleware"


def test_a_middleware_subclass_with_per_method_hooks() -> None:
    server = notes_server([])
    calls: List[str] = []

    class Hidden(Middleware):
        async def on_list_tools(self, context: MiddlewareContext, call_next: CallNext) -> Any:
            result = await call_next(context)
            result["tools"] = [t for t in result["tools"] if t["name"] != "secret"]
            return result

        async def on_call_tool(self, context: MiddlewareContext, call_next: CallNext) -> Any:
            calls.append(context.name or "")
            return await call_next(context)

    server.add_middleware(Hidden())

    async def body() -> None:
        async with server.test_client() as client:
            names = sorted(t["name"] for t in await client.list_tools())
            assert names == ["add", "slow"]
            await client.call_tool("add", {"a": 1, "b": 1})
            await client.read_resource("notes://y")

    run(body)
    assert calls == ["add"]


def test_an_exception_in_a_middleware_fails_that_request_and_the_server_goes_on() -> None:
    server = notes_server([])

    async def broken(context: MiddlewareContext, call_next: CallNext) -> Any:
        if context.name == "secret":
            raise RuntimeError("middleware bug")
        if context.method == "resources/read":
            raise RuntimeError("reader bug")
        return await call_next(context)

    server.add_middleware(broken)

    async def body() -> None:
        async with server.test_client() as client:
            failed = await client.call_tool("secret")
            assert failed.is_error and "middleware bug" in failed.text
            with pytest.raises(ProtocolError) as e:
                await client.read_resource("notes://z")
            assert e.value.code == -32603
            assert (await client.call_tool("add", {"a": 1, "b": 1})).structured_content == {"result": 2}

    run(body)


def test_a_middleware_that_asks_the_client_for_input_fails_its_request() -> None:
    runs: List[str] = []
    server = notes_server(runs)

    async def asks(context: MiddlewareContext, call_next: CallNext) -> Any:
        if context.name == "secret":
            raise InputRequired()
        return await call_next(context)

    server.add_middleware(asks)

    async def body() -> None:
        async with server.test_client() as client:
            with pytest.raises(ProtocolError) as e:
                await client.call_tool("secret")
            assert e.value.code == INTERNAL_ERROR == -32603
            assert "a middleware cannot ask the client for input" in str(e.value)
            assert runs == []
            assert (await client.call_tool("add", {"a": 1, "b": 1})).structured_content == {"result": 2}

    run(body)


def test_middleware_added_while_serving_applies_to_later_requests() -> None:
    server = notes_server([])

    async def closed(context: MiddlewareContext, call_next: CallNext) -> Any:
        if context.name == "secret":
            raise ToolError("closed")
        return await call_next(context)

    async def body() -> None:
        async with server.test_client() as client:
            assert (await client.call_tool("secret")).text == "the secret"
            server.add_middleware(closed)
            assert (await client.call_tool("secret")).is_error

    run(body)


def test_add_middleware_refuses_what_is_not_an_async_middleware() -> None:
    server = Server("refusals")

    def sync(context: MiddlewareContext, call_next: CallNext) -> Any:
        return None

    with pytest.raises(TypeError, match="async callable"):
        server.add_middleware(sync)
    with pytest.raises(TypeError, match="not the class"):
        server.add_middleware(Middleware)
    assert server.middleware == []


def test_server_middleware_is_a_live_list_as_the_official_one() -> None:
    """``server.middleware.append(mw)`` (the official SDK's way, used by published servers)
    puts ``mw`` in the chain; removing it takes it out; what is appended is checked."""
    server = notes_server([])
    seen: List[str] = []

    async def first(context: MiddlewareContext, call_next: CallNext) -> Any:
        seen.append(f"first {context.method}")
        return await call_next(context)

    async def closed(context: MiddlewareContext, call_next: CallNext) -> Any:
        if context.name == "secret":
            raise McpError(-32602, "closed")
        return await call_next(context)

    async def body() -> None:
        async with server.test_client() as client:
            server.middleware.append(closed)
            server.middleware.insert(0, first)
            assert server.middleware == [first, closed]
            with pytest.raises(ProtocolError, match="closed"):
                await client.call_tool("secret")
            assert seen == ["first tools/call"]
            server.middleware.remove(closed)
            assert (await client.call_tool("secret")).text == "the secret"
            server.middleware.clear()
            assert (await client.call_tool("add", {"a": 1, "b": 2})).text == "3"
            assert seen == ["first tools/call", "first tools/call"]

    run(body)
    with pytest.raises(TypeError, match="async callable"):
        server.middleware.append(lambda context, call_next: None)
    assert server.middleware == []


def test_mcpserver_takes_the_official_middleware_and_subscriptions_keywords() -> None:
    from mcpforge import MCPServer

    async def refuse(context: MiddlewareContext, call_next: CallNext) -> Any:
        if context.method == "tools/call" and context.params.get("name") == "hidden":
            raise McpError(-32602, "Unknown tool: hidden")
        return await call_next(context)

    server = MCPServer("official-keywords", subscriptions=False, middleware=[refuse])

    @server.tool()
    def hidden() -> str:
        return "found"

    async def body() -> None:
        async with server.test_client() as client:
            with pytest.raises(ProtocolError, match="Unknown tool: hidden"):
                await client.call_tool("hidden")
        async with server.test_client(wire=MODERN) as client:
            with pytest.raises(ProtocolError, match="Method not found: subscriptions/listen"):
                await client.request("subscriptions/listen", {"notifications": {"toolsListChanged": True}})

    run(body)
    assert server.middleware == [refuse]
    with pytest.raises(NotImplementedError, match="subscriptions"):
        MCPServer("bus", subscriptions=object())

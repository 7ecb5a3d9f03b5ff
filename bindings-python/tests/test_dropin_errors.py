"""How ``MCPServer`` and ``FastMCP`` answer failed reads, prompts and completions, as the
official SDK does (the engine's ``sdk_resource_errors``, the official crash wording), while
``Server`` keeps its own: an unknown resource, a reader that refuses or crashes, a
``ResourceError`` escaping a tool, a crashing completion, missing prompt arguments."""

from __future__ import annotations

from typing import Any, Dict, Tuple

import pytest
from conftest import run

from mcpforge import Completion, Context, FastMCP, MCPServer, ProtocolError, ResourceError, Server
from mcpforge.exceptions import ResourceNotFoundError


def _server(cls: Any) -> Any:
    server = cls("errors")

    @server.resource("db://stats")
    def stats() -> str:
        raise ResourceError("stats are being rebuilt")

    @server.resource("db://gone")
    def gone() -> str:
        raise ResourceNotFoundError("no such report")

    @server.resource("db://crash")
    def crash() -> str:
        raise RuntimeError("pool exhausted")

    @server.resource("db://tables/{table}")
    def table(table: str) -> str:
        raise RuntimeError("pool exhausted")

    @server.tool()
    async def summarise(title: str, ctx: Context) -> str:
        try:
            await ctx.read_resource(f"db://{title}")
        except ResourceNotFoundError:
            return "recovered"
        return "read"

    @server.tool()
    async def lets_it_escape(ctx: Context) -> str:
        await ctx.read_resource("db://stats")
        return "read"

    @server.prompt()
    def greet(name: str, place: str) -> str:
        return f"hello {name} in {place}"

    @server.completion()
    def complete(argument: str) -> list:
        raise RuntimeError("index warmup failed")

    return server


def _answers(server: Any) -> Dict[str, Any]:
    out: Dict[str, Any] = {}

    async def failed(key: str, call: Any) -> None:
        with pytest.raises(ProtocolError) as e:
            await call
        out[key] = (e.value.code, e.value.message, e.value.data)

    async def body() -> None:
        async with server.test_client() as client:
            for uri in ("nothing://here", "db://stats", "db://gone", "db://crash", "db://tables/users"):
                await failed(uri, client.read_resource(uri))
            await failed("prompt", client.get_prompt("greet"))
            ref = {"type": "ref/prompt", "name": "greet"}
            await failed("completion", client.complete(ref, "name", "a"))
            out["recovered"] = (await client.call_tool("summarise", {"title": "gone"})).text
            try:
                escaped = await client.call_tool("lets_it_escape")
                out["escaped"] = (escaped.is_error, escaped.text)
            except ProtocolError as e:
                out["escaped"] = (e.code, e.message)

    run(body)
    return out


def test_mcpserver_answers_failed_reads_as_the_official_sdk() -> None:
    answers = _answers(_server(MCPServer))
    expected: Dict[str, Tuple[Any, ...]] = {
        "nothing://here": (-32602, "Unknown resource: nothing://here", {"uri": "nothing://here"}),
        "db://stats": (-32603, "stats are being rebuilt", {"uri": "db://stats"}),
        "db://gone": (-32602, "no such report", {"uri": "db://gone"}),
        "db://crash": (-32603, "Error reading resource db://crash", {"uri": "db://crash"}),
        "db://tables/users": (-32603, "Error creating resource from template db://tables/users", {"uri": "db://tables/users"}),
        "completion": (-32603, "Error completing argument name", None),
    }
    for key, answer in expected.items():
        assert answers[key] == answer, key
    code, message, _ = answers["prompt"]
    assert code == -32602 and "Missing required arguments" in message and "`name`, `place`" in message
    assert answers["recovered"] == "recovered"
    assert answers["escaped"] == (True, "Error executing tool lets_it_escape: stats are being rebuilt")


def test_fastmcp_keeps_the_crash_text_after_the_official_wording() -> None:
    answers = _answers(_server(FastMCP))
    assert answers["db://crash"] == (-32603, "Error reading resource db://crash: pool exhausted", {"uri": "db://crash"})
    assert answers["completion"][1] == "Error completing argument name: index warmup failed"


def test_server_keeps_its_own_resource_errors() -> None:
    answers = _answers(_server(Server))
    assert answers["nothing://here"] == (-32002, "Resource not found: nothing://here", {"uri": "nothing://here"})
    assert answers["db://stats"] == (-32603, "stats are being rebuilt", None)
    assert answers["db://crash"] == (-32603, "RuntimeError: pool exhausted", None)
    # A ResourceError escaping a tool of Server fails the call as the reader's error.
    assert answers["escaped"] == (-32603, "stats are being rebuilt")


def test_a_completion_handler_of_mcpserver_returns_a_completion() -> None:
    # As the official `@mcp.completion()`: a Completion (in any of its forms) or None is an
    # answer; a bare list of values is the handler's bug, a crash. `Server` takes the list.
    answers: Dict[str, Any] = {"list": ["bold", "italic"], "none": None, "dict": {"values": ["bold"]}, "completion": Completion(["bold"])}

    def serve(cls: Any) -> Any:
        server = cls("completions")

        @server.completion()
        def complete(value: str) -> Any:
            return answers[value]

        return server

    async def ask(server: Any, value: str) -> Any:
        async with server.test_client() as client:
            try:
                return (await client.complete({"type": "ref/prompt", "name": "any"}, "style", value))["values"]
            except ProtocolError as e:
                return (e.code, e.message)

    mcpserver, server = serve(MCPServer), serve(Server)
    assert run(lambda: ask(mcpserver, "list")) == (-32603, "Error completing argument style")
    assert run(lambda: ask(mcpserver, "none")) == []
    assert run(lambda: ask(mcpserver, "dict")) == ["bold"]
    assert run(lambda: ask(mcpserver, "completion")) == ["bold"]
    assert run(lambda: ask(server, "list")) == ["bold", "italic"]

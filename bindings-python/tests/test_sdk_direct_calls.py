"""The official high-level server's direct calls on ``MCPServer`` and ``FastMCP``
(``await mcp.call_tool(...)``, ``list_tools()``, ``list_resources()``,
``list_resource_templates()``, ``read_resource()``, ``list_prompts()``, ``get_prompt()``):
answered by the engine as a client is, raising as the official methods raise. Without the
official package installed (this suite's venv) the results are the wire dicts; the official
SDK's own tests (``make test-sdk-python``) check its types."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from conftest import run

from mcpforge import FastMCP, MCPServer, Server
from mcpforge.errors import McpError, ResourceError, ToolError
from mcpforge.exceptions import UnexpectedResourceError, UnexpectedToolError


def server() -> MCPServer:
    mcp = MCPServer()
    raised = RuntimeError("pool exhausted")

    @mcp.tool()
    def add(a: int, b: int) -> int:
        """Adds."""
        return a + b

    @mcp.tool()
    async def echo(text: str) -> str:
        return text

    @mcp.tool()
    def refuse() -> str:
        raise ToolError("not today")

    @mcp.tool()
    def explode() -> str:
        raise raised

    @mcp.tool()
    def protocol() -> str:
        raise McpError(-32001, "gated")

    @mcp.resource("db://stats", meta={"v": 1})
    def stats() -> str:
        return "all good"

    @mcp.resource("db://broken")
    def broken() -> str:
        raise raised

    @mcp.resource("db://tables/{table}", mime_type="text/csv")
    def table(table: str) -> str:
        raise raised if table == "bad" else ResourceError(f"table {table} is being rebuilt")

    @mcp.prompt()
    def greet(name: str) -> str:
        return f"Hello, {name}!"

    mcp.raised = raised  # type: ignore[attr-defined]
    return mcp


def test_lists_are_the_engines_definitions() -> None:
    mcp = server()

    async def body() -> None:
        tools = {t["name"]: t for t in await mcp.list_tools()}
        assert sorted(tools) == ["add", "echo", "explode", "protocol", "refuse"]
        assert tools["add"]["description"] == "Adds." and tools["add"]["outputSchema"]["required"] == ["result"]
        assert tools["echo"]["description"] == ""  # no docstring: "" as the official SDK
        assert await mcp.list_resources() == [
            {"uri": "db://stats", "name": "stats", "description": "", "mimeType": "text/plain", "_meta": {"v": 1}},
            {"uri": "db://broken", "name": "broken", "description": "", "mimeType": "text/plain"},
        ]
        assert [t["uriTemplate"] for t in await mcp.list_resource_templates()] == ["db://tables/{table}"]
        assert await mcp.list_prompts() == [{"name": "greet", "description": "", "arguments": [{"name": "name", "required": True}]}]

    run(body)


def test_call_tool_returns_the_result_and_raises_as_the_official_sdk() -> None:
    mcp = server()

    async def body() -> None:
        assert await mcp.call_tool("add", {"a": 1, "b": 2}) == {"content": [{"type": "text", "text": "3"}], "structuredContent": {"result": 3}}
        assert (await mcp.call_tool("echo", {"text": "hi"}))["content"] == [{"type": "text", "text": "hi"}]
        with pytest.raises(ToolError) as refused:
            await mcp.call_tool("refuse", {})
        assert type(refused.value) is ToolError and str(refused.value) == "Error executing tool refuse: not today"
        with pytest.raises(UnexpectedToolError) as crashed:
            await mcp.call_tool("explode", {})
        assert str(crashed.value) == "Error executing tool explode" and crashed.value.__cause__ is mcp.raised  # type: ignore[attr-defined]
        with pytest.raises(McpError) as gated:
            await mcp.call_tool("protocol", {})
        assert gated.value.code == -32001
        with pytest.raises(ToolError, match="Unknown tool: nope"):
            await mcp.call_tool("nope", {})

    run(body)


def test_read_resource_and_get_prompt() -> None:
    mcp = server()

    async def body() -> None:
        (contents,) = await mcp.read_resource("db://stats")
        assert (contents.content, contents.mime_type, contents.meta) == ("all good", "text/plain", {"v": 1})  # the resource's _meta
        with pytest.raises(UnexpectedResourceError, match="^Error reading resource db://broken$") as static:
            await mcp.read_resource("db://broken")
        assert static.value.__cause__ is mcp.raised  # type: ignore[attr-defined]
        with pytest.raises(UnexpectedResourceError, match="^Error creating resource from template db://tables/bad$") as templated:
            await mcp.read_resource("db://tables/bad")
        assert templated.value.__cause__ is mcp.raised  # type: ignore[attr-defined]
        with pytest.raises(ResourceError, match="table users is being rebuilt"):
            await mcp.read_resource("db://tables/users")
        with pytest.raises(McpError):
            await mcp.read_resource("db://missing")
        result: Dict[str, Any] = await mcp.get_prompt("greet", {"name": "Ada"})
        assert result["messages"] == [{"role": "user", "content": {"type": "text", "text": "Hello, Ada!"}}]
        with pytest.raises(ValueError, match="Unknown prompt"):
            await mcp.get_prompt("nope")

    run(body)


def test_a_tool_calls_another_through_the_server() -> None:
    mcp = MCPServer()

    @mcp.tool()
    def inner(n: int) -> int:
        return n + 1

    @mcp.tool()
    async def outer(n: int) -> int:
        result = await mcp.call_tool("inner", {"n": n})
        return int(result["structuredContent"]["result"]) * 10

    async def body() -> None:
        async with mcp.test_client() as client:
            assert (await client.call_tool("outer", {"n": 1})).structured_content == {"result": 20}

    run(body)


def test_fastmcp_call_tool_returns_the_content_and_the_structured_content() -> None:
    mcp = FastMCP()

    @mcp.tool()
    def add(a: int, b: int) -> int:
        return a + b

    @mcp.tool(structured_output=False)
    def plain() -> str:
        return "text"

    async def body() -> None:
        assert await mcp.call_tool("add", {"a": 1, "b": 2}) == ([{"type": "text", "text": "3"}], {"result": 3})
        assert await mcp.call_tool("plain", {}) == [{"type": "text", "text": "text"}]

    run(body)


def test_server_keeps_no_direct_calls() -> None:
    assert not hasattr(Server("plain"), "call_tool")

"""``server._tool_manager`` on the drop-in classes, as published servers and the official
tests use it: its tools with the official ``Tool``'s fields (the function, whether it is
async, the parameter that receives the ``Context``, the schemas), and ``add_tool`` /
``remove_tool`` going through the server, whose clients see the change."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from conftest import run

from mcpforge import Context, FastMCP, MCPServer, Server, ToolError


@pytest.mark.parametrize("cls", [MCPServer, FastMCP])
def test_the_tool_manager_lists_adds_and_removes_through_the_server(cls: Callable[..., Server]) -> None:
    server: Any = cls("managed")

    @server.tool(title="Add")
    def add(a: int, b: int = 1) -> int:
        """Adds."""
        return a + b

    async def with_context(x: int, ctx: Context) -> str:
        return f"{x} {ctx.request_id is not None}"

    manager = server._tool_manager
    assert [t.name for t in manager.list_tools()] == ["add"]
    tool = manager.add_tool(with_context)
    assert (tool.name, tool.context_kwarg, tool.is_async, tool.fn) == ("with_context", "ctx", True, with_context)
    assert list(tool.parameters["properties"]) == ["x"]
    first = manager.get_tool("add")
    assert first is not None
    assert (first.title, first.description, first.fn, first.is_async, first.context_kwarg) == ("Add", "Adds.", add, False, None)
    assert first.parameters["required"] == ["a"] and first.output_schema is not None
    assert manager.get_tool("missing") is None
    assert sorted(manager._tools) == ["add", "with_context"]
    # A second registration of a name keeps the first, as the official manager does.
    assert manager.add_tool(lambda: "again", name="add").fn is add

    async def body() -> None:
        async with server.test_client() as client:
            assert (await client.call_tool("with_context", {"x": 3})).text == "3 True"
            manager.remove_tool("with_context")
            assert [t["name"] for t in await client.list_tools()] == ["add"]

    run(body)
    assert [t.name for t in manager.list_tools()] == ["add"]
    with pytest.raises(ToolError, match="Unknown tool: with_context"):
        manager.remove_tool("with_context")

"""``server._tool_manager`` on the drop-in classes, as published servers and the official
tests use it: its tools with the official ``Tool``'s fields (the function, whether it is
async, the parameter that receives the ``Context``, the schemas), and ``add_tool`` /
``remove_tool`` going through the server, whose clients see the change."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from conftest import run

from mcpforge import Context, FastMCP, MCPServer, Server, ToolError
from mcpforge.resources import TextResource


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


@pytest.mark.parametrize("cls", [MCPServer, FastMCP])
def test_the_prompt_and_resource_managers_show_what_is_registered(cls: Callable[..., Server]) -> None:
    server: Any = cls("managed")
    prompts, resources = server._prompt_manager, server._resource_manager
    assert prompts.list_prompts() == [] and resources.list_resources() == [] and resources._templates == {}

    @server.prompt()
    def review(code: str, ctx: Context, style: str = "short") -> str:
        """Reviews code."""
        return f"review {code} {style}"

    @server.resource("memo://static", description="A memo")
    def memo() -> str:
        return "memo"

    @server.resource("memo://{day}/notes")
    def notes(day: str, ctx: Context) -> str:
        return f"notes of {day}"

    (prompt,) = prompts.list_prompts()
    assert (prompt.name, prompt.description, prompt.fn, prompt.context_kwarg) == ("review", "Reviews code.", review, "ctx")
    assert [(a.name, a.required) for a in prompt.arguments] == [("code", True), ("style", False)]
    assert prompts.get_prompt("review") is not None and prompts.get_prompt("missing") is None
    (static,) = resources.list_resources()
    assert (static.uri, static.description, static.mime_type, static.fn, static.context_kwarg) == ("memo://static", "A memo", "text/plain", memo, None)
    assert list(resources._templates) == ["memo://{day}/notes"]
    (template,) = resources.list_templates()
    assert (template.uri_template, template.fn, template.context_kwarg) == ("memo://{day}/notes", notes, "ctx")

    def greet() -> str:
        return "hi"

    assert prompts.add_prompt(greet).fn is greet
    added = resources.add_resource(TextResource(uri="memo://text", name="text", text="plain"))
    assert (added.uri, added.name, added.fn) == ("memo://text", "text", None)

    async def body() -> None:
        async with server.test_client() as client:
            assert [p["name"] for p in await client.list_prompts()] == ["review", "greet"]
            assert (await client.read_resource("memo://text"))[0]["text"] == "plain"

    run(body)
    prompts.remove_prompt("review")
    assert [p.name for p in prompts.list_prompts()] == ["greet"]
    with pytest.raises(ValueError, match="Unknown prompt: review"):
        prompts.remove_prompt("review")

"""A name registered twice on the drop-in classes, as the official SDK answers it (its tool,
prompt and resource managers): the first registration is served, the second is dropped with
a warning on the manager's logger (none when the server's ``warn_on_duplicate_*`` is off), and
a resource template registered again replaces the first. The native ``Server`` raises."""

from __future__ import annotations

import logging
from typing import Callable

import pytest
from conftest import run

from mcpforge import FastMCP, MCPServer, Server

PACKAGES = {MCPServer: "mcp.server.mcpserver", FastMCP: "mcp.server.fastmcp"}


def served_twice(server: Server) -> None:
    """Registers each kind twice, the first under the word `first`."""

    @server.tool(name="pick")
    def first_tool() -> str:
        return "first"

    @server.tool(name="pick")
    def second_tool() -> str:
        return "second"

    @server.prompt(name="ask")
    def first_prompt() -> str:
        return "first"

    @server.prompt(name="ask")
    def second_prompt() -> str:
        return "second"

    @server.resource("memo://note")
    def first_note() -> str:
        return "first"

    @server.resource("memo://note")
    def second_note() -> str:
        return "second"

    @server.resource("memo://{name}/v")
    def first_template(name: str) -> str:
        return f"first {name}"

    @server.resource("memo://{name}/v")
    def second_template(name: str) -> str:
        return f"second {name}"


@pytest.mark.parametrize("cls", [MCPServer, FastMCP])
def test_the_first_registration_is_served_and_the_second_warned_about(
    cls: Callable[..., Server], caplog: pytest.LogCaptureFixture
) -> None:
    server = cls("twice")
    with caplog.at_level(logging.WARNING):
        served_twice(server)
    package = PACKAGES[cls]  # type: ignore[index]
    assert [(r.name, r.getMessage()) for r in caplog.records] == [
        (f"{package}.tools.tool_manager", "Tool already exists: pick"),
        (f"{package}.prompts.manager", "Prompt already exists: ask"),
        (f"{package}.resources.resource_manager", "Resource already exists: memo://note"),
    ]

    async def body() -> None:
        async with server.test_client() as client:
            assert [t["name"] for t in await client.list_tools()] == ["pick"]
            assert (await client.call_tool("pick")).text == "first"
            prompt = await client.get_prompt("ask", {})
            assert prompt["messages"][0]["content"]["text"] == "first"
            assert (await client.read_resource("memo://note"))[0]["text"] == "first"
            # The template is the exception, as in the official SDK: the second replaces it.
            assert (await client.read_resource("memo://a/v"))[0]["text"] == "second a"
            assert len(await client.list_resource_templates()) == 1

    run(body)


def test_no_warning_when_the_server_says_so(caplog: pytest.LogCaptureFixture) -> None:
    server = MCPServer("quiet", warn_on_duplicate_tools=False, warn_on_duplicate_prompts=False, warn_on_duplicate_resources=False)
    with caplog.at_level(logging.WARNING):
        served_twice(server)
    assert caplog.records == []
    assert server.add_tool(lambda: "third", name="pick") is server.tools["pick"]


def test_the_native_server_refuses_a_second_registration() -> None:
    server = Server("native")
    server.add_tool(lambda: "first", name="pick")
    with pytest.raises(ValueError, match="already registered"):
        server.add_tool(lambda: "second", name="pick")

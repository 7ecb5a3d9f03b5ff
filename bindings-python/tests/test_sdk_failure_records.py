"""The failure records ``MCPServer`` writes under the official logger name
(``mcp.server.mcpserver.server``), as 2.x writes them: a resource's records name the URI
read; a ``ResourceError`` raised on purpose is one INFO record; a completion handler's crash
one ERROR record naming the argument; and requests the server makes to itself (the direct
``call_tool``/``read_resource``, ``ctx.read_resource``) write none, the official SDK writing
these records for a client's requests only."""

from __future__ import annotations

import logging
from typing import Any, List, Tuple

import pytest
from conftest import run

from mcpforge import Context, MCPServer
from mcpforge.errors import McpError, ProtocolError, ResourceError, ToolError
from mcpforge.exceptions import ResourceNotFoundError

LOGGER = "mcp.server.mcpserver.server"


def records(caplog: pytest.LogCaptureFixture) -> List[Tuple[str, str, bool]]:
    return [(r.levelname, r.getMessage(), r.exc_info is not None) for r in caplog.records if r.name == LOGGER]


def server() -> MCPServer:
    mcp = MCPServer()

    @mcp.resource("db://stats")
    def stats() -> str:
        raise ResourceError("in maintenance")

    @mcp.resource("reports://latest")
    def latest() -> str:
        raise ResourceNotFoundError("no report yet")

    @mcp.resource("db://tables/{table}")
    def describe(table: str) -> str:
        raise RuntimeError(f"pool exhausted for {table}")

    @mcp.tool()
    def spend() -> str:
        raise ToolError("quota used up")

    @mcp.tool()
    async def peek(ctx: Context) -> str:
        try:
            await ctx.read_resource("db://stats")
        except ResourceError:
            pass
        return "peeked"

    @mcp.completion()
    def complete(ref: Any, argument: Any, context: Any) -> Any:
        raise RuntimeError("index warming up")

    return mcp


def test_resource_failures_name_the_uri_read(caplog: pytest.LogCaptureFixture) -> None:
    async def body() -> None:
        async with server().test_client() as client:
            for uri in ("db://stats", "reports://latest", "db://tables/users"):
                with pytest.raises(ProtocolError):
                    await client.read_resource(uri)

    caplog.set_level(logging.INFO)
    run(body)
    assert records(caplog) == [
        ("INFO", "Resource 'db://stats' failed: 'in maintenance'", False),
        ("INFO", "Resource 'reports://latest' failed: 'no report yet'", False),
        ("ERROR", "Resource 'db://tables/users' raised an unexpected exception", True),
    ]


def test_a_completion_crash_is_one_error_record_naming_the_argument(caplog: pytest.LogCaptureFixture) -> None:
    async def body() -> None:
        async with server().test_client() as client:
            with pytest.raises(ProtocolError) as raised:
                await client.complete({"type": "ref/prompt", "name": "any"}, "style", "b")
            assert raised.value.message == "Error completing argument style"

    caplog.set_level(logging.INFO)
    run(body)
    assert records(caplog) == [("ERROR", "Completion for argument 'style' raised an unexpected exception", True)]


def test_requests_the_server_makes_to_itself_write_no_records(caplog: pytest.LogCaptureFixture) -> None:
    async def body() -> None:
        mcp = server()
        with pytest.raises(ToolError):
            await mcp.call_tool("spend", {})
        with pytest.raises(McpError):
            await mcp.read_resource("db://tables/users")
        async with mcp.test_client() as client:
            assert (await client.call_tool("peek")).text == "peeked"
            # A client's call writes its record.
            assert (await client.call_tool("spend")).is_error

    caplog.set_level(logging.INFO)
    run(body)
    assert records(caplog) == [("INFO", "Tool 'spend' failed: 'Error executing tool spend: quota used up'", False)]


"""The failure records ``MCPServer`` writes under the official logger name
(``mcp.server.mcpserver.server``), as 2.x writes them: a resource's records name the URI
read, its crash logged as an ``UnexpectedResourceError`` caused by the original; a
``ResourceError`` raised on purpose is one INFO record; a completion handler's crash one
ERROR record naming the argument; pydantic validators of a tool's parameters run, and what
they raise other than a refusal is the tool's failure; and requests the server makes to
itself (the direct ``call_tool``/``read_resource``, ``ctx.read_resource``) write none, the
official SDK writing these records for a client's requests only."""

from __future__ import annotations

import logging
from typing import Annotated, Any, List, Tuple

import pytest
from conftest import run
from pydantic import AfterValidator

from mcpforge import Context, MCPServer
from mcpforge.errors import McpError, ProtocolError, ResourceError, ToolError
from mcpforge.exceptions import ResourceNotFoundError, UnexpectedResourceError, UnexpectedToolError

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
    # As in 2.x, the crash is logged as an UnexpectedResourceError caused by the original.
    (crash,) = [r.exc_info for r in caplog.records if r.name == LOGGER and r.exc_info]
    assert isinstance(crash[1], UnexpectedResourceError)
    assert str(crash[1]) == "Error creating resource from template db://tables/users"
    assert isinstance(crash[1].__cause__, RuntimeError)


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


def positive(n: int) -> int:
    if n <= 0:
        raise ValueError("must be positive")
    return n * 10


def crashes(code: str) -> str:
    raise TypeError("codes are compared as integers")


def gated(code: str) -> str:
    raise McpError(-32602, "codes are issued per session")


def validating_server() -> MCPServer:
    mcp = MCPServer()

    @mcp.tool()
    def scaled(n: Annotated[int, AfterValidator(positive)]) -> int:
        return n

    @mcp.tool()
    def redeem(code: Annotated[str, AfterValidator(crashes)]) -> str:
        return code

    @mcp.tool()
    def session_code(code: Annotated[str, AfterValidator(gated)]) -> str:
        return code

    return mcp


def test_parameter_validators_run_and_their_own_failures_are_the_tools(caplog: pytest.LogCaptureFixture) -> None:
    async def body() -> None:
        async with validating_server().test_client() as client:
            # The validator ran: its result is the argument.
            assert (await client.call_tool("scaled", {"n": 3})).text == "30"
            # A refusal (ValueError) is the caller's error.
            refused = await client.call_tool("scaled", {"n": -1})
            assert refused.is_error and "must be positive" in refused.text
            # Anything else a validator raises is the tool's crash, masked as the official SDK's.
            crashed = await client.call_tool("redeem", {"code": "SAVE10"})
            assert crashed.is_error and crashed.text == "Error executing tool redeem"
            # An McpError keeps its meaning: the request fails with its code.
            with pytest.raises(ProtocolError) as gated:
                await client.call_tool("session_code", {"code": "SAVE10"})
            assert (gated.value.code, gated.value.message) == (-32602, "codes are issued per session")

    caplog.set_level(logging.INFO)
    run(body)
    assert records(caplog) == [("ERROR", "Tool 'redeem' raised an unexpected exception", True)]
    (crash,) = [r for r in caplog.records if r.name == LOGGER]
    # As 2.x logs it: an UnexpectedToolError caused by what the validator raised.
    assert crash.exc_info is not None and isinstance(crash.exc_info[1], UnexpectedToolError)
    assert isinstance(crash.exc_info[1].__cause__, TypeError)


def test_a_resource_objects_read_returns_text_or_bytes(caplog: pytest.LogCaptureFixture) -> None:
    from mcpforge.resources import FunctionResource, Resource

    class Miscoded(Resource):
        async def read(self) -> Any:
            return 42

    async def body() -> None:
        mcp = MCPServer()
        mcp.add_resource(Miscoded(uri="data://answer", name="answer"))
        # A function's value is converted as a reader's return value is.
        mcp.add_resource(FunctionResource(uri="data://count", name="count", fn=lambda: 42))
        async with mcp.test_client() as client:
            with pytest.raises(ProtocolError) as raised:
                await client.read_resource("data://answer")
            assert raised.value.message == "Error reading resource data://answer"
            assert (await client.read_resource("data://count"))[0]["text"] == "42"
        with pytest.raises(UnexpectedResourceError) as direct:
            await mcp.read_resource("data://answer")
        assert str(direct.value.__cause__) == "Resource.read() must return str or bytes, not int"

    caplog.set_level(logging.INFO)
    run(body)
    assert records(caplog) == [("ERROR", "Resource 'data://answer' raised an unexpected exception", True)]


def test_a_resource_error_a_tool_lets_escape_is_its_anticipated_failure(caplog: pytest.LogCaptureFixture) -> None:
    async def body() -> None:
        mcp = MCPServer()

        @mcp.resource("books://{title}")
        def book(title: str) -> str:
            raise ResourceNotFoundError(f"No book titled {title!r}.")

        @mcp.tool()
        async def summarise(title: str, ctx: Context) -> str:
            await ctx.read_resource(f"books://{title}")
            return "unreachable"

        async with mcp.test_client() as client:
            result = await client.call_tool("summarise", {"title": "Nothing"})
        assert result.text == "Error executing tool summarise: No book titled 'Nothing'."
        with pytest.raises(ToolError) as direct:
            await mcp.call_tool("summarise", {"title": "Nothing"})
        assert type(direct.value) is ToolError and str(direct.value) == result.text

    caplog.set_level(logging.INFO)
    run(body)
    assert records(caplog) == [("INFO", "Tool 'summarise' failed: \"Error executing tool summarise: No book titled 'Nothing'.\"", False)]


def test_a_nested_calls_crash_stays_a_crash_of_the_outer_tool(caplog: pytest.LogCaptureFixture) -> None:
    raised = ConnectionError("catalog unreachable")

    async def body() -> None:
        mcp = MCPServer()

        @mcp.resource("books://{title}")
        def book(title: str) -> str:
            raise raised

        @mcp.tool()
        def inner() -> str:
            raise ZeroDivisionError("division by zero")

        @mcp.tool()
        async def summarise(title: str, ctx: Context) -> str:
            await ctx.read_resource(f"books://{title}")
            return "unreachable"

        @mcp.tool()
        async def outer(ctx: Context) -> str:
            await ctx.mcp_server.call_tool("inner", {})
            return "unreachable"

        async with mcp.test_client() as client:
            read = await client.call_tool("summarise", {"title": "Dune"})
            assert read.text == "Error executing tool summarise: Error creating resource from template books://Dune"
            called = await client.call_tool("outer")
            assert called.text == "Error executing tool outer: Error executing tool inner"

    caplog.set_level(logging.INFO)
    run(body)
    assert records(caplog) == [
        ("ERROR", "Tool 'summarise' raised an unexpected exception", True),
        ("ERROR", "Tool 'outer' raised an unexpected exception", True),
    ]
    first = [r.exc_info[1] for r in caplog.records if r.name == LOGGER and r.exc_info][0]
    # As 2.x logs it: the tool's UnexpectedToolError, caused by the read's, caused by the reader's.
    assert isinstance(first, UnexpectedToolError) and isinstance(first.__cause__, UnexpectedResourceError)
    assert first.__cause__.__cause__ is raised

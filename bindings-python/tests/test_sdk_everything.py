"""What python-sdk's own everything server (the conformance suite's server) needs of the drop-in
layer: resolvers (``Resolve``), ``RequestStateSecurity``, the official low-level handler
table (``_lowlevel_server``), the session's ``client_capabilities``, definitions written as
the official SDK writes them (docstrings as written, an ``InputRequiredResult`` arm left out
of the output schema, a ``Field``'s ``json_schema_extra``), and an input schema set through
the official tool manager."""

from __future__ import annotations

from typing import Annotated, Any, Dict, List, Union

import pytest
from conftest import run
from pydantic import BaseModel, Field

from mcpforge import Context, MCPServer, RequestStateSecurity, Resolve
from mcpforge.content import CallToolResult
from mcpforge.context import Elicit, ElicitResult
from mcpforge.exceptions import InvalidSignature
from mcpforge.testing import MODERN


class Name(BaseModel):
    name: str


def _ask_name() -> Elicit:
    return Elicit("Your name?", Name)


def _greeting(name: Annotated[Name, Resolve(_ask_name)]) -> str:
    return f"Hello, {name.name}"


def _resolving_server() -> MCPServer:
    server = MCPServer("resolvers")

    @server.tool()
    async def greet(greeting: Annotated[str, Resolve(_greeting)], punctuation: str = "!") -> str:
        """Greets whoever answers."""
        return greeting + punctuation

    @server.tool()
    async def outcome(answer: Annotated[ElicitResult, Resolve(_ask_name)]) -> str:
        return answer.action

    return server


@pytest.mark.parametrize("wire", ["2025-11-25", MODERN])
def test_a_resolver_fills_its_parameter_by_asking_the_client_once(wire: str) -> None:
    server = _resolving_server()
    asked: List[Dict[str, Any]] = []

    def answer(params: Dict[str, Any]) -> Dict[str, Any]:
        asked.append(params)
        return {"action": "accept", "content": {"name": "Ada"}}

    async def body() -> None:
        async with server.test_client(wire=wire, elicitation=answer) as client:
            tools = {t["name"]: t for t in await client.list_tools()}
            # The resolved parameter is not the client's to give.
            assert set(tools["greet"]["inputSchema"]["properties"]) == {"punctuation"}
            assert tools["greet"]["inputSchema"].get("required") is None
            assert (await client.call_tool("greet", {"punctuation": "?"})).text == "Hello, Ada?"

    run(body)
    assert [a["message"] for a in asked] == ["Your name?"]


def test_a_declined_question_ends_the_call_unless_the_answer_is_asked_for() -> None:
    server = _resolving_server()

    async def body() -> None:
        async with server.test_client(elicitation=lambda params: {"action": "decline"}) as client:
            declined = await client.call_tool("greet", {})
            assert declined.is_error
            assert "could not resolve: elicitation was decline" in declined.text
            assert (await client.call_tool("outcome", {})).text == "decline"

    run(body)


def test_a_resolver_parameter_nothing_fills_is_refused_when_registered() -> None:
    server = MCPServer("unfilled")

    def loop(value: Annotated[str, Resolve(lambda: None)]) -> str:
        return value

    def again(value: Annotated[str, Resolve(lambda other: other)]) -> str:  # a parameter nothing fills
        return value

    with pytest.raises(InvalidSignature, match="cannot be resolved"):  # the official error
        server.add_tool(again)
    assert "again" not in server.tools
    server.add_tool(loop)  # a resolver without parameters is fine
    assert set(server.tools["loop"]["inputSchema"]["properties"]) == set()


def test_request_state_security_gives_the_engine_its_ring() -> None:
    policy = RequestStateSecurity(keys=[b"k" * 32, "m" * 32], ttl=30)
    assert policy.engine_state("srv") == {"keys": [(b"k" * 32).hex(), (b"m" * 32).hex()], "audience": "srv"}
    assert RequestStateSecurity(keys=[bytes(range(200, 232))], audience="aud").engine_state("srv")["audience"] == "aud"
    with pytest.raises(ValueError, match="at least 32 bytes"):
        RequestStateSecurity(keys=["short"])
    with pytest.raises(ValueError, match="repeats"):
        RequestStateSecurity(keys=["a" * 32, "a" * 32])
    with pytest.raises(NotImplementedError, match="codec"):
        RequestStateSecurity(codec=object())
    MCPServer("sealed", request_state_security=RequestStateSecurity(keys=["s" * 32]))
    with pytest.raises(NotImplementedError, match="mcpforge's RequestStateSecurity"):
        MCPServer("sealed", request_state_security=object())


class LevelParams(BaseModel):
    level: str


class UriParams(BaseModel):
    uri: str


def test_the_low_level_handler_table_answers_and_the_engine_keeps_subscriptions() -> None:
    server = MCPServer("table")
    seen: List[Any] = []

    async def set_level(ctx: Any, params: LevelParams) -> Dict[str, Any]:
        seen.append(("level", params.level, ctx.method))
        return {}

    async def subscribe(ctx: Any, params: UriParams) -> None:
        seen.append(("subscribe", params.uri))

    @server.resource("note://a")
    def note() -> str:
        return "a"

    server._lowlevel_server.add_request_handler("logging/setLevel", LevelParams, set_level)
    server._lowlevel_server.add_request_handler("resources/subscribe", UriParams, subscribe)
    assert server._lowlevel_server.middleware is server.middleware
    with pytest.raises(ValueError, match="initialize"):
        server._lowlevel_server.add_request_handler("initialize", LevelParams, set_level)
    with pytest.raises(NotImplementedError):
        server._lowlevel_server.add_notification_handler("notifications/roots/list_changed", LevelParams, set_level)

    async def body() -> None:
        async with server.test_client() as client:
            # A subscription handler makes the server claim subscriptions, as the official one.
            assert client.initialize_result["capabilities"]["resources"]["subscribe"] is True
            assert await client.request("logging/setLevel", {"level": "error"}) == {}
            assert await client.request("resources/subscribe", {"uri": "note://a"}) == {}
            with pytest.raises(Exception, match="Invalid request parameters"):
                await client.request("resources/subscribe", {"uri": 7})

    run(body)
    assert seen == [("level", "error", "logging/setLevel"), ("subscribe", "note://a")]


def test_definitions_are_written_as_the_official_sdk_writes_them() -> None:
    server = MCPServer("written")

    @server.tool()
    def documented(region: Annotated[str, Field(description="Where", json_schema_extra={"x-mcp-header": "Region"})] = "eu") -> str:
        """First line.

        Args:
            region: not read from here by the official SDK
        """
        return region

    tools = {t["name"]: t for t in server.tools.values()}
    assert tools["documented"]["description"] == documented.__doc__
    assert tools["documented"]["inputSchema"]["properties"]["region"] == {
        "default": "eu", "description": "Where", "title": "Region", "type": "string", "x-mcp-header": "Region"
    }


class InputRequiredResult(BaseModel):
    """Stands for the official ``mcp_types.InputRequiredResult`` (recognised by module and name)."""


InputRequiredResult.__module__ = "mcp_types"


def test_an_input_required_arm_is_left_out_of_the_output_schema() -> None:
    server = MCPServer("asks")

    @server.tool()
    async def maybe(ctx: Context) -> Union[str, InputRequiredResult]:
        return "done"

    schema = server.tools["maybe"]["outputSchema"]
    assert schema["properties"] == {"result": {"title": "Result", "type": "string"}}


def test_an_input_schema_set_through_the_tool_manager_is_served() -> None:
    server = MCPServer("manager")

    @server.tool()
    def strict() -> str:
        return "ok"

    schema = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"], "additionalProperties": False}
    server._tool_manager._tools["strict"].parameters = schema

    async def body() -> None:
        async with server.test_client() as client:
            assert (await client.list_tools())[0]["inputSchema"] == schema
            assert (await client.call_tool("strict", {})).is_error

    run(body)


def test_the_session_reads_the_client_capabilities_as_the_official_model() -> None:
    server = MCPServer("caps")

    @server.tool()
    async def probe(ctx: Context) -> str:
        caps = ctx.session.client_capabilities
        return f"{caps.sampling is not None} {caps.elicitation is not None}"

    async def body() -> None:
        async with server.test_client(sampling=lambda params: {"role": "assistant", "content": {"type": "text", "text": "x"}, "model": "m"}) as client:
            assert (await client.call_tool("probe")).text == "True False"

    run(body)


class Weather(BaseModel):
    temp: float


def test_a_whole_result_annotated_with_a_model_has_that_output_schema() -> None:
    server = MCPServer("results")

    @server.tool()
    def report() -> Annotated[CallToolResult, Weather]:
        return CallToolResult(["warm"], structured_content={"temp": 21.5})

    @server.tool()
    def wrong() -> Annotated[CallToolResult, Weather]:
        return CallToolResult(["warm"], structured_content={"temp": "hot"})

    assert server.tools["report"]["outputSchema"]["properties"] == {"temp": {"title": "Temp", "type": "number"}}

    async def body() -> None:
        async with server.test_client() as client:
            result = await client.call_tool("report")
            assert (result.text, result.structured_content) == ("warm", {"temp": 21.5})
            assert (await client.call_tool("wrong")).is_error  # checked against it, as there

    run(body)

"""Handlers that return the official SDK's ``InputRequiredResult`` (``mcp`` 2.x's own
multi-round API): on the 2026-07-28 wire the client gets an ``input_required`` result with
the requests as the handler wrote them and its state sealed by the engine; the retry gives
the handler ``ctx.input_responses`` and ``ctx.request_state`` (None on a first round); a
legacy session gets -32603 ``Handler returned an invalid result``; ``ctx.read_resource``
refuses such a template and a direct ``read_resource`` returns the result as it is.

This suite's venv has no official package, so the result is a stand-in of the same shape
(the official model is recognised by its name and fields); the official SDK's own tests
(``make test-sdk-python``) use the real one."""

from __future__ import annotations

import dataclasses
import logging
from typing import Annotated, Any, Dict, List, Optional, Union

import pytest
from conftest import run

from mcpforge import Context, MCPServer, Resolve
from mcpforge.prompts.base import UserMessage
from mcpforge.testing import HANDSHAKE, MODERN


@dataclasses.dataclass
class Request:
    """An official client-input request: ``method`` and ``params``."""

    method: str
    params: Optional[Dict[str, Any]] = None


@dataclasses.dataclass
class InputRequiredResult:
    """The official result's shape."""

    input_requests: Optional[Dict[str, Request]] = None
    request_state: Optional[str] = None
    result_type: str = "input_required"


SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
WHO = Request("elicitation/create", {"message": "Who?", "requestedSchema": SCHEMA})
ADA = {"action": "accept", "content": {"name": "Ada"}}


def answer(ctx: Context) -> Any:
    """The name the client gave, with the state, or the question."""
    responses = ctx.input_responses
    if responses and "who" in responses:
        return f"{responses['who']['content']['name']} (state={ctx.request_state})"
    return InputRequiredResult({"who": WHO}, "round one")


def server(seen: List[Any]) -> MCPServer:
    mcp = MCPServer()

    @mcp.tool()
    async def greet(ctx: Context) -> Any:
        seen.append((ctx.input_responses, ctx.request_state))
        return answer(ctx)

    @mcp.tool()
    def greet_sync(ctx: Context) -> Any:
        return answer(ctx)

    @mcp.prompt()
    async def brief(ctx: Context) -> Any:
        said = answer(ctx)
        return said if isinstance(said, InputRequiredResult) else [UserMessage(content=said)]

    @mcp.resource("ask://{topic}")
    async def ask(topic: str, ctx: Context) -> Any:
        said = answer(ctx)
        return said if isinstance(said, InputRequiredResult) else f"{topic}: {said}"

    @mcp.resource("roots://{topic}")
    def roots_only(topic: str) -> Any:
        return InputRequiredResult({"roots": Request("roots/list")})

    @mcp.tool()
    async def nested(ctx: Context) -> str:
        try:
            return repr(await ctx.read_resource("roots://x"))
        except RuntimeError as e:
            return f"refused: {e}"

    return mcp


REQUESTS = [
    ("tools/call", {"name": "greet", "arguments": {}}, lambda r: r["content"][0]["text"]),
    ("tools/call", {"name": "greet_sync", "arguments": {}}, lambda r: r["content"][0]["text"]),
    ("prompts/get", {"name": "brief"}, lambda r: r["messages"][0]["content"]["text"]),
    ("resources/read", {"uri": "ask://owls"}, lambda r: r["contents"][0]["text"]),
]


@pytest.mark.parametrize("method,params,text", REQUESTS, ids=["tool", "sync-tool", "prompt", "template"])
def test_the_result_reaches_the_client_sealed_and_the_retry_reads_the_answers(method: str, params: Dict[str, Any], text: Any) -> None:
    async def body() -> None:
        # The client declares no capability: the handler chose its requests itself.
        async with server([]).test_client(wire=MODERN, capabilities={}) as client:
            first = (await client.send(method, params))["result"]
            assert first["resultType"] == "input_required"
            assert first["inputRequests"] == {"who": {"method": "elicitation/create", "params": WHO.params}}
            state = first["requestState"]
            assert state.startswith("v1.") and "round one" not in state
            retry = {**params, "inputResponses": {"who": ADA}, "requestState": state}
            done = (await client.send(method, retry))["result"]
            assert done["resultType"] == "complete"
            assert text(done).endswith("Ada (state=round one)")

    run(body)


class AskForName(InputRequiredResult):
    """A result made from the official one."""


class AskAgain(InputRequiredResult):
    """Another."""


def test_a_subclass_is_an_input_required_result_and_has_no_output_schema() -> None:
    async def body() -> None:
        mcp = MCPServer()

        @mcp.tool()
        def named(ctx: Context) -> Union[AskForName, AskAgain]:
            return AskForName({"who": WHO}, "round one")

        async with mcp.test_client(wire=MODERN, capabilities={}) as client:
            (tool,) = (await client.send("tools/list", {}))["result"]["tools"]
            assert "outputSchema" not in tool
            first = (await client.send("tools/call", {"name": "named", "arguments": {}}))["result"]
            assert first["resultType"] == "input_required" and list(first["inputRequests"]) == ["who"]

    run(body)


async def _user(ctx: Context) -> str:
    return "ada"


def test_a_body_with_resolvers_returning_one_is_a_crash(caplog: pytest.LogCaptureFixture) -> None:
    # Resolvers drive the rounds of such a call: the body's own result is refused, once,
    # instead of being asked again round after round.
    async def body() -> None:
        mcp = MCPServer()

        @mcp.tool()
        async def sneaky(user: Annotated[str, Resolve(_user)]) -> Any:
            return InputRequiredResult({"who": WHO}, "mine")

        async with mcp.test_client(wire=MODERN, capabilities={}) as client:
            answer = (await client.send("tools/call", {"name": "sneaky", "arguments": {}}))["result"]
            assert answer["isError"] and answer["content"][0]["text"] == "Error executing tool sneaky"

    caplog.set_level(logging.INFO)
    run(body)
    (crash,) = [r for r in caplog.records if r.name == "mcp.server.mcpserver.server"]
    assert crash.getMessage() == "Tool 'sneaky' raised an unexpected exception"
    assert crash.exc_info is not None and "Resolve(...)" in str(crash.exc_info[1].__cause__)


def test_the_first_round_has_no_answers_and_no_state() -> None:
    async def body() -> None:
        seen: List[Any] = []
        async with server(seen).test_client(wire=MODERN, capabilities={}) as client:
            first = (await client.send("tools/call", {"name": "greet", "arguments": {}}))["result"]
            # A retry without answers is a first round again.
            await client.send("tools/call", {"name": "greet", "arguments": {}, "requestState": first["requestState"]})
        assert seen == [(None, None), (None, "round one")]

    run(body)


def test_a_request_without_input_requests_carries_only_the_state() -> None:
    async def body() -> None:
        mcp = MCPServer()

        @mcp.tool()
        def later(ctx: Context) -> Any:
            return f"resumed {ctx.request_state}" if ctx.request_state else InputRequiredResult(request_state="later")

        async with mcp.test_client(wire=MODERN) as client:
            first = (await client.send("tools/call", {"name": "later", "arguments": {}}))["result"]
            assert "inputRequests" not in first
            again = {"name": "later", "arguments": {}, "requestState": first["requestState"]}
            assert (await client.send("tools/call", again))["result"]["content"][0]["text"] == "resumed later"

    run(body)


@pytest.mark.parametrize("method,params,text", REQUESTS, ids=["tool", "sync-tool", "prompt", "template"])
def test_a_legacy_session_gets_an_invalid_result_error(method: str, params: Dict[str, Any], text: Any) -> None:
    async def body() -> None:
        async with server([]).test_client(wire=HANDSHAKE, elicitation=lambda p: ADA) as client:
            response = await client.send(method, params)
        error = response["error"]
        assert (error["code"], error["message"]) == (-32603, "Handler returned an invalid result")

    run(body)


def test_ctx_read_resource_refuses_it_and_a_direct_read_returns_it() -> None:
    async def body() -> None:
        mcp = server([])
        async with mcp.test_client(wire=MODERN) as client:
            result = await client.call_tool("nested")
        assert result.text.startswith("refused: Resource returned InputRequiredResult; ctx.read_resource() only returns content")
        direct = await mcp.read_resource("roots://x")
        assert isinstance(direct, InputRequiredResult)
        assert direct.input_requests == {"roots": Request("roots/list")}

    run(body)

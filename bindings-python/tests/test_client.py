"""``mcpforge.client.Client`` against a mcpforge server in this process, on the handshake
wire and the 2026-07-28 wire: every method, results read like the official types,
sampling/elicitation/roots answered by callbacks, progress, logging and notifications,
cancellation reaching the server's handler, a timeout, and the server's errors as
``McpError``."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any, List

import pytest

from conftest import run
from mcpforge import Context, Server
from mcpforge.client import Client, ClientRequestContext, McpError
from mcpforge.client.types import (
    CreateMessageRequestParams,
    CreateMessageResult,
    ElicitRequestParams,
    ElicitResult,
    ErrorData,
    ListRootsResult,
    LoggingMessageNotificationParams,
    Root,
    TextContent,
)

sys.path.insert(0, str(Path(__file__).parent / "servers"))
import client_target  # noqa: E402
from client_target import make_server  # noqa: E402

MODES = ["legacy", "2026-07-28"]


async def until_event(event: str) -> None:
    """Waits (at most about 5 s) until the server's `wait` tool recorded ``event``."""
    for _ in range(500):
        if event in client_target.EVENTS:
            return
        await asyncio.sleep(0.01)


async def sampling(context: ClientRequestContext, params: CreateMessageRequestParams) -> CreateMessageResult:
    asked = params.messages[0].content.text  # type: ignore[union-attr]
    return CreateMessageResult(role="assistant", content=TextContent(type="text", text=f"re: {asked}"), model="m")


async def elicitation(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    assert params.requestedSchema is not None and params.message == "Name?"
    return ElicitResult(action="accept", content={"name": "Ada"})


async def roots(context: ClientRequestContext) -> ListRootsResult:
    return ListRootsResult(roots=[Root(uri="file:///work", name="work")])


@pytest.mark.parametrize("mode", MODES)
def test_every_request_in_process(mode: str) -> None:
    async def body() -> None:
        async with Client(make_server(), mode=mode) as client:
            assert client.protocol_version == ("2025-11-25" if mode == "legacy" else "2026-07-28")
            assert client.server_info is not None and client.server_info.name == "client-target"
            assert client.server_capabilities.tools is not None and client.instructions == "Test tools."
            tools = await client.list_tools()
            by_name = {t.name: t for t in tools.tools}
            assert by_name["add"].inputSchema["required"] == ["a", "b"]
            assert by_name["add"].input_schema == by_name["add"].inputSchema
            assert by_name["echo"].description == "Echo the text back."
            assert tools.nextCursor is None
            added = await client.call_tool("add", {"a": 2, "b": 3})
            assert added.structuredContent == {"sum": 5} and added.structured_content == {"sum": 5}
            assert added.isError is False and added.is_error is False
            echoed = await client.call_tool("echo", {"text": "hi"})
            block = echoed.content[0]
            assert isinstance(block, TextContent) and block.text == "hi" and block.type == "text"
            failed = await client.call_tool("fails")
            assert failed.isError is True and failed.content[0].text == "it broke"  # type: ignore[union-attr]
            resources = await client.list_resources()
            assert [(r.uri, r.name, r.mimeType) for r in resources.resources] == [("memo://text", "Text", "text/plain")]
            templates = await client.list_resource_templates()
            assert [t.uriTemplate for t in templates.resourceTemplates] == ["memo://items/{item}"]
            read = await client.read_resource("memo://items/7")
            assert read.contents[0].text == "item 7" and read.contents[0].uri == "memo://items/7"  # type: ignore[union-attr]
            prompts = await client.list_prompts()
            assert prompts.prompts[0].name == "greet" and prompts.prompts[0].arguments[0].name == "name"  # type: ignore[index]
            prompt = await client.get_prompt("greet", {"name": "Ada"})
            assert prompt.messages[0].role == "user" and prompt.messages[0].content.text == "Hello Ada"  # type: ignore[union-attr]
            completed = await client.complete({"type": "ref/prompt", "name": "greet"}, {"name": "name", "value": "a"})
            assert completed.completion.values == ["ada", "alan"]
            assert (await client.set_logging_level("info")).model_dump() == {}
            await client.send_roots_list_changed()
            if mode == "legacy":
                await client.send_ping()
                await client.subscribe_resource("memo://text")
                await client.unsubscribe_resource("memo://text")
            else:
                with pytest.raises(McpError, match="does not exist on the 2026-07-28 wire"):
                    await client.send_ping()

    run(body)


@pytest.mark.parametrize("mode", MODES)
def test_sampling_elicitation_and_roots_are_answered_by_the_callbacks(mode: str) -> None:
    async def body() -> None:
        options: Any = {"sampling_callback": sampling, "elicitation_callback": elicitation, "list_roots_callback": roots}
        async with Client(make_server(), mode=mode, **options) as client:
            result = await client.call_tool("ask_all")
            assert result.content[0].text == "Ada | re: hi | ['file:///work']", result  # type: ignore[union-attr]

    run(body)


def test_a_callback_refusal_and_a_missing_callback_reach_the_server_as_errors() -> None:
    async def refuse(context: ClientRequestContext, params: ElicitRequestParams) -> ErrorData:
        return ErrorData(-32600, "no forms here")

    async def body() -> None:
        async with Client(make_server(), mode="legacy", elicitation_callback=refuse) as client:
            result = await client.call_tool("ask_all")
            # The tool's elicitation failed with the refusal: a tool error that says so.
            assert result.isError and "no forms here" in result.content[0].text, result  # type: ignore[union-attr]
        async with Client(make_server(), mode="legacy") as client:
            result = await client.call_tool("ask_all")
            assert result.isError, result

    run(body)


def test_progress_logging_and_every_notification_reach_their_callbacks() -> None:
    progress: List[Any] = []
    logs: List[LoggingMessageNotificationParams] = []
    methods: List[str] = []

    async def on_progress(done: float, total: Any, message: Any) -> None:
        progress.append((done, total, message))

    async def on_log(params: LoggingMessageNotificationParams) -> None:
        logs.append(params)

    async def on_message(message: Any) -> None:
        methods.append(message.method)

    async def body() -> None:
        async with Client(make_server(), mode="legacy", logging_callback=on_log, message_handler=on_message) as client:
            await client.set_logging_level("info")
            result = await client.call_tool("steps", {"n": 3}, progress_callback=on_progress)
            assert result.content[0].text == "3 steps"  # type: ignore[union-attr]
            for _ in range(100):  # the last callbacks' tasks run after the result
                if len(logs) == 3:
                    break
                await asyncio.sleep(0.01)

    run(body)
    assert progress == [(1.0, 3.0, "step 1"), (2.0, 3.0, "step 2"), (3.0, 3.0, "step 3")]
    assert [(entry.level, entry.data) for entry in logs] == [("info", f"step {i}") for i in (1, 2, 3)]
    assert methods.count("notifications/progress") == 3 and methods.count("notifications/message") == 3


@pytest.mark.parametrize("mode", MODES)
def test_cancelling_the_awaiting_task_cancels_the_request_on_the_server(mode: str) -> None:
    client_target.EVENTS.clear()

    async def body() -> None:
        async with Client(make_server(), mode=mode) as client:
            call = asyncio.ensure_future(client.call_tool("wait"))
            await until_event("started")
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            await until_event("cancelled")
            # Cancelled while the connection is still open (not by its end).
            assert client_target.EVENTS == ["started", "cancelled"]
            # The connection goes on.
            assert (await client.call_tool("echo", {"text": "after"})).content[0].text == "after"  # type: ignore[union-attr]

    run(body)
    assert client_target.EVENTS == ["started", "cancelled"]


def test_a_read_timeout_fails_the_call_and_cancels_it_on_the_server() -> None:
    client_target.EVENTS.clear()

    async def body() -> None:
        async with Client(make_server(), mode="legacy") as client:
            with pytest.raises(McpError) as raised:
                await client.call_tool("wait", read_timeout_seconds=0.2)
            assert raised.value.code == -32001
            await until_event("cancelled")
            assert client_target.EVENTS == ["started", "cancelled"]

    run(body)
    assert client_target.EVENTS == ["started", "cancelled"]


@pytest.mark.parametrize("mode", MODES)
def test_the_servers_errors_raise_mcp_error_with_code_message_and_data(mode: str) -> None:
    async def body() -> None:
        async with Client(make_server(), mode=mode) as client:
            with pytest.raises(McpError) as unknown:
                await client.call_tool("no-such-tool", {})
            assert unknown.value.code == -32602 and "no-such-tool" in unknown.value.message
            with pytest.raises(McpError) as refused:
                await client.call_tool("refuses")
            assert refused.value.message == "not today" and refused.value.data == {"why": "tests"}
            with pytest.raises(McpError) as missing:
                await client.read_resource("memo://nothing")
            assert missing.value.code in (-32002, -32602)

    run(body)


def test_many_calls_in_flight_each_get_their_own_answer() -> None:
    async def body() -> None:
        async with Client(make_server()) as client:
            results = await asyncio.gather(*(client.call_tool("echo", {"text": f"call {i}"}) for i in range(200)))
            assert [r.content[0].text for r in results] == [f"call {i}" for i in range(200)]  # type: ignore[union-attr]

    run(body)


def test_a_client_used_outside_its_block_says_so() -> None:
    async def body() -> None:
        client = Client(make_server())
        with pytest.raises(RuntimeError, match="not connected"):
            await client.list_tools()
        async with client:
            pass
        with pytest.raises(RuntimeError, match="not connected"):
            await client.call_tool("echo", {"text": "late"})

    run(body)
    with pytest.raises(TypeError, match="StdioServerParameters"):
        Client(42)


def test_notifications_waiting_for_a_busy_loop_are_bounded() -> None:
    # The engine keeps at most 4,096 notifications for a loop that does not take them
    # (`inbox::MAX_WAITING_NOTICES`); past that they are dropped and counted, so a server
    # that floods a busy client cannot grow its memory without end.
    flooding = Server("flood")

    @flooding.tool()
    def flood(n: int, ctx: Context) -> str:
        for i in range(n):
            ctx.info(f"line {i}")
        return "flooded"

    async def body() -> None:
        async with Client(flooding, mode="legacy", logging_callback=lambda params: None) as client:
            await client.set_logging_level("info")
            call = asyncio.ensure_future(client.call_tool("flood", {"n": 20000}))
            await asyncio.sleep(0)  # the call is sent
            link = client._link
            assert link is not None
            deadline = time.monotonic() + 30
            while link.inbox.dropped_notifications() == 0 and time.monotonic() < deadline:
                time.sleep(0.01)  # the loop is held: nothing leaves the inbox
            arrivals = link.inbox.take()
            assert sum(1 for a in arrivals if a[0] == 2) == 4096
            link.dispatch(arrivals)
            assert (await call).content[0].text == "flooded"  # type: ignore[union-attr]

    run(body)


def test_the_drop_in_mcpserver_in_process() -> None:
    from mcpforge import MCPServer

    official_style = MCPServer("drop-in")

    @official_style.tool()
    def hello(name: str) -> str:
        return f"hello {name}"

    async def body() -> None:
        async with Client(official_style) as client:
            assert (await client.call_tool("hello", {"name": "Ada"})).content[0].text == "hello Ada"  # type: ignore[union-attr]

    run(body)

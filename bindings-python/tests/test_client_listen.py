"""``mcpforge.client.Client`` subscriptions and tasks over Streamable HTTP to a mcpforge
listener on 127.0.0.1, on both wires: ``subscribe_resource`` (a listen stream on
2026-07-28, ``resources/subscribe`` on a handshake session) brings the resource's updates to
the message handler and ``unsubscribe_resource`` stops them; a tool called as a task gives
its result, is cancelled, and asks for input answered by the elicitation callback."""

from __future__ import annotations

import asyncio
from typing import Any, List

import pytest

from conftest import run
from mcpforge import Context, Server
from mcpforge.client import Client, ClientRequestContext
from mcpforge.client.types import CallToolResult, CreateTaskResult, ElicitRequestParams, ElicitResult
from test_client_http import Listening

WATCHED = "memo://watched"
MARKER = "memo://marker"


def make_server(gate: "asyncio.Event") -> Server:
    server = Server("listen-test", version="1.0.0")
    server._native.serve_resource_subscriptions(True)

    @server.resource(WATCHED, name="Watched", mime_type="text/plain")
    def watched() -> str:
        return "now"

    @server.resource(MARKER, name="Marker", mime_type="text/plain")
    def marker() -> str:
        return "marker"

    @server.tool(task_support="optional")
    def quick(n: int) -> str:
        return f"quick {n}"

    @server.tool(task_support="optional")
    async def gated() -> str:
        await gate.wait()
        return "released"

    @server.tool(task_support="optional")
    async def asks(ctx: Context) -> str:
        answer = await ctx.elicit("Name?", {"type": "object", "properties": {"name": {"type": "string"}}})
        return f"name={answer.data['name']}"

    return server


async def elicitation(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    return ElicitResult(action="accept", content={"name": "Ada"})


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
def test_subscribe_and_a_task_over_http(mode: str) -> None:
    updates: "asyncio.Queue[str]" = asyncio.Queue()

    async def on_message(message: Any) -> None:
        if getattr(message, "method", None) == "notifications/resources/updated":
            updates.put_nowait(message.params.uri if hasattr(message.params, "uri") else message.params["uri"])

    async def next_update() -> str:
        return await asyncio.wait_for(updates.get(), 10)

    async def body() -> None:
        gate = asyncio.Event()
        server = make_server(gate)
        options: Any = {"elicitation_callback": elicitation, "message_handler": on_message}
        async with Listening(server) as url, Client(url, mode=mode, **options) as client:
            await client.subscribe_resource(WATCHED)
            server.notify_resource_updated(WATCHED)
            assert await next_update() == WATCHED
            await client.subscribe_resource(MARKER)
            await client.unsubscribe_resource(WATCHED)
            server.notify_resource_updated(WATCHED)
            server.notify_resource_updated(MARKER)
            assert await next_update() == MARKER, "no update of a resource unsubscribed"

            tasks = client.experimental
            assert (await tasks.call_tool("quick", {"n": 7})).content[0].text == "quick 7"
            started = await tasks.call_tool_as_task("gated")
            assert isinstance(started, CreateTaskResult), started
            task_id = started.task.taskId
            assert (await tasks.get_task(task_id)).status == "working"
            await tasks.cancel_task(task_id)
            assert (await tasks.get_task(task_id)).status == "cancelled"
            released = await tasks.call_tool_as_task("gated")
            assert isinstance(released, CreateTaskResult)
            gate.set()
            states: List[str] = [state.status async for state in tasks.poll_task(released.task.taskId)]
            assert states[-1] == "completed", states
            result = await tasks.get_task_result(released.task.taskId, CallToolResult)
            assert result.content[0].text == "released"
            asked = await tasks.call_tool("asks", timeout=10)
            assert asked.content[0].text == "name=Ada"
            if mode == "legacy":
                assert len((await tasks.list_tasks()).tasks) >= 4

    run(body)

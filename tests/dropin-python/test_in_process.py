"""The official SDK's in-process connections to an mcpforge server, the way the official
SDK's own tests (and many users' tests) reach a high-level server without a process:
2.x's `Client(server)`, and `server._mcp_server.run(read, write, options)` over memory
streams, which 1.x's `create_connected_server_and_client_session` calls. Both must carry
requests, the server's notifications (a request's before its response), its requests of
the client (elicitation) and the lifespan, and end cleanly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, ClientSession, types
from mcp.shared.memory import create_client_server_memory_streams
from pydantic import BaseModel
from support import HANDSHAKE, run

from mcpforge import Context, MCPServer


class Answer(BaseModel):
    ok: bool


def program(events: list[str]) -> MCPServer:
    @asynccontextmanager
    async def lifespan(server: Any) -> AsyncIterator[dict[str, str]]:
        events.append("started")
        yield {"greeting": "hello"}
        events.append("stopped")

    mcp = MCPServer("in-process", lifespan=lifespan)

    @mcp.tool()
    async def greet(name: str, ctx: Context) -> str:
        await ctx.info(f"greeting {name}")
        return f"{ctx.request_context.lifespan_context['greeting']}, {name}"

    @mcp.tool()
    async def steps(ctx: Context) -> str:
        for step in range(1, 4):
            await ctx.report_progress(step, 3, f"step {step}")
        return "done"

    @mcp.tool()
    async def confirm(ctx: Context) -> str:
        answer = await ctx.elicit("Sure?", Answer)
        return f"{answer.action}: {answer.data.ok if answer.data else None}"

    return mcp


async def accept(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
    return types.ElicitResult(action="accept", content={"ok": True})


def text(result: types.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


def test_the_official_client_takes_the_server_itself() -> None:
    events: list[str] = []

    async def body() -> None:
        mcp = program(events)
        async with Client(mcp, elicitation_callback=accept) as client:
            assert events == ["started"]
            assert [t.name for t in (await client.list_tools()).tools] == ["greet", "steps", "confirm"]
            assert text(await client.call_tool("greet", {"name": "Ada"})) == "hello, Ada"
            progress: list[Any] = []

            async def on_progress(value: float, total: float | None, message: str | None) -> None:
                progress.append(message)

            # A request's notifications reach the client before its response.
            assert text(await client.call_tool("steps", {}, progress_callback=on_progress)) == "done"
            assert progress == ["step 1", "step 2", "step 3"]
            assert text(await client.call_tool("confirm", {})) == "accept: True"
            async with Client(mcp) as second:  # one server, two connections
                assert text(await second.call_tool("greet", {"name": "Bo"})) == "hello, Bo"
        assert events[-1] == "stopped"

    run(body)


@pytest.mark.filterwarnings("ignore:The logging capability is deprecated")
def test_the_low_level_run_serves_memory_streams() -> None:
    events: list[str] = []
    logs: list[Any] = []

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        logs.append(params.data)

    async def body() -> None:
        mcp = program(events)
        async with create_client_server_memory_streams() as ((client_read, client_write), (server_read, server_write)):
            async with anyio.create_task_group() as tg:
                low = mcp._mcp_server
                tg.start_soon(low.run, server_read, server_write, low.create_initialization_options())
                async with ClientSession(client_read, client_write, elicitation_callback=accept, logging_callback=on_log) as session:
                    assert (await session.initialize()).protocol_version == HANDSHAKE
                    await session.set_logging_level("info")
                    assert text(await session.call_tool("greet", {"name": "Ada"})) == "hello, Ada"
                    assert text(await session.call_tool("confirm", {})) == "accept: True"
                    with anyio.fail_after(5):  # notifications travel apart from responses
                        while "greeting Ada" not in logs:
                            await anyio.sleep(0.01)
                await client_write.aclose()  # the server's read stream ends: it stops by itself
        assert events == ["started", "stopped"]

    run(body)


def thread_switches() -> int:
    """Context switches of every thread of this process so far, from /proc."""
    total = 0
    for task in Path("/proc/self/task").iterdir():
        try:
            status = (task / "status").read_text()
        except FileNotFoundError:  # a thread that ended meanwhile
            continue
        for line in status.splitlines():
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                total += int(line.split()[1])
    return total


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_an_idle_in_process_connection_wakes_nothing() -> None:
    # The relay waits for the engine's next message; it does not look every few
    # milliseconds (which woke the loop and an engine thread about 200 times a second).
    events: list[str] = []

    async def body() -> None:
        mcp = program(events)
        async with Client(mcp) as client:
            assert text(await client.call_tool("greet", {"name": "Ada"})) == "hello, Ada"
            await anyio.sleep(0.2)  # the call's own wakes settle
            before = thread_switches()
            await anyio.sleep(1.0)
            woken = thread_switches() - before
            assert woken <= 20, woken
            assert text(await client.call_tool("greet", {"name": "Bo"})) == "hello, Bo"

    run(body)

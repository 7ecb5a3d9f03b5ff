"""``mcpforge.client.Client`` over Streamable HTTP to a mcpforge listener on 127.0.0.1 (the
server serving on the test's own loop with ``run_async``): both wires, every kind of request,
the server's requests answered by callbacks (handshake sessions), progress, and cancellation
reaching the handler."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any, List, Tuple

import pytest

from conftest import run
from mcpforge.client import Client, McpError
from test_client import elicitation, roots, sampling, until_event

sys.path.insert(0, str(Path(__file__).parent / "servers"))
import client_target  # noqa: E402
from client_target import make_server  # noqa: E402


class Listening:
    """``server`` (the test server by default) listening on a free port of 127.0.0.1 for the
    block's length."""

    def __init__(self, server: Any = None) -> None:
        self.server = server if server is not None else make_server()

    async def __aenter__(self) -> str:
        loop = asyncio.get_running_loop()
        ready: "asyncio.Future[Tuple[str, int]]" = loop.create_future()
        self.task = asyncio.ensure_future(
            self.server.run_async("http", host="127.0.0.1", port=0, on_ready=lambda h, p: ready.set_result((h, p)))
        )
        host, port = await asyncio.wait_for(ready, 20)
        return f"http://{host}:{port}/mcp"

    async def __aexit__(self, *exc: Any) -> None:
        self.task.cancel()
        await asyncio.wait([self.task], timeout=20)


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
def test_every_request_over_http(mode: str) -> None:
    async def body() -> None:
        async with Listening() as url, Client(url, mode=mode) as client:
            assert client.server_info is not None and client.server_info.version == "1.2.3"
            assert sorted(t.name for t in (await client.list_tools()).tools)[:3] == ["add", "ask_all", "echo"]
            assert (await client.call_tool("add", {"a": 4, "b": 5})).structuredContent == {"sum": 9}
            assert (await client.list_resources()).resources[0].uri == "memo://text"
            assert (await client.list_resource_templates()).resourceTemplates[0].name == "Item"
            assert (await client.read_resource("memo://text")).contents[0].text == "hello"  # type: ignore[union-attr]
            assert (await client.list_prompts()).prompts[0].name == "greet"
            assert (await client.get_prompt("greet", {"name": "Bo"})).messages[0].content.text == "Hello Bo"  # type: ignore[union-attr]
            completed = await client.complete({"type": "ref/prompt", "name": "greet"}, {"name": "name", "value": "g"})
            assert completed.completion.values == ["grace"]
            await client.set_logging_level("warning")
            with pytest.raises(McpError) as refused:
                await client.call_tool("refuses")
            assert refused.value.data == {"why": "tests"}
            many = await asyncio.gather(*(client.call_tool("echo", {"text": str(i)}) for i in range(32)))
            assert [m.content[0].text for m in many] == [str(i) for i in range(32)]  # type: ignore[union-attr]

    run(body)


def test_callbacks_progress_and_cancellation_over_http() -> None:
    client_target.EVENTS.clear()
    progress: List[float] = []

    async def on_progress(done: float, total: Any, message: Any) -> None:
        progress.append(done)

    async def body() -> None:
        options: Any = {"sampling_callback": sampling, "elicitation_callback": elicitation, "list_roots_callback": roots}
        async with Listening() as url, Client(url, mode="legacy", **options) as client:
            asked = await client.call_tool("ask_all")
            assert asked.content[0].text == "Ada | re: hi | ['file:///work']", asked  # type: ignore[union-attr]
            await client.call_tool("steps", {"n": 3}, progress_callback=on_progress)
            call = asyncio.ensure_future(client.call_tool("wait"))
            await until_event("started")
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            await until_event("cancelled")
            assert client_target.EVENTS == ["started", "cancelled"]

    run(body)
    assert progress == [1.0, 2.0, 3.0]


def test_a_url_with_nothing_listening_is_an_mcp_error() -> None:
    async def body() -> None:
        async with Listening() as url:
            dead = url.rsplit(":", 1)[0] + ":9/mcp"
        with pytest.raises(McpError):
            async with Client(dead, mode="legacy"):
                pass

    run(body)

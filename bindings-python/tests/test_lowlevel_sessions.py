"""The low-level servers' ``request_context.session`` acts on its own request: a handler
answered at the inner end of the middleware chain (the 2.x handler table, the 1.x
decorators) logs and reports progress on its request, pings and asks the client (roots,
sampling, elicitation) and tells its client that a resource (unsubscribed) or a list changed, as the
official ``ServerSession`` does on its connection; and a plain middleware has the request's
``Context`` as ``context.ctx``."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Dict, List

from conftest import run
from pydantic import BaseModel

from mcpforge import MCPServer, Server
from mcpforge.middleware import CallNext, MiddlewareContext
from mcpforge.sdk.lowlevel import Server as LowLevelServer


class CallParams(BaseModel):
    name: str
    arguments: Dict[str, Any] = {}


def _client(server: Any) -> Any:
    """A test client that answers roots, sampling and elicitation (and sets no log level:
    a 1.x server without a level handler does not know ``logging/setLevel``)."""
    return server.test_client(
        roots=lambda: [{"uri": "file:///a"}, {"uri": "file:///b"}],
        sampling=lambda _params: {"role": "assistant", "content": {"type": "text", "text": "Paris"}, "model": "m"},
        elicitation=lambda _params: {"action": "accept", "content": {"name": "Ada"}},
    )


async def _use_session(session: Any, request_id: Any) -> str:
    """What the official examples do with ``request_context.session`` in a handler."""
    await session.send_log_message("info", "working", logger="ll", related_request_id=request_id)
    await session.send_progress_notification("tok", 0.5, 1.0, "half", related_request_id=request_id)
    assert await session.send_ping() == {}
    roots = await session.list_roots()
    sampled = await session.create_message([{"role": "user", "content": {"type": "text", "text": "Capital?"}}], max_tokens=5)
    answer = await session.elicit("Your name?", {"type": "object", "properties": {"name": {"type": "string"}}})
    await session.send_resource_updated("note://a")
    await session.send_tool_list_changed()
    return f"{len(roots.roots)} roots, {sampled.text}, {answer.content['name']}"


async def _check(client: Any, result: Dict[str, Any]) -> None:
    assert result["content"][0]["text"] == "2 roots, Paris, Ada"
    logs = await client.collected("notifications/message", 1)
    assert logs[0] == {"level": "info", "data": "working", "logger": "ll"}
    progress = await client.collected("notifications/progress", 1)
    assert progress[0] == {"progressToken": "tok", "progress": 0.5, "total": 1.0, "message": "half"}
    # The client never subscribed: the official session tells it all the same.
    assert await client.collected("notifications/resources/updated", 1) == [{"uri": "note://a"}]
    assert len(await client.collected("notifications/tools/list_changed", 1)) == 1
    asked: List[str] = [r["method"] for r in client.server_requests]
    assert asked == ["ping", "roots/list", "sampling/createMessage", "elicitation/create"]


CALL = {"name": "direct", "arguments": {}, "_meta": {"progressToken": "tok"}}


def test_the_handler_table_session_acts_on_its_request() -> None:
    server = MCPServer("table")

    async def call(ctx: Any, params: CallParams) -> Dict[str, Any]:
        text = await _use_session(ctx.session, ctx.request_id)
        return {"content": [{"type": "text", "text": text}]}

    server._lowlevel_server.add_request_handler("tools/call", CallParams, call)

    async def body() -> None:
        async with _client(server) as client:
            await _check(client, await client.request("tools/call", CALL))

    run(body)


def test_the_decorated_low_level_server_session_acts_on_its_request() -> None:
    low = LowLevelServer("decorated")

    @low.call_tool()
    async def call(name: str, arguments: Dict[str, Any]) -> List[Dict[str, Any]]:
        request = low.request_context
        return [{"type": "text", "text": await _use_session(request.session, request.request_id)}]

    # The official ``InitializationOptions`` need the official package: its fields suffice.
    options = SimpleNamespace(
        capabilities=SimpleNamespace(tools=SimpleNamespace(listChanged=False), resources=None, prompts=None, experimental=None),
        server_name="decorated",
        server_version="1",
        instructions=None,
    )
    engine = low._built(options)

    async def body() -> None:
        async with _client(engine) as client:
            await _check(client, await client.request("tools/call", CALL))

    run(body)


def test_a_middleware_logs_on_the_request_it_sees() -> None:
    server = Server("mw")

    @server.tool()
    def echo(text: str) -> str:
        return text

    async def announce(context: MiddlewareContext, call_next: CallNext) -> Any:
        await context.ctx.info(f"before {context.name}")
        return await call_next(context)

    server.add_middleware(announce)

    async def body() -> None:
        async with _client(server) as client:
            result = await client.call_tool("echo", {"text": "hi"})
            assert result.text == "hi"
            logs = await client.collected("notifications/message", 1)
            assert logs[0]["data"] == "before echo"

    run(body)

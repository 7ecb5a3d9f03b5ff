"""``Context`` in sync and async handlers on both wires: request metadata, progress, logs,
cancellation reaching a running handler, and client input (elicit, sample, list_roots,
keyed asks) through the engine's server->client requests (2025-11-25) and
``input_required`` round trips (2026-07-28)."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from typing import Any, Dict, List, Literal, Optional

import pytest
from conftest import run, wait_until_cancelled

from mcpforge import Context, Elicit, ListRoots, ProtocolError, Sample, Server
from mcpforge.testing import HANDSHAKE, MODERN

WIRES = [HANDSHAKE, MODERN]
WAIT = 20.0


@dataclasses.dataclass
class Person:
    name: str
    age: int = 0


def answer_elicitation(params: Dict[str, Any]) -> Dict[str, Any]:
    props = params["requestedSchema"]["properties"]
    content = {"name": "Ada"}
    if "age" in props:
        content["age"] = 36
    return {"action": "accept", "content": content}


def answer_sampling(params: Dict[str, Any]) -> Dict[str, Any]:
    prompt = params["messages"][0]["content"]["text"]
    return {"role": "assistant", "content": {"type": "text", "text": f"echo: {prompt}"}, "model": "test-model", "stopReason": "endTurn"}


def answer_roots() -> List[Dict[str, Any]]:
    return [{"uri": "file:///work", "name": "work"}]


def input_server() -> Server:
    server = Server("input")

    @server.tool()
    def sync_all(ctx: Context) -> str:
        person = ctx.elicit("Who are you?", Person)
        reply = ctx.sample("hello", max_tokens=10)
        roots = ctx.list_roots()
        return f"{person.action} {person.content!r} | {reply.text} {reply.model} | {[r.uri for r in roots]}"

    @server.tool()
    async def async_all(ctx: Context) -> str:
        person = await ctx.elicit("Name?", {"type": "object", "properties": {"name": {"type": "string"}}})
        reply = await ctx.sample("hi")
        roots = await ctx.list_roots()
        return f"{person.content['name']} | {reply.text} | {roots[0].name}"

    @server.tool()
    def keyed(ctx: Context) -> str:
        name, roots = ctx.ask_all([("who", Elicit("Name?", {"type": "object", "properties": {"name": {"type": "string"}}})), ("roots", ListRoots())])
        again = ctx.ask("capital", Sample("Capital of France?", max_tokens=5))
        return f"{name['content']['name']} {roots['roots'][0]['uri']} {again['content']['text']}"

    return server


@pytest.mark.parametrize("wire", WIRES)
def test_client_input_in_sync_and_async_handlers(wire: str) -> None:
    async def body() -> None:
        options = {"elicitation": answer_elicitation, "sampling": answer_sampling, "roots": answer_roots}
        async with input_server().test_client(wire=wire, **options) as client:
            sync = await client.call_tool("sync_all")
            assert sync.text == "accept Person(name='Ada', age=36) | echo: hello test-model | ['file:///work']"
            assert (await client.call_tool("async_all")).text == "Ada | echo: hi | work"
            assert (await client.call_tool("keyed")).text == "Ada file:///work echo: Capital of France?"

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_client_input_without_the_capability(wire: str) -> None:
    """Legacy: a tool error; 2026: -32021 naming the capability."""

    async def body() -> None:
        async with input_server().test_client(wire=wire) as client:
            if wire == MODERN:
                with pytest.raises(ProtocolError) as e:
                    await client.call_tool("sync_all")
                assert e.value.code == -32021 and e.value.data == {"requiredCapabilities": {"elicitation": {"form": {}}}}
            else:
                result = await client.call_tool("async_all")
                assert result.is_error and "elicitation" in result.text

    run(body)


def test_code_before_an_ask_reruns_on_the_2026_wire() -> None:
    runs: List[str] = []
    server = Server("rerun")

    @server.tool()
    def counted(ctx: Context) -> str:
        runs.append(ctx.protocol_version)
        return ctx.elicit("Name?", {"type": "object", "properties": {"name": {"type": "string"}}}).content["name"]

    async def body() -> None:
        async with server.test_client(wire=MODERN, elicitation=answer_elicitation) as client:
            assert (await client.call_tool("counted")).text == "Ada"
        async with server.test_client(wire=HANDSHAKE, elicitation=answer_elicitation) as client:
            assert (await client.call_tool("counted")).text == "Ada"

    run(body)
    assert runs == [MODERN, MODERN, HANDSHAKE]


def metadata_server() -> Server:
    server = Server("meta")

    @server.tool()
    def sync_meta(ctx: Context) -> Dict[str, Any]:
        for i in (1, 2, 3):
            ctx.report_progress(i, 3, f"step {i}")
        ctx.debug("debug line")
        ctx.warning({"structured": True}, logger="meta")
        return {
            "id": ctx.request_id,
            "version": ctx.protocol_version,
            "token": ctx.progress_token,
            "client": (ctx.client_info or {}).get("name"),
            "caps": sorted(ctx.client_capabilities),
            "extra": (ctx.meta or {}).get("extra"),
            "cancelled": ctx.cancelled,
            "auth": ctx.auth is None,
            "task": ctx.task_id,
        }

    @server.tool()
    async def async_progress(ctx: Context) -> str:
        await ctx.report_progress(0.5, None, "half")
        await ctx.info("async line")
        return "done"

    return server


@pytest.mark.parametrize("wire", WIRES)
def test_metadata_progress_and_logs(wire: str) -> None:
    async def body() -> None:
        async with metadata_server().test_client(wire=wire, log_level="debug", roots=answer_roots) as client:
            result = await client.call_tool("sync_meta", progress_token="tok", meta={"extra": 7})
            data = result.structured_content
            assert isinstance(data["id"], str) and data["id"].startswith("t")
            assert data["version"] == wire and data["token"] == "tok" and data["extra"] == 7
            assert data["client"] == "mcpforge-test-client" and data["caps"] == ["roots"]
            assert data["cancelled"] is False and data["auth"] is True and data["task"] is None
            await client.call_tool("async_progress", progress_token=9)
            progress = await client.collected("notifications/progress", 4)
            assert [(p["progressToken"], p["progress"], p.get("message")) for p in progress] == [
                ("tok", 1, "step 1"),
                ("tok", 2, "step 2"),
                ("tok", 3, "step 3"),
                (9, 0.5, "half"),
            ]
            logs = await client.collected("notifications/message", 3)
            assert [(p["level"], p["data"], p.get("logger")) for p in logs] == [
                ("debug", "debug line", None),
                ("warning", {"structured": True}, "meta"),
                ("info", "async line", None),
            ]

    run(body)


def test_no_logs_on_the_2026_wire_unless_asked() -> None:
    async def body() -> None:
        async with metadata_server().test_client(wire=MODERN) as client:
            await client.call_tool("async_progress")
            assert [n for n in client.notifications if n["method"] == "notifications/message"] == []

    run(body)


def test_unknown_log_level_is_a_tool_error() -> None:
    server = Server("levels")

    @server.tool()
    def bad(ctx: Context) -> str:
        ctx.log("loud", "x")
        return "unreachable"

    async def body() -> None:
        async with server.test_client() as client:
            result = await client.call_tool("bad")
            assert result.is_error and result.text == 'ValueError: unknown log level "loud"'

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_cancellation_reaches_a_running_sync_handler(wire: str) -> None:
    started = threading.Event()
    saw_cancel = threading.Event()
    server = Server("cancel-sync")

    @server.tool()
    def wait_for_cancel(ctx: Context) -> str:
        started.set()
        if wait_until_cancelled(ctx, WAIT):
            saw_cancel.set()
        return "finished"

    @server.tool()
    def ping() -> str:
        return "pong"

    async def body() -> None:
        loop = asyncio.get_running_loop()
        async with server.test_client(wire=wire) as client:
            call = asyncio.ensure_future(client.call_tool("wait_for_cancel"))
            assert await loop.run_in_executor(None, started.wait, WAIT)
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            assert await loop.run_in_executor(None, saw_cancel.wait, WAIT)
            assert (await client.call_tool("ping")).text == "pong"

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_cancellation_cancels_a_running_async_handler(wire: str) -> None:
    server = Server("cancel-async")
    events: Dict[str, asyncio.Event] = {}

    @server.tool()
    async def sleeper() -> str:
        events["started"].set()
        try:
            await asyncio.sleep(WAIT)
        except asyncio.CancelledError:
            events["cancelled"].set()
            raise
        return "woke up"

    async def body() -> None:
        events.update(started=asyncio.Event(), cancelled=asyncio.Event())
        async with server.test_client(wire=wire) as client:
            call = asyncio.ensure_future(client.call_tool("sleeper"))
            await asyncio.wait_for(events["started"].wait(), WAIT)
            call.cancel()
            await asyncio.wait_for(events["cancelled"].wait(), WAIT)
            # Nothing was answered for the cancelled request.
            await asyncio.sleep(0)
            assert not any("id" in n and "result" in n for n in client.notifications)

    run(body)


@dataclasses.dataclass
class Nested:
    value: str


@dataclasses.dataclass
class Signup:
    name: str
    age: Optional[int] = None
    tags: Optional[List[Literal["a", "b"]]] = None  # several choices: a multi-select


@dataclasses.dataclass
class WithList:
    numbers: List[str]  # free strings are no choices


@dataclasses.dataclass
class WithNested:
    inner: Nested


def test_a_form_derived_from_a_type_is_flat_and_primitive() -> None:
    """A form's schema holds only primitive fields (the specification's rule): an optional
    field is sent as its type, not required; a list or nested object raises ``TypeError``
    naming the field in the handler, before anything is sent."""
    server = Server("forms")
    asked: List[Dict[str, Any]] = []

    @server.tool()
    async def signup(ctx: Context) -> str:
        answer = await ctx.elicit("Who are you?", Signup)
        return f"{answer.action}: {answer.data.name}"

    @server.tool()
    async def refused(which: str, ctx: Context) -> str:
        try:
            await ctx.elicit("Never sent", WithList if which == "list" else WithNested)
        except TypeError as e:
            return f"TypeError: {e}"
        return "sent"

    def answer(params: Dict[str, Any]) -> Dict[str, Any]:
        asked.append(params["requestedSchema"])
        return {"action": "accept", "content": {"name": "Ada"}}

    async def body() -> None:
        async with server.test_client(elicitation=answer) as client:
            assert (await client.call_tool("signup")).text == "accept: Ada"
            for which, field in (("list", "'numbers'"), ("nested", "'inner'")):
                text = (await client.call_tool("refused", {"which": which})).text
                assert text.startswith("TypeError: elicitation field") and field in text, text
        (schema,) = asked
        age = schema["properties"]["age"]
        assert age["type"] == "integer" and "default" not in age and schema["required"] == ["name"]
        assert schema["properties"]["tags"]["type"] == "array"

    run(body)


def test_the_end_of_a_url_elicitation_reaches_the_client() -> None:
    # The official `ctx.session.send_elicit_complete(id)`: it was missing (AttributeError).
    server = Server("url-done")

    @server.tool()
    async def finish(ctx: Context, elicitation_id: str) -> str:
        await ctx.session.send_elicit_complete(elicitation_id)
        return "finished"

    async def body() -> None:
        async with server.test_client() as client:
            assert (await client.call_tool("finish", {"elicitation_id": "e-7"})).text == "finished"
            done = await client.collected("notifications/elicitation/complete", 1)
            assert done == [{"elicitationId": "e-7"}]

    run(body)

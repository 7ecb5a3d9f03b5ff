"""``Server.mount`` and ``Server.as_proxy`` through the real engine and the in-memory test
client: the parent's middleware (added after the mount) and catalogue hook apply to
mounted items, a catalogue hook of the parent completes what no mounted server claims,
both argument orders, and what ``mount`` refuses. The official client drives the same
over stdio, with a mounted command, in tests/e2e/test_python_mount.py."""

from __future__ import annotations

from typing import Any, List

import pytest
from conftest import run

from mcpforge import ProtocolError, Server, Upstream
from mcpforge.middleware import CallNext, MiddlewareContext


def child(name: str) -> Server:
    server = Server(name)

    @server.tool()
    def echo(text: str) -> str:
        return f"{name}: {text}"

    @server.tool()
    def secret() -> str:
        return f"{name} secret"

    @server.prompt()
    def greet(who: str) -> str:
        return f"{name} greets {who}"

    @server.completion(prompt="greet")
    def whom(value: str) -> List[str]:
        return [f"{name}-{value}"]

    return server


def test_the_parents_middleware_and_catalogue_apply_to_mounted_items() -> None:
    seen: List[str] = []
    parent = Server("parent")

    @parent.prompt()
    def own(topic: str) -> str:
        return f"about {topic}"

    @parent.completion()
    def fallback(value: str) -> List[str]:
        return [f"own-{value}"]

    parent.mount(child("one"), prefix="one", mode="shared")
    parent.mount("two", child("two"))

    async def record(context: MiddlewareContext, call_next: CallNext) -> Any:
        if context.method == "tools/call":
            seen.append(str(context.name))
        return await call_next(context)

    parent.add_middleware(record)
    parent.catalogue(lambda request, kind: ["one_echo", "two_echo"] if kind == "tools" else None)

    async def body() -> None:
        async with parent.test_client() as client:
            assert sorted(t["name"] for t in await client.list_tools()) == ["one_echo", "two_echo"]
            assert (await client.call_tool("one_echo", {"text": "hi"})).text == "one: hi"
            assert (await client.call_tool("two_echo", {"text": "hi"})).text == "two: hi"
            with pytest.raises(ProtocolError, match="Unknown tool: two_secret"):
                await client.call_tool("two_secret")
            completed = await client.complete({"type": "ref/prompt", "name": "two_greet"}, "who", "x")
            assert completed["values"] == ["two-x"]
            # A reference no mounted server serves goes to the parent's own provider.
            completed = await client.complete({"type": "ref/prompt", "name": "own"}, "topic", "x")
            assert completed["values"] == ["own-x"]

    run(body)
    assert seen[:2] == ["one_echo", "two_echo"]


def test_as_proxy_serves_a_server_of_this_process() -> None:
    proxy = Server.as_proxy(child("inner"), name="outer")

    async def body() -> None:
        async with proxy.test_client() as client:
            assert sorted(t["name"] for t in await client.list_tools()) == ["echo", "secret"]
            assert (await client.call_tool("echo", {"text": "hi"})).text == "inner: hi"

    run(body)


def test_mount_refuses_what_is_not_a_server() -> None:
    parent = Server("parent")
    with pytest.raises(TypeError, match="Server or an Upstream"):
        parent.mount(object(), prefix="x")
    with pytest.raises(ValueError, match="expected shared, per-user or per-session"):
        parent.mount(Upstream.command(["true"], mode="pooled"), prefix="x")
    with pytest.raises(TypeError, match="not both"):
        Upstream.command(["a", "b"], ["c"])

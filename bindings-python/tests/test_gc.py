"""Garbage collection: a server whose handlers reference the server (closures, the
context's ``server``) is collected once unreachable, also after it served a client; the
native server shows the collector every Python callable it holds."""

from __future__ import annotations

import gc
import weakref

from conftest import run

from mcpforge import Context, Server


def make_cyclic_server() -> "weakref.ref[Server]":
    server = Server("cyclic")

    @server.tool()
    def name() -> str:
        return server.name  # the closure references the server: a cycle through Rust

    @server.tool()
    async def via_context(ctx: Context) -> str:
        return f"{ctx.server.name} {name()}"

    @server.resource("memo://{key}")
    def memo(key: str) -> str:
        return f"{server.name}:{key}"

    async def body() -> None:
        async with server.test_client() as client:
            assert (await client.call_tool("name")).text == "cyclic"
            assert (await client.call_tool("via_context")).text == "cyclic cyclic"
            assert (await client.read_resource("memo://k"))[0]["text"] == "cyclic:k"

    run(body)
    return weakref.ref(server)


def test_a_server_in_a_cycle_with_its_handlers_is_collected() -> None:
    ref = make_cyclic_server()
    for _ in range(3):
        gc.collect()
        if ref() is None:
            break
    assert ref() is None


def test_the_native_server_reports_its_callables_to_the_collector() -> None:
    server = Server("traverse")

    def handler() -> str:
        return "x"

    def with_context(ctx: Context) -> str:
        return "y"

    server.add_tool(handler)  # a plain tool: the engine holds it and its two finishers
    held = [r for r in gc.get_referents(server._native) if not isinstance(r, type)]
    assert len(held) == 3 and handler in held and all(callable(r) for r in held)
    server.add_tool(with_context)  # any other: its wrapper
    wrappers = [r for r in gc.get_referents(server._native) if not isinstance(r, type) and r not in held]
    assert len(wrappers) == 1 and callable(wrappers[0])
    assert with_context in [c.cell_contents for c in wrappers[0].__closure__ or ()]


def test_a_collected_servers_own_loop_is_closed() -> None:
    """The loop a server runs async handlers on when no caller's loop is active (direct
    calls, sync callers) ends with the server, closed: no unclosed loop or socket is left for
    the collector to warn about."""
    import threading

    server = Server("own-loop")
    loop = server._async_loop()
    thread = next(t for t in threading.enumerate() if t.name == "mcpforge-own-loop-asyncio")
    del server
    gc.collect()
    thread.join(10)
    assert not thread.is_alive() and loop.is_closed()

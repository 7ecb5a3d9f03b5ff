"""Quick synchronous calls run inline, on the engine thread that took the request, and keep
every guarantee of the worker pool: a call that blocks holds up no other request, its
timeout reaches the caller while it still runs, a handler that once ran slow goes to the
pool for good, and Python code that calls back into the engine from a quick handler (its
own server's resources, registering a tool, progress and logs) neither deadlocks nor
stalls. Proved with events rather than timings; the same over real stdio is in
test_process.py."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import List, Tuple

import pytest
from conftest import http_tool_call, run

# Thread names are read from /proc.
needs_proc = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="no /proc/self/task")

from mcpforge import Context, ProtocolError, Server

WAIT = 20.0
ENGINE = "mcpforge-engine"
POOL = "mcpforge-python"


def thread_name() -> str:
    """The name the engine gave the calling thread (Python calls threads it did not start
    ``Dummy-N``)."""
    return Path(f"/proc/self/task/{threading.get_native_id()}/comm").read_text().strip()


@needs_proc
def test_quick_calls_run_on_an_engine_thread() -> None:
    """A quick handler runs on the engine's thread, not on a pool worker (a call goes to the
    pool while another thread ran Python lately, so this asks until one ran inline)."""
    server = Server("inline")

    @server.tool()
    def where() -> str:
        return thread_name()

    async def body() -> None:
        async with server.test_client() as client:
            names: List[str] = []
            deadline = time.monotonic() + WAIT
            while not any(n.startswith(ENGINE) for n in names) and time.monotonic() < deadline:
                names.append((await client.call_tool("where")).text)
            assert any(n.startswith(ENGINE) for n in names), names[-5:]

    run(body)


@needs_proc
def test_a_handler_that_once_ran_slow_goes_to_the_pool_for_good() -> None:
    server = Server("pace")

    @server.tool()
    def nap(seconds: float) -> str:
        time.sleep(seconds)
        return thread_name()

    async def body() -> None:
        async with server.test_client() as client:
            await client.call_tool("nap", {"seconds": 0.05})
            names = [(await client.call_tool("nap", {"seconds": 0})).text for _ in range(10)]
            assert all(n.startswith(POOL) for n in names), names

    run(body)


def test_a_blocked_call_holds_up_no_other_request() -> None:
    """``hold`` blocks its thread (inline, as a first call of a quick pool runs) until
    ``release`` runs: it can only answer "released" if the engine served ``release`` meanwhile."""
    started = threading.Event()
    released = threading.Event()
    server = Server("blocked")

    @server.tool()
    def hold() -> str:
        started.set()
        return "released" if released.wait(WAIT) else "timed out"

    @server.tool()
    def release() -> str:
        released.set()
        return "set"

    async def body() -> None:
        loop = asyncio.get_running_loop()
        async with server.test_client() as client:
            held = asyncio.ensure_future(client.call_tool("hold"))
            assert await loop.run_in_executor(None, started.wait, WAIT)
            assert (await client.call_tool("release")).text == "set"
            assert (await held).text == "released"

    run(body)


def test_calls_queued_behind_a_call_that_blocks_are_served_meanwhile() -> None:
    """Quick calls sent together with one that starts blocking (all of them quick so far, so
    all queued for the engine thread's runner) are answered while it still blocks: they go
    on to the pool, and the last of them lets the blocked one return."""
    released = threading.Event()
    server = Server("queued")

    @server.tool()
    def hold() -> str:
        return "released" if released.wait(WAIT) else "timed out"

    @server.tool()
    def double(n: int) -> str:
        return str(2 * n)

    @server.tool()
    def release() -> str:
        released.set()
        return "set"

    async def body() -> None:
        async with server.test_client() as client:
            # Quick so far: a few calls of each first.
            for n in range(3):
                assert (await client.call_tool("double", {"n": n})).text == str(2 * n)
            calls = [client.call_tool("hold")] + [client.call_tool("double", {"n": n}) for n in range(20)]
            calls.append(client.call_tool("release"))
            results = await asyncio.gather(*calls)
            assert results[0].text == "released"
            assert [r.text for r in results[1:-1]] == [str(2 * n) for n in range(20)]
            assert results[-1].text == "set"

    run(body)


def test_a_timeout_answers_the_caller_while_the_handler_still_runs() -> None:
    """The handler ignores its cancellation; the caller gets the timeout error anyway, while
    the function is still blocked."""
    released = threading.Event()
    server = Server("timeout", limits={"request_timeout": 0.2})

    @server.tool()
    def stubborn() -> str:
        return "released" if released.wait(WAIT) else "timed out"

    async def body() -> None:
        async with server.test_client() as client:
            with pytest.raises(ProtocolError) as e:
                await client.call_tool("stubborn")
            assert e.value.code == -32603
            assert not released.is_set()
            released.set()

    run(body)


def test_a_timeout_over_http_answers_while_the_handler_still_runs() -> None:
    """The same over HTTP, where the call runs beside its request rather than in its poll
    (an HTTP exchange takes its answer from the request itself): the exchange gets the
    timeout error while the function is still blocked."""
    released = threading.Event()
    server = Server("timeout-http", limits={"request_timeout": 0.2})

    @server.tool()
    def stubborn() -> str:
        return "released" if released.wait(WAIT) else "timed out"

    async def body() -> None:
        loop = asyncio.get_running_loop()
        bound: "asyncio.Future[Tuple[str, int]]" = loop.create_future()
        serving = asyncio.ensure_future(server.run_async("http", port=0, on_ready=lambda h, p: bound.set_result((h, p))))
        try:
            _, port = await asyncio.wait_for(bound, WAIT)
            status, _, reply = await loop.run_in_executor(None, http_tool_call, f"http://127.0.0.1:{port}/mcp", "stubborn")
            assert status == 200 and reply["error"]["code"] == -32603, reply
            assert reply["error"]["data"] == {"timeoutMs": 200}
            assert not released.is_set()
        finally:
            released.set()
            serving.cancel()
            with pytest.raises(asyncio.CancelledError):
                await serving

    run(body)


def test_quick_handlers_may_call_back_into_the_engine() -> None:
    """Reading the server's own resource (a request through the engine, answered by
    another handler), registering a tool, progress and logs, from sync handlers."""
    server = Server("callbacks")

    @server.resource("notes://{day}")
    def notes(day: str) -> str:
        return f"notes of {day}"

    @server.tool()
    def read(day: str, ctx: Context) -> str:
        return str(ctx.read_resource(f"notes://{day}")[0].content)

    @server.tool()
    def register(name: str) -> str:
        server.add_tool(lambda: f"I am {name}", name=name)
        return "added"

    @server.tool()
    def chatty(ctx: Context) -> str:
        ctx.info("hello")
        ctx.report_progress(1, 2)
        return "said"

    async def body() -> None:
        async with server.test_client() as client:
            for _ in range(3):
                assert (await client.call_tool("read", {"day": "monday"})).text == "notes of monday"
                assert (await client.call_tool("chatty")).text == "said"
            assert (await client.call_tool("register", {"name": "late"})).text == "added"
            assert (await client.call_tool("late")).text == "I am late"

    run(body)

"""Concurrency, proved with barriers rather than timings: ten slow sync tools run at once
(each waits at a barrier the others must reach), the worker pool bounds how many run at
once, async tools share the event loop, and sync and async handlers run side by side."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Dict, List

import pytest
from conftest import run

from mcpforge import ProtocolError, Server
from mcpforge.testing import MODERN

# Bounds for waits that succeed at once when the code is right.
BARRIER_WAIT = 20.0


def test_ten_slow_sync_tools_run_at_once() -> None:
    barrier = threading.Barrier(10, timeout=BARRIER_WAIT)
    threads: List[str] = []
    server = Server("pool", max_workers=10)

    @server.tool()
    def slow(i: int) -> str:
        threads.append(threading.current_thread().name)
        barrier.wait()  # BrokenBarrierError (a tool error) unless all ten are running together
        return f"done {i}"

    async def body() -> None:
        async with server.test_client() as client:
            results = await asyncio.gather(*(client.call_tool("slow", {"i": i}) for i in range(10)))
            assert [r.text for r in results] == [f"done {i}" for i in range(10)]

    run(body)
    assert len(set(threads)) == 10
    assert threading.main_thread().name not in threads


def test_the_pool_bounds_concurrent_sync_calls() -> None:
    """With ``max_workers=2``, a third call starts only after one of the first two ended."""
    lock = threading.Lock()
    running = 0
    peak = 0
    two_running = threading.Event()
    release = threading.Event()
    server = Server("bounded", max_workers=2)

    @server.tool()
    def hold(i: int) -> str:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            if running == 2:
                two_running.set()
        release.wait(BARRIER_WAIT)
        with lock:
            running -= 1
        return str(i)

    async def body() -> None:
        async with server.test_client() as client:
            calls = [asyncio.ensure_future(client.call_tool("hold", {"i": i})) for i in range(5)]
            assert await asyncio.get_running_loop().run_in_executor(None, two_running.wait, BARRIER_WAIT)
            release.set()
            results = await asyncio.gather(*calls)
            assert sorted(r.text for r in results) == [str(i) for i in range(5)]

    run(body)
    assert server.max_workers == 2
    assert peak == 2


def test_async_tools_run_concurrently_on_the_callers_loop() -> None:
    server = Server("async")
    arrived: List[int] = []
    events: Dict[str, asyncio.Event] = {}
    loops = set()

    @server.tool()
    async def gather(i: int) -> str:
        loops.add(id(asyncio.get_running_loop()))
        arrived.append(i)
        if len(arrived) == 8:
            events["all here"].set()
        await asyncio.wait_for(events["all here"].wait(), BARRIER_WAIT)  # times out unless all eight are in flight
        return str(i)

    async def body() -> None:
        events["all here"] = asyncio.Event()
        async with server.test_client(wire=MODERN) as client:
            results = await asyncio.gather(*(client.call_tool("gather", {"i": i}) for i in range(8)))
            assert sorted(int(r.text) for r in results) == list(range(8))
            assert loops == {id(asyncio.get_running_loop())}

    run(body)


def _blocked_until_released(server: Server) -> threading.Event:
    """Serves the tools the two tests below run: ``blocked`` (sync) sets the returned event
    once it runs, then waits until ``releaser`` (async) lets it go."""
    holding = threading.Event()
    unblock = threading.Event()

    @server.tool()
    def blocked() -> str:
        holding.set()
        return "released" if unblock.wait(BARRIER_WAIT) else "timed out"

    @server.tool()
    async def releaser() -> str:
        unblock.set()
        return "set"

    return holding


async def _release_the_blocked_call(client: Any, holding: threading.Event) -> None:
    """Calls ``blocked`` and, once it holds its thread, lets it go through ``releaser``."""
    first = asyncio.ensure_future(client.call_tool("blocked"))
    assert await asyncio.get_running_loop().run_in_executor(None, holding.wait, BARRIER_WAIT)
    assert (await client.call_tool("releaser")).text == "set"
    assert (await first).text == "released"


def test_sync_and_async_handlers_run_side_by_side() -> None:
    """A sync tool blocks its worker thread until an async tool (on the loop) lets it go:
    neither the loop nor the engine waits for the blocked thread."""
    server = Server("mixed")
    holding = _blocked_until_released(server)

    async def body() -> None:
        async with server.test_client() as client:
            await _release_the_blocked_call(client, holding)

    run(body)


def test_an_async_tool_starts_while_every_worker_is_blocked() -> None:
    """An async handler is started on an engine thread or a thread of its own, never on the
    worker pool: with the only worker held by the blocked sync tool, the async tool that
    lets it go still runs."""
    server = Server("one-worker", max_workers=1)
    holding = _blocked_until_released(server)

    async def body() -> None:
        async with server.test_client() as client:
            await _release_the_blocked_call(client, holding)

    run(body)


def test_the_default_pool_overlaps_64_blocking_calls() -> None:
    """Sync tools mostly wait on I/O: by default 64 of them run at once, whatever the
    number of CPUs (each waits at a barrier the other 63 must reach)."""
    barrier = threading.Barrier(64, timeout=BARRIER_WAIT)
    server = Server("default-pool")

    @server.tool()
    def wait_for_all(i: int) -> str:
        barrier.wait()  # BrokenBarrierError (a tool error) unless all 64 are running together
        return str(i)

    async def body() -> None:
        async with server.test_client() as client:
            results = await asyncio.gather(*(client.call_tool("wait_for_all", {"i": i}) for i in range(64)))
            assert [r.text for r in results] == [str(i) for i in range(64)]
            assert not any(r.is_error for r in results)

    run(body)
    assert server.max_workers == 64


def test_a_call_cancelled_while_queued_never_runs() -> None:
    """With one worker busy, a second call waits in the queue; cancelled there, it is
    dropped: the call queued after it runs, and it never does."""
    started: List[str] = []
    busy = threading.Event()
    release = threading.Event()
    server = Server("queue", max_workers=1)

    @server.tool()
    def hold() -> str:
        started.append("hold")
        busy.set()
        release.wait(BARRIER_WAIT)
        return "held"

    @server.tool()
    def mark(name: str) -> str:
        started.append(name)
        return name

    @server.tool()
    async def ping() -> str:
        return "pong"

    async def body() -> None:
        loop = asyncio.get_running_loop()
        async with server.test_client() as client:
            first = asyncio.ensure_future(client.call_tool("hold"))
            assert await loop.run_in_executor(None, busy.wait, BARRIER_WAIT)
            queued = asyncio.ensure_future(client.call_tool("mark", {"name": "cancelled"}))
            assert (await client.call_tool("ping")).text == "pong"  # the queued call reached the engine
            queued.cancel()
            assert (await client.call_tool("ping")).text == "pong"  # and so did its cancellation
            after = asyncio.ensure_future(client.call_tool("mark", {"name": "after"}))
            assert (await client.call_tool("ping")).text == "pong"
            release.set()
            assert (await first).text == "held"
            assert (await after).text == "after"

    run(body)
    assert started == ["hold", "after"]


def test_handlers_that_outlive_their_cancelled_requests_do_not_hang_the_pool() -> None:
    """Python cannot stop a thread: a sync handler that ignores its cancellation keeps its
    worker. With both workers held that way, the pool sets them aside (counted in
    ``worker_stats``) and grows, so a new call is served; once it may grow no more, waiting
    calls are refused with a clear error instead of hanging."""
    running = threading.Semaphore(0)
    release = threading.Event()
    server = Server("stuck", max_workers=2)

    @server.tool()
    def stubborn() -> str:
        running.release()
        release.wait(BARRIER_WAIT)  # ignores the cancellation
        return "late"

    @server.tool()
    def quick() -> str:
        return "quick"

    async def stuck_calls(client: object, n: int) -> None:
        loop = asyncio.get_running_loop()
        calls = [asyncio.ensure_future(client.call_tool("stubborn")) for _ in range(n)]  # type: ignore[attr-defined]
        for _ in range(n):
            assert await loop.run_in_executor(None, running.acquire, True, BARRIER_WAIT)
        for call in calls:
            call.cancel()

    async def body() -> None:
        async with server.test_client() as client:
            await stuck_calls(client, 2)
            # Both workers are held; the watchdog sets them aside and the pool grows.
            assert (await client.call_tool("quick")).text == "quick"
            stats = server.worker_stats()
            assert stats["stuck"] == 2 and stats["stuck_total"] == 2, stats
            # Two more stuck calls fill the room the pool may grow by: calls then fail fast.
            await stuck_calls(client, 2)
            with pytest.raises(ProtocolError) as refused:
                await client.call_tool("quick")
            assert refused.value.code == -32603 and "cancelled but that never returned" in refused.value.message
            assert server.worker_stats()["refused"] >= 1
            release.set()
            deadline = asyncio.get_running_loop().time() + BARRIER_WAIT
            while server.worker_stats()["stuck"] and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.05)
            assert server.worker_stats()["stuck"] == 0
            assert (await client.call_tool("quick")).text == "quick"

    run(body)

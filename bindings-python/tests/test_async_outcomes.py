"""An async handler's outcome is reported exactly once, whatever the order of its start, its
steps and its cancellation: the engine waits for that one report, and a second one would
answer a request twice. Driven on a loop of the test's own, step by step, with no timings."""

from __future__ import annotations

import asyncio
from typing import Any, List

from mcpforge._invoke.failures import failure
from mcpforge._invoke.outcomes import RESULT
from mcpforge._invoke.wrappers import _CANCELLED, _AsyncCall


def _loop_and_reports() -> tuple[asyncio.AbstractEventLoop, List[Any]]:
    return asyncio.new_event_loop(), []


def _settle(loop: asyncio.AbstractEventLoop) -> None:
    """Runs the loop until every task on it has ended."""

    async def drain() -> None:
        for _ in range(100):
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            if not others:
                return
            await asyncio.sleep(0)
        raise AssertionError("tasks still running after 100 iterations")

    loop.run_until_complete(drain())


def _start_and_cancel_once_waiting(loop: asyncio.AbstractEventLoop, call: _AsyncCall, waiting: asyncio.Event) -> None:
    """Starts ``call``, cancels it once its handler waits (``waiting`` set), and runs the
    loop until every task has ended; closes the loop."""

    async def drive() -> None:
        call.start()
        await waiting.wait()
        call._cancel()

    loop.run_until_complete(drive())
    _settle(loop)
    loop.close()


def test_a_finished_handler_reports_its_outcome_once() -> None:
    loop, reports = _loop_and_reports()

    async def run() -> Any:
        return (RESULT, "done")

    call = _AsyncCall(loop, run, reports.append)
    loop.call_soon(call.start)
    _settle(loop)
    loop.close()
    assert reports == [(RESULT, "done")]


def test_a_call_cancelled_before_its_first_step_reports_cancelled_once() -> None:
    loop, reports = _loop_and_reports()
    ran: List[bool] = []

    async def run() -> Any:
        ran.append(True)
        return (RESULT, "done")

    call = _AsyncCall(loop, run, reports.append)

    def start_then_cancel() -> None:
        call.start()  # the task exists, its first step is one iteration away
        call._cancel()

    loop.call_soon(start_then_cancel)
    _settle(loop)
    loop.close()
    assert reports == [_CANCELLED]
    assert ran == []


def test_a_call_cancelled_while_it_waits_reports_cancelled_once() -> None:
    loop, reports = _loop_and_reports()
    waiting = asyncio.Event()

    async def run() -> Any:
        waiting.set()
        await asyncio.Event().wait()  # never set: only the cancellation ends it
        return (RESULT, "unreachable")

    _start_and_cancel_once_waiting(loop, _AsyncCall(loop, run, reports.append), waiting)
    assert reports == [_CANCELLED]


def test_a_call_cancelled_before_it_starts_reports_cancelled_once() -> None:
    loop, reports = _loop_and_reports()

    async def run() -> Any:
        raise AssertionError("a call cancelled before its start must not run")

    call = _AsyncCall(loop, run, reports.append)
    call.cancel()  # queues _cancel before start: start finds the call cancelled
    loop.call_soon(call.start)
    _settle(loop)
    loop.close()
    assert reports == [_CANCELLED]


def test_a_handler_that_swallows_its_cancellation_reports_its_own_outcome() -> None:
    loop, reports = _loop_and_reports()
    waiting = asyncio.Event()

    async def run() -> Any:
        waiting.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            return (RESULT, "kept going")
        return (RESULT, "unreachable")

    _start_and_cancel_once_waiting(loop, _AsyncCall(loop, run, reports.append), waiting)
    assert reports == [(RESULT, "kept going")]


def test_an_escaping_base_exception_is_reported_as_a_failure() -> None:
    loop, reports = _loop_and_reports()

    escaped = KeyboardInterrupt("from the handler's wrapper")

    async def run() -> Any:
        raise escaped

    call = _AsyncCall(loop, run, reports.append)
    loop.call_soon(call.start)
    _settle(loop)
    loop.close()
    assert reports == [failure(escaped)]

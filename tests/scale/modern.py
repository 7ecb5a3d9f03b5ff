"""Scenarios on the 2026-07-28 wire, driven through nginx by the official Python client
(`mcp.Client`): calls spread over every instance, progress streamed back through the
proxy, large arguments, a multi-round-trip request whose sealed state is opened by another instance than
the one that sealed it, and (with the shared store) a `subscriptions/listen` stream that
hears about changes made through any instance.
"""

from __future__ import annotations

import time
from typing import Any

import anyio
from mcp import Client, types
from mcp.shared.subscriptions import ResourceUpdated

from results import Needs, Tally
from scenario import REQUEST_TIMEOUT, STORE_NOTIFICATION_WAIT, CheckFailed, Env, Scenario, failure_kind


def text_of(result: types.CallToolResult) -> str:
    """The one text block of a result ("" when the result is not that shape)."""
    if result.is_error or len(result.content) != 1 or not isinstance(result.content[0], types.TextContent):
        return ""
    return result.content[0].text


def check_text(tally: Tally, result: types.CallToolResult, want: str) -> None:
    """Counts a call as passed when its text is `want`, else as `wrong_content`."""
    got = text_of(result)
    if got == want:
        tally.passed()
    else:
        tally.fail("wrong_content", f"expected {want!r}, got {result.content!r}")


def served_by(counts: dict[str, int]) -> str:
    """`i1=3, i2=3, i3=2`."""
    return ", ".join(f"{name}={n}" for name, n in sorted(counts.items()))


async def spread(env: Env, tally: Tally) -> None:
    """Many echo calls from several clients at once; every instance must serve some, and
    the instances' counters must add up to the calls made."""
    before = env.topo.snapshot()
    workers, each = env.size.workers, env.size.calls_per_worker

    async def worker(w: int) -> None:
        async with Client(env.topo.url, read_timeout_seconds=REQUEST_TIMEOUT) as client:
            for n in range(each):
                text = f"worker {w} call {n}"
                try:
                    result = await client.call_tool("echo", {"text": text})
                except Exception as exc:
                    tally.fail(failure_kind(exc), str(exc))
                    continue
                check_text(tally, result, text)

    async with anyio.create_task_group() as group:
        for w in range(workers):
            group.start_soon(worker, w)
    served = before.delta(env.topo.snapshot(), "tools/call")
    tally.note(f"tools/call served per instance: {served_by(served)}")
    if sum(served.values()) != workers * each:
        raise CheckFailed(f"the instances counted {sum(served.values())} calls, {workers * each} were made")
    idle = sorted(name for name, n in served.items() if n == 0)
    if idle:
        raise CheckFailed(f"no call reached {', '.join(idle)}")


async def progress(env: Env, tally: Tally) -> None:
    """`count` reports progress on its SSE answer; through nginx every notification must
    arrive, in order, before the result (one call per instance, round-robin)."""
    steps = 5
    before = env.topo.snapshot()
    async with Client(env.topo.url, read_timeout_seconds=REQUEST_TIMEOUT) as client:
        for _ in env.topo.instances:
            seen: list[tuple[float, float | None, float]] = []

            async def on_progress(value: float, total: float | None, message: str | None) -> None:
                seen.append((value, total, time.monotonic()))

            began = time.monotonic()
            result = await client.call_tool("count", {"steps": steps, "delay_ms": 40}, progress_callback=on_progress)
            answered = time.monotonic()
            check_text(tally, result, f"counted to {steps}")
            want = [(float(n), float(steps)) for n in range(1, steps + 1)]
            if [(value, total) for value, total, _ in seen] != want:
                raise CheckFailed(f"progress {[(v, t) for v, t, _ in seen]}, expected {want}")
            tally.note(
                f"progress arrived at {', '.join(f'{(at - began) * 1e3:.0f}' for _, _, at in seen)} ms, "
                f"the result at {(answered - began) * 1e3:.0f} ms"
            )
    tally.note(f"tools/call served per instance: {served_by(before.delta(env.topo.snapshot(), 'tools/call'))}")


async def large_arguments(env: Env, tally: Tally) -> None:
    """Arguments of 2 MiB pass through nginx (whose own default limit is 1 MiB; the engine
    takes 4 MiB) and come back whole."""
    text = "0123456789abcdef" * (2 * 1024 * 1024 // 16)
    async with Client(env.topo.url, read_timeout_seconds=REQUEST_TIMEOUT) as client:
        for _ in env.topo.instances:
            try:
                check_text(tally, await client.call_tool("echo", {"text": text}), text)
            except Exception as exc:
                tally.fail(failure_kind(exc), str(exc))


async def mrtr(env: Env, tally: Tally) -> None:
    """`ask_name` elicits: the first round answers `input_required` with a sealed
    requestState, the client answers and retries through nginx. Each call's two rounds are
    located by the instances' counters; the retry must succeed wherever it lands, and at
    least one must land on another instance than the one that sealed the state."""
    name = ["nobody"]

    async def elicit(_ctx: Any, _params: types.ElicitRequestParams) -> types.ElicitResult:
        return types.ElicitResult(action="accept", content={"name": name[0]})

    elsewhere = 0
    async with Client(env.topo.url, read_timeout_seconds=REQUEST_TIMEOUT, elicitation_callback=elicit) as client:
        for n in range(env.size.mrtr_calls):
            name[0] = f"user {n}"
            before = env.topo.snapshot()
            try:
                result = await client.call_tool("ask_name", {})
            except Exception as exc:
                tally.fail(failure_kind(exc), str(exc))
                continue
            rounds = {k: v for k, v in before.delta(env.topo.snapshot(), "tools/call").items() if v}
            if sum(rounds.values()) != 2:
                raise CheckFailed(f"call {n}: expected two tools/call rounds, the instances counted {rounds}")
            elsewhere += len(rounds) == 2
            check_text(tally, result, f"Hello, {name[0]}!")
    tally.note(f"{elsewhere} of {env.size.mrtr_calls} retries were opened by another instance than the one that sealed them")
    if elsewhere == 0:
        raise CheckFailed("no retry landed on another instance: the shared key was not exercised")


async def listen_fanout(env: Env, tally: Tally) -> None:
    """A `subscriptions/listen` stream (held by one instance) subscribed to a note; the note
    is written once through each instance, and each write must reach the stream. A write
    served by another instance than the stream's needs the instances to share
    notifications (the shared store)."""
    uri = "memo://notes/scale-listen"
    async with Client(env.topo.url, read_timeout_seconds=REQUEST_TIMEOUT) as client:
        async with client.listen(resource_subscriptions=[uri]) as subscription:
            events = aiter(subscription)
            for n in range(len(env.topo.instances)):
                before = env.topo.snapshot()
                result = await client.call_tool("write_note", {"name": "scale-listen", "text": f"version {n}"})
                check_text(tally, result, f"saved {uri}")
                where = ", ".join(sorted(k for k, v in before.delta(env.topo.snapshot(), "tools/call").items() if v))
                # Updates of one URI are coalesced by the client until read: wait for each.
                heard = False
                with anyio.move_on_after(STORE_NOTIFICATION_WAIT):
                    heard = await anext(events) == ResourceUpdated(uri=uri)
                if heard:
                    tally.note(f"write served by {where}: update delivered")
                else:
                    tally.fail("update_not_delivered", f"the write served by {where} never reached the listen stream")


SCENARIOS = [
    Scenario("spread", Needs.NOTHING, spread),
    Scenario("progress", Needs.NOTHING, progress),
    Scenario("large-arguments", Needs.NOTHING, large_arguments),
    Scenario("mrtr-other-instance", Needs.NOTHING, mrtr),
    Scenario("listen-fanout", Needs.SHARED_STORE, listen_fanout),
]

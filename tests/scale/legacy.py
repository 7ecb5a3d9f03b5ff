"""Scenarios on legacy sessions (2025-11-25 Streamable HTTP, and the 2024-11-05 HTTP+SSE
transport) through nginx, driven by the official Python client (`ClientSession`) and the
official TypeScript client.

Without a shared store a session lives in the memory of the instance that answered
`initialize`, and the scenarios marked AFFINITY pass because nginx routes a session's
requests to that instance; with the shared store every instance serves every session, and
the same scenarios run behind plain round-robin. The ones marked SHARED_STORE need several
instances to know a session (its subscriptions, the waiting handler of an answer), and run
only with the store.
"""

from __future__ import annotations

import json
import shutil
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from mcp import ClientSession, types
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

from modern import check_text, served_by
from results import Needs, Tally
from scenario import (
    NOTIFICATION_WAIT,
    REQUEST_TIMEOUT,
    STORE_NOTIFICATION_WAIT,
    CheckFailed,
    Env,
    Scenario,
    failure_kind,
)
from support import REPO_ROOT, target_dir

HANDSHAKE = "2025-11-25"
# Bound on the TypeScript client's whole run.
TS_BOUND = 60.0


@asynccontextmanager
async def session(env: Env, **callbacks: Any) -> AsyncIterator[tuple[ClientSession, str]]:
    """A 2025-11-25 session through nginx: the session and the instance that holds it
    (found by which instance's `initialize` counter moved)."""
    before = env.topo.snapshot()
    async with streamable_http_client(env.topo.url) as (read, write):
        async with ClientSession(read, write, read_timeout_seconds=REQUEST_TIMEOUT, **callbacks) as peer:
            if (await peer.initialize()).protocol_version != HANDSHAKE:
                raise CheckFailed(f"the session did not negotiate {HANDSHAKE}")
            holder = [k for k, v in before.delta(env.topo.snapshot(), "initialize").items() if v]
            if len(holder) != 1:
                raise CheckFailed(f"could not tell which instance holds the session: {holder}")
            yield peer, holder[0]


async def echo_calls(peer: ClientSession, tally: Tally, calls: int, label: str) -> None:
    """`calls` checked echo calls in `peer`'s session."""
    for n in range(calls):
        text = f"{label} {n}"
        try:
            check_text(tally, await peer.call_tool("echo", {"text": text}), text)
        except Exception as exc:
            tally.fail(failure_kind(exc), str(exc))


async def updates_of(uri: str, seen: list[Any], count: int, wait: float = NOTIFICATION_WAIT) -> bool:
    """Waits (at most `wait` seconds) until `seen` holds `count` updates of `uri`."""
    with anyio.move_on_after(wait):
        while sum(1 for m in seen if isinstance(m, types.ResourceUpdatedNotification) and m.params.uri == uri) < count:
            await anyio.sleep(0.02)
        return True
    return False


def subscribe(peer: ClientSession, uri: str) -> Any:
    """resources/subscribe (deprecated in the client for 2026; current on 2025-11-25)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return peer.subscribe_resource(uri)


async def legacy_session(env: Env, tally: Tally) -> None:
    """One session: echo calls and tools/list, all of them on the instance that holds it."""
    before = env.topo.snapshot()
    async with session(env) as (peer, holder):
        await echo_calls(peer, tally, 20, "session call")
        tools = [t.name for t in (await peer.list_tools()).tools]
        if "echo" not in tools:
            raise CheckFailed(f"tools/list in the session: {tools}")
    tally.note(f"session held by {holder}; tools/call served per instance: {served_by(before.delta(env.topo.snapshot(), 'tools/call'))}")


async def legacy_elicitation(env: Env, tally: Tally) -> None:
    """`ask_name` sends elicitation/create to the client on the call's SSE stream; the
    client's answer is a separate POST, which must reach the instance waiting for it."""
    names = iter(f"user {n}" for n in range(100))
    current = ["nobody"]

    async def elicit(_ctx: Any, _params: types.ElicitRequestParams) -> types.ElicitResult:
        return types.ElicitResult(action="accept", content={"name": current[0]})

    async with session(env, elicitation_callback=elicit) as (peer, holder):
        for _ in range(3):
            current[0] = next(names)
            try:
                check_text(tally, await peer.call_tool("ask_name", {}), f"Hello, {current[0]}!")
            except Exception as exc:
                tally.fail(failure_kind(exc), str(exc))
    tally.note(f"session held by {holder}")


async def legacy_subscription(env: Env, tally: Tally) -> None:
    """The session subscribes to a note and writes it: the update comes on its GET stream."""
    uri = "memo://notes/scale-legacy"
    seen: list[Any] = []

    async def on_message(message: Any) -> None:
        seen.append(message)

    async with session(env, message_handler=on_message) as (peer, holder):
        await subscribe(peer, uri)
        check_text(tally, await peer.call_tool("write_note", {"name": "scale-legacy", "text": "one"}), f"saved {uri}")
        if not await updates_of(uri, seen, 1):
            tally.fail("update_not_delivered", "the session's own write never came back as resources/updated")
    tally.note(f"session held by {holder}")


async def legacy_subscription_fanout(env: Env, tally: Tally) -> None:
    """Session A subscribes to a note; session B, held by another instance, writes it. A
    hears of it only if the instances share subscriptions (the shared store)."""
    uri = "memo://notes/scale-fanout"
    seen: list[Any] = []

    async def on_message(message: Any) -> None:
        seen.append(message)

    async with session(env, message_handler=on_message) as (a, holder_a):
        await subscribe(a, uri)
        # Round-robin places the next session on another instance; try a few to be sure.
        for _ in range(2 * len(env.topo.instances)):
            async with session(env) as (b, holder_b):
                if holder_b == holder_a:
                    continue
                result = await b.call_tool("write_note", {"name": "scale-fanout", "text": "from b"})
                check_text(tally, result, f"saved {uri}")
                break
        else:
            raise CheckFailed(f"every new session landed on {holder_a}")
        tally.note(f"subscriber held by {holder_a}, writer by {holder_b}")
        if not await updates_of(uri, seen, 1, STORE_NOTIFICATION_WAIT):
            tally.fail("update_not_delivered", f"a write through {holder_b} never reached the subscriber on {holder_a}")


async def legacy_instance_kill(env: Env, tally: Tally) -> None:
    """The instance holding a session is killed; the session must go on through another
    one: calls succeed, and the subscription's updates still arrive on the resumed GET
    stream. The instance is started again afterwards."""
    uri = "memo://notes/scale-kill"
    seen: list[Any] = []

    async def on_message(message: Any) -> None:
        seen.append(message)

    async with session(env, message_handler=on_message) as (peer, holder):
        await subscribe(peer, uri)
        check_text(tally, await peer.call_tool("write_note", {"name": "scale-kill", "text": "before"}), f"saved {uri}")
        if not await updates_of(uri, seen, 1):
            raise CheckFailed("no update arrived even before the kill")
        victim = env.topo.instance(holder)
        victim.kill()
        tally.note(f"session held by {holder}, which was killed (SIGKILL)")
        try:
            await echo_calls(peer, tally, 3, "after the kill")
            try:
                result = await peer.call_tool("write_note", {"name": "scale-kill", "text": "after"})
                check_text(tally, result, f"saved {uri}")
                if not await updates_of(uri, seen, 2, STORE_NOTIFICATION_WAIT):
                    tally.fail("update_not_delivered", "the update after the kill never arrived")
            except Exception as exc:
                tally.fail(failure_kind(exc), str(exc))
        finally:
            victim.start()


async def legacy_http_sse(env: Env, tally: Tally) -> None:
    """The 2024-11-05 HTTP+SSE transport: GET /sse opens the session on one instance, and
    every POST /messages?sessionId=... must reach it."""
    base = env.topo.url.removesuffix("/mcp")
    async with sse_client(f"{base}/sse", timeout=REQUEST_TIMEOUT) as (read, write):
        async with ClientSession(read, write, read_timeout_seconds=REQUEST_TIMEOUT) as peer:
            await peer.initialize()
            await echo_calls(peer, tally, 10, "sse call")


async def legacy_session_typescript(env: Env, tally: Tally) -> None:
    """One session driven by the official TypeScript client (tests/scale/legacy_session.mjs,
    run from the scratch project where the SDK is installed)."""
    project = target_dir() / "node" / "e2e"
    if not (project / "node_modules" / "@modelcontextprotocol" / "sdk").is_dir():
        raise CheckFailed(f"the TypeScript SDK is not installed in {project}: run scripts/setup-scale.sh")
    script = project / "scale-legacy-session.mjs"
    shutil.copyfile(REPO_ROOT / "tests" / "scale" / "legacy_session.mjs", script)
    done = await anyio.run_process(["node", str(script), env.topo.url, "20"], check=False)
    if done.returncode != 0:
        raise CheckFailed(f"node exited with {done.returncode}: {done.stderr.decode()[-1000:]}")
    outcome = json.loads(done.stdout.decode().strip().splitlines()[-1])
    tally.passed(outcome["ok"])
    for kind, count in outcome["failed"].items():
        for _ in range(count):
            tally.fail(kind, outcome["examples"].get(kind, ""))


SCENARIOS = [
    Scenario("legacy-session", Needs.AFFINITY, legacy_session),
    Scenario("legacy-session-typescript", Needs.AFFINITY, legacy_session_typescript, bound=TS_BOUND + 10),
    Scenario("legacy-elicitation", Needs.AFFINITY, legacy_elicitation),
    Scenario("legacy-subscription", Needs.AFFINITY, legacy_subscription),
    Scenario("legacy-http-sse", Needs.AFFINITY, legacy_http_sse),
    Scenario("legacy-subscription-fanout", Needs.SHARED_STORE, legacy_subscription_fanout),
]

# Kills an instance: run after everything that needs all of them.
KILL_SCENARIOS = [
    Scenario("legacy-instance-kill", Needs.SHARED_STORE, legacy_instance_kill),
]

"""The gateway's scale-out: `mcpforge gateway` instances, each running the `everything`
example server as its one shared stdio child, behind the same nginx and Redis as the
engine's own instances. The gateway's HTTP side is the engine's, so its sessions and the
answers it waits for live in the shared store and survive the loss of an instance; its
child is shared, so any instance can serve any session's call.

What does not carry over is the upstream's own state: each instance runs a child of its
own, so a note written through one instance is in that child's memory only, and a
subscription taken through one instance is that child's. The scenarios whose premise is
one server state across instances (the subscription and listen fan-outs, and the
TypeScript session that subscribes) are therefore not run here; a stateful upstream behind
several gateways needs session affinity, or an upstream of its own that keeps its state in
one place (a URL upstream). docs/gateway.md says so.
"""

from __future__ import annotations

import json
from pathlib import Path

import legacy
import modern
import retries
import tasks
from legacy import echo_calls, session
from results import Needs, Tally
from scenario import Env, Scenario


def gateway_config(scratch: Path, upstream: Path) -> Path:
    """Writes the gateway's configuration into `scratch`: `upstream` as one shared stdio
    server, unprefixed (its tools keep their names), and the request counters on `/metrics`
    that the scenarios read to see which instance served what. The shared store comes from
    the environment (`MCPFORGE_SHARED_STORE`), as for the engine's own instances."""
    config = scratch / "gateway.json"
    config.write_text(
        json.dumps(
            {
                "mcpServers": {"everything": {"command": str(upstream), "mode": "shared"}},
                "server": {"metrics": True},
                "http": {"metrics": True},
            }
        )
    )
    return config


async def session_kill(env: Env, tally: Tally) -> None:
    """The gateway instance holding an official client's session is killed (SIGKILL); the
    session goes on through another one: every call after the kill is answered. The instance
    is started again afterwards."""
    async with session(env) as (peer, holder):
        await echo_calls(peer, tally, 5, "before the kill")
        victim = env.topo.instance(holder)
        victim.kill()
        tally.note(f"session held by {holder}, which was killed (SIGKILL)")
        try:
            await echo_calls(peer, tally, 10, "after the kill")
        finally:
            victim.start()


KILL_SCENARIOS = [Scenario("gateway-session-kill", Needs.SHARED_STORE, session_kill)]

# The engine's scenarios that hold for a gateway whose upstream keeps state per process:
# every one but those whose premise is one upstream state across instances (above).
_ONE_STATE = {"listen-fanout", "legacy-subscription", "legacy-subscription-fanout", "legacy-session-typescript"}
SCENARIOS = [
    s
    for s in [*modern.SCENARIOS, *retries.SCENARIOS, *legacy.SCENARIOS, *tasks.SCENARIOS]
    if s.name not in _ONE_STATE
]

"""Published Python servers behind `mcpforge gateway`, driven by the official client: the
transcript through the gateway must be the same by meaning as the server's own, driven
directly.

Each server (`mcp-server-time`, `mcp-server-git`, `mcp-server-fetch`, as installed by
scripts/setup-real-servers.sh) runs twice, with the script of test_python_servers.py: as
installed, over stdio, and as the stdio upstream of the gateway
(`mcpforge gateway --http 127.0.0.1:PORT --mode MODE -- mcp-server-time ...`), the client
speaking Streamable HTTP to the gateway; on the 2025-11-25 handshake wire through the
gateway's default mode (a child per session) and on the stateless 2026-07-28 wire through a
shared child (a request without a session has no child of its own). Both transcripts pass
through the same normalisation as in test_python_servers.py; what only a gateway changes is
listed in GATEWAY_DIFFERENCES with its reason (docs/gateway.md repeats them).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from support import HANDSHAKE, free_port, run, target_dir
from test_python_servers import OFFICIAL, SERVERS, Driver, Server, apart, meaning, runs, served, transcript, without_differences

GATEWAY = target_dir() / "debug" / "mcpforge"

# The published servers compared (the brief of issue 62: time, git, fetch; everything,
# filesystem and memory are the Node side's, scripts/real-servers-gateway.mjs).
NAMES = ("time", "git", "fetch")

# What a gateway changes by being a server of its own, each with its reason: a rule takes it
# out of both transcripts before they are compared.
GATEWAY_DIFFERENCES = {
    "server identity": "the client talks to the gateway, which introduces itself (`mcpforge-gateway`, its "
    "version; on 2026-07-28 in every result's `_meta` too) and declares its own capabilities (tools, "
    "resources, prompts, completions, logging: what it serves for any upstream), not the upstream's",
    "list caching hints": "on 2026-07-28 the lists' `cacheScope` is the engine's, `public` (the gateway lists "
    "the same catalogue to every client), where the server says `private`",
    "instructions": "the gateway serves several upstreams behind one endpoint and gives no upstream's "
    "instructions as its own",
    "unknown tool wording": "a tool no upstream serves is refused by the gateway's engine, -32602 on both, "
    "worded `Invalid params: Unknown tool: NAME` where the server says `Unknown tool: NAME`",
}


SERVER_INFO = "io.modelcontextprotocol/serverInfo"


def without_identity(value: Any) -> Any:
    """`value` without the server's identity in any `_meta` ("server identity")."""
    if isinstance(value, dict):
        meta = value.get("_meta")
        if isinstance(meta, dict) and SERVER_INFO in meta:
            meta[SERVER_INFO] = "<server>"
        return {k: without_identity(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_identity(v) for v in value]
    return value


def without_gateway_differences(event: Any) -> Any:
    """An event with the GATEWAY_DIFFERENCES taken out."""
    event = without_identity(event)
    for kind in ("tools", "prompts", "resources", "resource_templates"):  # "list caching hints"
        if isinstance(event.get(kind), dict) and "cacheScope" in event[kind]:
            event[kind]["cacheScope"] = "<scope>"
    for key in ("server", "capabilities"):  # "server identity"
        if key in event:
            event[key] = f"<{key}>"
    if "instructions" in event:  # "instructions"
        event["instructions"] = "<instructions>"
    error = event.get("error")
    if "call" in event and isinstance(error, dict) and error.get("code") == -32602 and "Unknown tool" in str(error.get("message")):
        error["message"] = "<unknown tool>"  # "unknown tool wording"
    return event


@asynccontextmanager
async def through_gateway(
    server: Server, command: list[str], wire: str, errlog: Any, env: dict[str, str], callbacks: dict[str, Any], driver: Driver = OFFICIAL
) -> AsyncIterator[Any]:
    """The client of `driver` (the official one) connected over Streamable HTTP to a gateway on a free port of
    127.0.0.1 whose one upstream is `command` (a stdio server): a child per session on the
    handshake wire, one shared child on the stateless wire."""
    port = free_port()
    mode = "per-session" if wire == HANDSHAKE else "shared"
    gateway = [str(GATEWAY), "gateway", "--http", f"127.0.0.1:{port}", "--mode", mode, "--", *command]
    async with served(gateway, port, errlog, env):
        async with driver.http(f"http://127.0.0.1:{port}/mcp", wire, callbacks) as peer:
            yield peer


def comparable(events: list[Any]) -> list[Any]:
    return [without_gateway_differences(without_differences(meaning(e))) for e in events]


# Each on both wires but fetch, the slowest to start (three processes a run through a
# gateway of per-session children), on the gateway's default mode's wire only: the suite's
# time stays within its budget.
WIRES = {"time": SERVERS["time"].wires, "git": SERVERS["git"].wires, "fetch": (HANDSHAKE,)}


@pytest.mark.parametrize(("name", "wire"), [(name, wire) for name in NAMES for wire in WIRES[name]])
def test_the_same_through_the_gateway(name: str, wire: str, tmp_path: Path, errlog: Any) -> None:
    assert GATEWAY.is_file(), f"{GATEWAY} is missing: cargo build -p mcpforge-cli --bin mcpforge"
    server = SERVERS[name]
    seen: dict[str, list[Any]] = {}

    async def body() -> None:
        with runs(tmp_path) as (direct_run, gateway_run):
            seen["direct"] = await transcript(server, direct_run, wire, False, errlog)
            seen["gateway"] = await transcript(server, gateway_run, wire, False, errlog, connect=through_gateway)

    run(body, deadline=120)
    direct, gateway = comparable(seen["direct"]), comparable(seen["gateway"])
    differences = [f"event {i}: {where}" for i, (a, b) in enumerate(zip(direct, gateway)) for where in apart(a, b)]
    assert not differences, f"{name} on {wire} (official: direct, mcpforge: through the gateway):\n" + "\n".join(differences)
    assert len(direct) == len(gateway), f"{name} on {wire}: {len(direct)} events direct, {len(gateway)} through the gateway"

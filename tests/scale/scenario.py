"""A scale-out scenario and how one is run: an async function that drives the topology with
the official clients and counts its calls in a Tally, run under a time bound, its
exception (if any) turned into the Result's reason instead of ending the run.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import anyio
import httpx2
from mcp.shared.exceptions import MCPError

from results import Needs, Result, Tally
from topology import Topology

# One request's bound (a healthy call takes milliseconds; a debug build under load, more).
REQUEST_TIMEOUT = 10.0
# How long a scenario waits for a notification that should come: long in the scenarios that
# must pass (the wait ends as soon as it comes), short in those that need the shared store
# (until it exists the notification never comes, and every run pays the wait).
NOTIFICATION_WAIT = 20.0
STORE_NOTIFICATION_WAIT = 5.0


class CheckFailed(Exception):
    """A scenario's check did not hold."""


@dataclass(frozen=True)
class Size:
    """How much each scenario does: the short form (in `make test`) or the full one."""

    workers: int
    """Clients calling at once in the spread scenario."""
    calls_per_worker: int
    mrtr_calls: int
    """Multi-round-trip calls, each one checked for where its two rounds ran."""


SHORT = Size(workers=8, calls_per_worker=40, mrtr_calls=6)
FULL = Size(workers=16, calls_per_worker=200, mrtr_calls=30)


@dataclass
class Env:
    """What a scenario drives."""

    topo: Topology
    size: Size


Body = Callable[[Env, Tally], Awaitable[None]]


@dataclass(frozen=True)
class Scenario:
    """A named scenario, what it needs to pass, and the bound on its run time."""

    name: str
    needs: Needs
    body: Body
    bound: float = 60.0


def failure_kind(error: BaseException) -> str:
    """The kind a failed call is counted under: the JSON-RPC code, or the exception type."""
    if isinstance(error, MCPError):
        return f"jsonrpc_error({error.error.code})"
    if isinstance(error, httpx2.HTTPStatusError):
        return f"http_{error.response.status_code}"
    return type(error).__name__


async def run_scenario(scenario: Scenario, env: Env) -> Result:
    """Runs one scenario under its bound; never raises (the Result says what happened)."""
    tally = Tally()
    began = time.monotonic()
    error = None
    try:
        with anyio.fail_after(scenario.bound):
            await scenario.body(env, tally)
    except TimeoutError:
        error = f"did not finish within {scenario.bound:.0f} s"
    except CheckFailed as failed:
        error = str(failed)
    except Exception as exc:  # the scenario's own failure, reported, not raised
        error = f"{failure_kind(exc)}: {exc}"
    return Result(scenario.name, scenario.needs, tally, error, time.monotonic() - began)

#!/usr/bin/env python3
"""One Python client against one server over stdio, for ``make bench-clients``
(bench/clients.py): ``mcpforge.client.Client`` (``--client mcpforge``, the release wheel) or
the official ``mcp`` package's ``Client`` (``--client official``), calling
``echo {"text": "hello"}`` one call at a time and then with ``--in-flight`` calls in flight
(that many tasks in ``asyncio.gather``), every answer checked, both on the handshake wire
(``mode="legacy"``). Runs in the peers' virtualenv (target/peers/venv), where both packages
are installed, and prints one JSON line::

    python python_client.py --client mcpforge [--calls N] [--sequential N] -- SERVER ARGS...
    {"client": "mcpforge-python", "sequential": {...}, "in_flight": {...}}

Each workload's object has ``calls``, ``in_flight``, ``calls_per_s``, ``p50_us``, ``p99_us``
(each call's latency, from the call to its checked result) and ``cpu_us_per_call`` (this
process's user + system time, every thread, the engine's too, over the calls). The whole run
is bounded by ``--deadline`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any, Callable, Dict, List

IN_FLIGHT = 64


def mcpforge_client(command: List[str]) -> Any:
    from mcpforge.client import Client

    return Client.stdio(command[0], command[1:], mode="legacy")


def official_client(command: List[str]) -> Any:
    from mcp import Client, StdioServerParameters

    return Client(StdioServerParameters(command=command[0], args=command[1:]), mode="legacy")


SUBJECTS: Dict[str, Callable[[List[str]], Any]] = {"mcpforge": mcpforge_client, "official": official_client}
NAMES = {"mcpforge": "mcpforge-python", "official": "mcp-python (official)"}


async def measure(client: Any, calls: int, in_flight: int) -> Dict[str, float]:
    """``calls`` checked echo calls with ``in_flight`` at a time."""
    latencies: List[float] = []

    async def worker(count: int) -> None:
        for _ in range(count):
            sent = time.perf_counter()
            result = await client.call_tool("echo", {"text": "hello"})
            if result.content[0].text != "hello":
                raise SystemExit(f"wrong answer: {result!r}")
            latencies.append(time.perf_counter() - sent)

    share, extra = divmod(calls, in_flight)
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(share + (1 if i < extra else 0)) for i in range(in_flight)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    latencies.sort()

    def quantile(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e6 if latencies else 0.0

    return {
        "calls": calls,
        "in_flight": in_flight,
        "calls_per_s": calls / wall,
        "p50_us": quantile(0.5),
        "p99_us": quantile(0.99),
        "cpu_us_per_call": cpu / max(calls, 1) * 1e6,
    }


async def run(args: argparse.Namespace) -> Dict[str, Any]:
    async with SUBJECTS[args.client](args.command) as client:
        await measure(client, args.warm_up, args.in_flight)
        sequential = await measure(client, args.sequential, 1)
        in_flight = await measure(client, args.calls, args.in_flight)
    return {"client": NAMES[args.client], "sequential": sequential, "in_flight": in_flight}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--client", choices=sorted(SUBJECTS), required=True)
    parser.add_argument("--calls", type=int, default=20000, help="calls with --in-flight in flight")
    parser.add_argument("--sequential", type=int, default=5000, help="calls one at a time")
    parser.add_argument("--in-flight", type=int, default=IN_FLIGHT)
    parser.add_argument("--warm-up", type=int, default=1000)
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds the whole run may take")
    parser.add_argument("command", nargs="+", help="the server command (after --)")
    args = parser.parse_args()
    line = asyncio.run(asyncio.wait_for(run(args), args.deadline))
    print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

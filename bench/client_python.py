#!/usr/bin/env python3
"""The Python clients against one server: ``mcpforge.client.Client`` (the release wheel)
and the official ``mcp`` package's ``Client``, each calling ``echo {"text": "hello"}`` on
the same release server over stdio, one call at a time and with 64 calls in flight, in one
run. Run by ``make bench-client-python`` in the peers' virtualenv (target/peers/venv, where
both packages are installed); the figures go to docs/BENCHMARKS.md ("The Python client").

Each of ``--rounds`` rounds starts a fresh client (and so a fresh server) per subject and
workload, in the opposite subject order from the round before; a figure is the median over
the rounds, and a ratio the median of the ratios within a round. Client CPU is this
process's user + system time during the measured calls (every thread: the engine's too),
divided by the calls.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "BENCHMARKS.md"
BEGIN, END = "<!-- bench-client-python:begin -->", "<!-- bench-client-python:end -->"
IN_FLIGHT = 64
WARM_UP = 200


def server_command() -> List[str]:
    """The release Rust quickstart, else the Python one on the installed wheel."""
    rust = ROOT / "target" / "release" / "quickstart"
    if rust.exists():
        return [str(rust)]
    return [sys.executable, str(ROOT / "examples" / "python" / "quickstart.py")]


def mcpforge_client(command: List[str]) -> Any:
    from mcpforge.client import Client

    return Client.stdio(command[0], command[1:], mode="legacy")


def official_client(command: List[str]) -> Any:
    from mcp import Client, StdioServerParameters

    return Client(StdioServerParameters(command=command[0], args=command[1:]), mode="legacy")


SUBJECTS: Dict[str, Callable[[List[str]], Any]] = {"mcpforge": mcpforge_client, "mcp (official)": official_client}


async def measure(client: Any, calls: int, in_flight: int) -> Tuple[float, float]:
    """``calls`` echo calls with ``in_flight`` at a time: (calls/s, client CPU µs per call)."""

    async def worker(count: int) -> None:
        for _ in range(count):
            result = await client.call_tool("echo", {"text": "hello"})
            if result.content[0].text != "hello":
                raise SystemExit(f"wrong answer: {result!r}")

    await asyncio.gather(*(worker(WARM_UP // in_flight + 1) for _ in range(in_flight)))
    share, extra = divmod(calls, in_flight)
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(share + (1 if i < extra else 0)) for i in range(in_flight)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return calls / wall, cpu / calls * 1e6


async def one(subject: str, command: List[str], calls: int, in_flight: int) -> Tuple[float, float]:
    async with SUBJECTS[subject](command) as client:
        return await measure(client, calls, in_flight)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "3")))
    parser.add_argument("--calls", type=int, default=int(os.environ.get("BENCH_CLIENT_CALLS", "10000")))
    parser.add_argument("--write", action="store_true", help="write the table into docs/BENCHMARKS.md")
    args = parser.parse_args()
    command = server_command()
    workloads = {"sequential": 1, f"{IN_FLIGHT} in flight": IN_FLIGHT}
    runs: Dict[Tuple[str, str], List[Tuple[float, float]]] = {}
    order = list(SUBJECTS)
    for round_no in range(args.rounds):
        for workload, in_flight in workloads.items():
            for subject in order:
                figures = asyncio.run(one(subject, command, args.calls, in_flight))
                runs.setdefault((subject, workload), []).append(figures)
                print(f"round {round_no + 1} {subject:15} {workload:13} {figures[0]:>10,.0f} calls/s {figures[1]:>8.1f} µs CPU/call", flush=True)
        order.reverse()
    table = report(runs, workloads, command, args)
    print(table)
    if args.write:
        text = DOCS.read_text()
        pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
        DOCS.write_text(pattern.sub(lambda _: f"{BEGIN}\n\n{table}\n{END}", text))
    return 0


def report(runs: Dict[Tuple[str, str], List[Tuple[float, float]]], workloads: Dict[str, int], command: List[str], args: Any) -> str:
    server = "the release Rust quickstart" if command[0].endswith("quickstart") else "the Python quickstart"
    lines = [
        f"Measured by `make bench-client-python` on {time.strftime('%Y-%m-%d')}: {args.calls:,} `echo` calls per run against "
        f"{server} over stdio, median of {args.rounds} rounds. Client CPU is the client process's (every thread).",
        "",
        "| client | workload | calls/s | client CPU per call | mcpforge / official |",
        "|---|---|---:|---:|---:|",
    ]
    for workload in workloads:
        ours, theirs = runs[("mcpforge", workload)], runs[("mcp (official)", workload)]
        ratio = statistics.median(a[0] / b[0] for a, b in zip(ours, theirs))
        for subject, figures in (("mcpforge", ours), ("mcp (official)", theirs)):
            rate = statistics.median(f[0] for f in figures)
            cpu = statistics.median(f[1] for f in figures)
            shown = f"{ratio:.1f}×" if subject == "mcpforge" else ""
            lines.append(f"| {subject} | {workload} | {rate:,.0f} | {cpu:.1f} µs | {shown} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())

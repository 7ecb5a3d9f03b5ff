"""``make bench-clients`` (and the client part of ``make bench-peers``): every MCP client
against the same release server over stdio (the Rust quickstart), in one run.

    python3 bench/clients.py            # print the table (target/bench-clients/)
    python3 bench/clients.py --write    # and write it into docs/BENCHMARKS.md
    BENCH_ROUNDS=1 BENCH_CLIENT_CALLS=5000 python3 bench/clients.py   # a quick run
    BENCH_CLIENTS=floor,mcpforge-rust python3 bench/clients.py        # some clients only

The clients: the bare load generator (``mcpforge-load`` on stdio, the floor for a client),
mcpforge's Rust client (``client_bench``), its Python client and the official ``mcp``
package's (bench/clients/python_client.py, in the peers' virtualenv), its Node client and
the official TypeScript SDK 1.x's (bench/clients/node_client.mjs). Each program starts its own
server, calls ``echo {"text": "hello"}`` one call at a time and then with 64 in flight, checks
every answer, and prints one JSON line (calls/s, p50, p99 and its own CPU per call for each
workload). Every round runs every client once, in the opposite order from the round before;
a figure is the median over the rounds, a ratio the median of the ratios within a round.
Each program run is bounded in calls and in time (``RUN_LIMIT_S``, then it is killed with the
server it started). The medians go to target/bench-clients/summary.json, in the shape of
bench/report.py's summary, so that ``make bench-peers`` checks the client targets
(bench/targets.py) in its targets list.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report  # noqa: E402
from bounded import run_bounded  # noqa: E402
from targets import CLIENT_TARGETS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "target" / "bench-clients"
DOCS = ROOT / "docs" / "BENCHMARKS.md"
BEGIN, END = "<!-- bench-clients:begin -->", "<!-- bench-clients:end -->"
SERVER = ROOT / "target" / "release" / "quickstart"
LOAD = ROOT / "target" / "release" / "mcpforge-load"
RUST_CLIENT = ROOT / "target" / "release" / "client_bench"
PEERS_PYTHON = ROOT / "target" / "peers" / "venv" / "bin" / "python"
IN_FLIGHT = 64
# The two workloads: their keys in the summary (and in bench/targets.py) and their titles.
WORKLOADS = {"client-seq": "sequential", "client-64": f"{IN_FLIGHT} in flight"}
RUN_LIMIT_S = 600


@dataclass(frozen=True)
class Sizes:
    """Calls per workload and run."""

    sequential: int
    calls: int
    warm_up: int


@dataclass(frozen=True)
class Client:
    """One client: how to run it against ``SERVER``, and what it needs to be there."""

    key: str
    what: str
    needs: tuple[Path, ...]
    run: Callable[[Sizes], dict]

    def missing(self) -> str | None:
        """Why it cannot run, or None."""
        absent = [str(p.relative_to(ROOT)) for p in self.needs if not p.exists()]
        return f"missing {', '.join(absent)}" if absent else None


def _program(command: list[str], sizes: Sizes) -> dict:
    """A client program of the common shape: its JSON line, keyed by workload."""
    status, stdout, stderr = run_bounded(
        [*command, "--calls", str(sizes.calls), "--sequential", str(sizes.sequential), "--warm-up",
         str(sizes.warm_up), "--", str(SERVER)], RUN_LIMIT_S)
    lines = stdout.decode(errors="replace").strip().splitlines()
    if status != 0 or not lines:
        why = f"killed after {RUN_LIMIT_S} s" if status is None else f"exit status {status}"
        raise RuntimeError(f"{' '.join(Path(c).name for c in command[-3:])}: {why}: {stderr.decode(errors='replace').strip()[-400:]}")
    line = json.loads(lines[-1])
    return {"client-seq": line["sequential"], "client-64": line["in_flight"]}


def _floor(sizes: Sizes) -> dict:
    """mcpforge-load's stdio mode, once per workload (it warms up on its own)."""
    figures = {}
    for key, width, calls in (("client-seq", 1, sizes.sequential), ("client-64", IN_FLIGHT, sizes.calls)):
        status, stdout, stderr = run_bounded(
            [str(LOAD), "--json", "--no-progress", "--wire", "legacy", "--expect-echo", "--warmup",
             str(sizes.warm_up), "-c", str(width), "-n", str(calls), "--", str(SERVER)], RUN_LIMIT_S)
        if status != 0:
            raise RuntimeError(f"mcpforge-load: exit status {status}: {stderr.decode(errors='replace').strip()[-400:]}")
        result = json.loads(stdout)
        measured, latency = result["measured"], result["measured"]["latency"]
        figures[key] = {"calls": calls, "in_flight": width, "calls_per_s": measured["calls_per_s"],
                        "p50_us": latency["p50_us"], "p99_us": latency["p99_us"],
                        "cpu_us_per_call": result["client_cpu"]["cpu_us_per_call"]}
    return figures


PYTHON_CLIENT = [str(PEERS_PYTHON), str(ROOT / "bench" / "clients" / "python_client.py")]
NODE_CLIENT = ["node", str(ROOT / "bench" / "clients" / "node_client.mjs")]
CLIENTS = [
    Client("floor", "mcpforge-load on stdio: a writer and a reader thread on the raw pipes, no client engine",
           (LOAD,), _floor),
    Client("mcpforge-rust", "`mcpforge::client::Client` (bench/servers/rust/src/client_bench.rs, current-thread tokio)",
           (RUST_CLIENT,), lambda sizes: _program([str(RUST_CLIENT)], sizes)),
    Client("mcpforge-python", "`mcpforge.client.Client`, the release wheel (asyncio)",
           (PEERS_PYTHON,), lambda sizes: _program([*PYTHON_CLIENT, "--client", "mcpforge"], sizes)),
    Client("mcp-python", "the official `mcp` package's `Client` (2.3.0)",
           (PEERS_PYTHON,), lambda sizes: _program([*PYTHON_CLIENT, "--client", "official"], sizes)),
    Client("mcpforge-node", "mcpforge's Node `Client`, the release addon",
           (ROOT / "bindings-node" / "lib" / "index.mjs",), lambda sizes: _program([*NODE_CLIENT, "--client", "mcpforge"], sizes)),
    Client("ts-sdk1", "the official TypeScript SDK's `Client` (1.x)",
           (ROOT / "target" / "peers" / "npm" / "node_modules" / "@modelcontextprotocol" / "sdk",),
           lambda sizes: _program([*NODE_CLIENT, "--client", "ts-sdk1"], sizes)),
]
METRICS = ("calls_per_s", "p50_us", "p99_us", "cpu_us_per_call")


def summarize(rounds: list[dict]) -> dict:
    """``{workload: {client: {metric: median, "by_round": {round: figures}, ...}}}``, the shape
    of bench/report.py's summary."""
    summary: dict = {}
    for workload in WORKLOADS:
        row = {}
        for client in CLIENTS:
            by_round = {n: r[client.key][workload] for n, r in enumerate(rounds, 1) if client.key in r}
            if not by_round:
                continue
            entry: dict = {"rounds": len(by_round), "failures": [], "by_round": by_round}
            for metric in METRICS:
                entry[metric] = statistics.median(f[metric] for f in by_round.values())
            row[client.key] = entry
        summary[workload] = row
    return summary


def render(summary: dict, data: dict) -> str:
    """The Markdown section, markers included."""
    m = data["machine"]
    lines = [
        BEGIN, "",
        f"Measured by `make bench-clients` on {m['date']} at {data['revision']}: {data['sizes']['sequential']:,} calls one at "
        f"a time and {data['sizes']['calls']:,} with {IN_FLIGHT} in flight per client and round (after "
        f"{data['sizes']['warm_up']:,} to warm up), against the release Rust quickstart over stdio, median of "
        f"{data['rounds']} rounds. Machine: {m['cpu']}, {m['cores']} cores; load average {data['load'][0]:.1f} "
        f"before the run and {data['load'][1]:.1f} after it (other builds ran): only the ratios within the run carry "
        "over. Client CPU is the client process's own (every thread), over the calls.", "",
        f"| client | sequential calls/s | p50 µs | p99 µs | client CPU µs/call | {IN_FLIGHT} in flight calls/s | p50 µs | "
        "p99 µs | client CPU µs/call |",
        "|---|" + "---:|" * 8,
    ]
    for client in CLIENTS:
        cells = []
        for workload in WORKLOADS:
            entry = summary[workload].get(client.key)
            if entry is None:
                cells += ["–"] * 4
                continue
            cells += [f"{entry['calls_per_s']:,.0f}", f"{entry['p50_us']:,.0f}", f"{entry['p99_us']:,.0f}",
                      f"{entry['cpu_us_per_call']:.1f}"]
        lines.append(f"| {client.key} | " + " | ".join(cells) + " |")
    lines += ["", "| client | bar | measured | met |", "|---|---|---:|---|"]
    for t in CLIENT_TARGETS:
        value = report.paired_ratio(summary[t.workload], t.subject, t.vs, t.metric)
        shown, met = ("not measured", "–") if value is None else (f"{value:.2f}×", "yes" if t.check(value) else "**no**")
        lines.append(f"| {t.subject} | {t.text} | {shown} | {met} |")
    if data["skipped"]:
        lines += ["", "Skipped: " + "; ".join(f"{k} ({why})" for k, why in data["skipped"].items()) + "."]
    lines += ["", END]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "5")))
    parser.add_argument("--calls", type=int, default=int(os.environ.get("BENCH_CLIENT_CALLS", "20000")))
    parser.add_argument("--sequential", type=int, default=int(os.environ.get("BENCH_CLIENT_SEQ_CALLS", "5000")))
    parser.add_argument("--write", action="store_true", help="write the table into docs/BENCHMARKS.md")
    args = parser.parse_args()
    if not SERVER.exists():
        sys.exit(f"bench-clients: {SERVER.relative_to(ROOT)} is missing: make bench-servers")
    sizes = Sizes(sequential=args.sequential, calls=args.calls, warm_up=1000)
    wanted = [c for c in CLIENTS if not os.environ.get("BENCH_CLIENTS") or c.key in os.environ["BENCH_CLIENTS"].split(",")]
    clients = [c for c in wanted if c.missing() is None]
    skipped = {c.key: c.missing() or "" for c in wanted if c.missing() is not None}
    skipped.update({c.key: "not selected (BENCH_CLIENTS)" for c in CLIENTS if c not in wanted})
    for key, why in skipped.items():
        print(f"bench-clients: skipping {key}: {why}", file=sys.stderr)
    load_before = os.getloadavg()[0]
    rounds: list[dict] = []
    for round_no in range(1, args.rounds + 1):
        order = clients if round_no % 2 else list(reversed(clients))
        figures = {}
        for client in order:
            try:
                figures[client.key] = client.run(sizes)
            except (RuntimeError, json.JSONDecodeError, KeyError) as e:
                print(f"bench-clients: round {round_no} {client.key} FAILED: {e}", file=sys.stderr)
                continue
            seq, pipe = figures[client.key]["client-seq"], figures[client.key]["client-64"]
            print(f"bench-clients: round {round_no}/{args.rounds} {client.key:<16} {seq['calls_per_s']:>9,.0f} calls/s "
                  f"sequential, {pipe['calls_per_s']:>9,.0f} with {IN_FLIGHT} in flight", file=sys.stderr, flush=True)
        rounds.append(figures)
    summary = summarize(rounds)
    data = {"machine": report.machine(), "revision": report._run(["git", "rev-parse", "--short", "HEAD"]),
            "date": datetime.date.today().isoformat(), "load": (load_before, os.getloadavg()[0]),
            "rounds": args.rounds, "sizes": sizes.__dict__, "skipped": skipped, "raw": rounds}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    (OUT / "results.json").write_text(json.dumps(data, indent=1) + "\n")
    section = render(summary, data)
    print(section)
    if args.write:
        report.write_section(DOCS, section, BEGIN, END)
        print(f"bench-clients: wrote {DOCS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

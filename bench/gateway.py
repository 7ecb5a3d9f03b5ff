"""``make bench-gateway``: the gateway against the engine's own HTTP serving, side by side
in one run. Both serve the release Rust quickstart's ``echo`` over Streamable HTTP on
127.0.0.1: the quickstart itself (``quickstart --http``), and ``mcpforge gateway`` in front
of the quickstart run as one shared stdio child. Each is driven by mcpforge-load (legacy
wire, one session per connection) at 1 and 16 concurrent sessions, in alternating rounds
(the order flips each round); the figures printed are the medians over the rounds of
calls/s, p50 and p99 latency, and the serving process's peak RSS (the gateway's own, its
child not counted).

    make bench-gateway                     # builds what it needs, then runs this
    BENCH_GATEWAY_ROUNDS=5 BENCH_GATEWAY_SECONDS=10 python3 bench/gateway.py

The peer gateways are measured the same way, in front of the same stdio child, when
``scripts/setup-peers.sh gateway_peers`` installed them (pinned; a missing one is skipped
and the table says so): supergateway (its default, a child per request, and ``--stateful``,
a child per session), the npm mcp-proxy, the PyPI mcp-proxy and FastMCP's proxy. The last
lines give the ratios the gateway is held to: against the fastest peer at 16 sessions, and
against the engine serving the tool itself; the one-session p50 against the engine's own
HTTP p50 plus the direct stdio round trip (mcpforge-load talking to the same quickstart over
its pipes, one call at a time) plus 20 µs; and the gateway's peak RSS with one and with ten
shared upstreams (ten quickstarts from a configuration file, one session calling through it).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import LOAD, ROOT, one_line, run_load  # noqa: E402

QUICKSTART = "target/release/quickstart"
GATEWAY = "target/release/mcpforge"
SESSIONS = (1, 16)
ROUNDS = int(os.environ.get("BENCH_GATEWAY_ROUNDS", "3"))
SECONDS = float(os.environ.get("BENCH_GATEWAY_SECONDS", "5"))

PEERS = "target/peers"
NPM_BIN = f"{PEERS}/npm-gateways/node_modules/.bin"

SUBJECTS = {
    "engine HTTP": (QUICKSTART, "--http", "127.0.0.1:{port}"),
    "gateway -> stdio": (GATEWAY, "gateway", "--http", "127.0.0.1:{port}", "--mode", "shared", "--", QUICKSTART),
    "supergateway 4.0.0": (f"{NPM_BIN}/supergateway", "--stdio", QUICKSTART, "--outputTransport", "streamableHttp",
                           "--port", "{port}", "--logLevel", "none"),
    "supergateway 4.0.0 --stateful": (f"{NPM_BIN}/supergateway", "--stdio", QUICKSTART, "--outputTransport",
                                      "streamableHttp", "--port", "{port}", "--stateful", "--logLevel", "none"),
    "mcp-proxy 6.7.19 (npm)": (f"{NPM_BIN}/mcp-proxy", "--port", "{port}", "--host", "127.0.0.1", "--server", "stream",
                               "--", QUICKSTART),
    "mcp-proxy 0.13.0 (PyPI)": (f"{PEERS}/venv-mcp-proxy/bin/mcp-proxy", "--port", "{port}", "--host", "127.0.0.1",
                                "--log-level", "WARNING", QUICKSTART),
    "FastMCP 4.1.6 proxy": (f"{PEERS}/venv-fastmcp/bin/python", "bench/peers/fastmcp_proxy.py", "{port}", QUICKSTART),
}
# The mcpforge subjects, then the peers the ratio is taken against.
OURS = ("engine HTTP", "gateway -> stdio")


def once(command: tuple[str, ...], sessions: int) -> dict:
    """One measured run against a freshly started subject."""
    args = ["--url", "http://127.0.0.1:{port}/mcp", "--wire", "legacy", "-c", str(sessions), "-d", str(SECONDS),
            "--warmup", "200", "--expect-echo"]
    return run_load(args, command)


def stdio_once() -> dict:
    """The direct stdio round trip: mcpforge-load drives the quickstart over its pipes."""
    return run_load(["--wire", "legacy", "-d", str(SECONDS), "--warmup", "200", "--expect-echo"], (QUICKSTART,))


def upstreams_once(count: int, folder: Path) -> dict:
    """The gateway with ``count`` shared quickstart upstreams from a configuration file, one
    session calling ``echo`` through it: its peak RSS is the figure read."""
    config = folder / f"gateway-{count}.json"
    servers = {f"u{i}": {"command": str(ROOT / QUICKSTART), "mode": "shared"} for i in range(count)}
    config.write_text(json.dumps({"mcpServers": servers}))
    command = (GATEWAY, "gateway", "--http", "127.0.0.1:{port}", "--config", str(config))
    args = ["--url", "http://127.0.0.1:{port}/servers/u0/mcp", "--wire", "legacy", "-c", "1", "-d",
            str(min(SECONDS, 2.0)), "--warmup", "200", "--expect-echo"]
    return run_load(args, command)


def median_of(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def report_bars(runs: dict[tuple[str, int], list[dict[str, float]]], stdio: list[dict[str, float]],
                upstreams: dict[int, list[dict[str, float]]]) -> None:
    """The lines the gateway is held to (issue bars), from the medians of the rounds."""
    base, gw = runs.get(("engine HTTP", 1)), runs.get(("gateway -> stdio", 1))
    if base and gw and stdio:
        bar = median_of(base, "p50_us") + median_of(stdio, "p50_us") + 20.0
        got = median_of(gw, "p50_us")
        print(f"\ngateway p50 at 1 session: {got:.1f} µs; engine HTTP p50 {median_of(base, 'p50_us'):.1f} + direct "
              f"stdio p50 {median_of(stdio, 'p50_us'):.1f} + 20 = {bar:.1f} µs: {'met' if got <= bar else 'NOT met'}")
    one, ten = upstreams.get(1), upstreams.get(10)
    if one and ten:
        rss1, rss10 = median_of(one, "rss_mb"), median_of(ten, "rss_mb")
        print(f"gateway peak RSS: {rss1:.1f} MiB with 1 upstream, {rss10:.1f} MiB with 10 "
              f"({(rss10 - rss1) / 9:.2f} MiB per upstream more; bars 30 MiB and 1 MiB)")


def figures(result: dict) -> dict[str, float] | None:
    measured = result.get("measured") or {}
    latency = measured.get("latency") or {}
    if result.get("aborted") or measured.get("failed"):
        return None
    return {"calls_per_s": measured.get("calls_per_s", 0.0), "p50_us": latency.get("p50_us", 0.0),
            "p99_us": latency.get("p99_us", 0.0),
            "rss_mb": (result.get("server_usage") or {}).get("peak_rss_mb") or 0.0}


def main() -> int:
    os.chdir(ROOT)
    for binary in (LOAD, QUICKSTART, GATEWAY):
        if not os.access(binary, os.X_OK):
            sys.exit(f"bench-gateway: {binary} is missing: run `make bench-gateway`")
    missing = {name: cmd[0] for name, cmd in SUBJECTS.items() if name not in OURS and not os.access(cmd[0], os.X_OK)}
    for name, binary in missing.items():
        print(f"bench-gateway: {name} skipped: {binary} is missing (scripts/setup-peers.sh gateway_peers)",
              file=sys.stderr)
    subjects = [name for name in SUBJECTS if name not in missing]
    runs: dict[tuple[str, int], list[dict[str, float]]] = {}
    stdio: list[dict[str, float]] = []
    upstreams: dict[int, list[dict[str, float]]] = {}
    failed = False
    folder = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    for round_no in range(ROUNDS):
        result = stdio_once()
        print(f"round {round_no + 1}, direct stdio, 1 client: {one_line(result)}", file=sys.stderr)
        got = figures(result)
        failed |= got is None
        if got:
            stdio.append(got)
        for count in (1, 10) if round_no % 2 == 0 else (10, 1):
            result = upstreams_once(count, folder)
            print(f"round {round_no + 1}, gateway with {count} upstreams: {one_line(result)}", file=sys.stderr)
            got = figures(result)
            failed |= got is None
            if got:
                upstreams.setdefault(count, []).append(got)
        order = subjects if round_no % 2 == 0 else list(reversed(subjects))
        for sessions in SESSIONS:
            for name in order:
                result = once(SUBJECTS[name], sessions)
                print(f"round {round_no + 1}, {name}, {sessions} sessions: {one_line(result)}", file=sys.stderr)
                got = figures(result)
                failed |= got is None
                if got:
                    runs.setdefault((name, sessions), []).append(got)
    for config in folder.iterdir():
        config.unlink()
    folder.rmdir()
    print(f"\nmedians of {ROUNDS} rounds of {SECONDS:g} s, echo over Streamable HTTP on 127.0.0.1\n")
    print("| subject | sessions | calls/s | p50 µs | p99 µs | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for sessions in SESSIONS:
        for name in SUBJECTS:
            rows = runs.get((name, sessions), [])
            if not rows:
                print(f"| {name} | {sessions} | {'not installed' if name in missing else 'failed'} | | | |")
                continue
            med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
            print(f"| {name} | {sessions} | {med['calls_per_s']:,.0f} | {med['p50_us']:.1f} | {med['p99_us']:.1f} "
                  f"| {med['rss_mb']:.1f} |")
    for sessions in SESSIONS:
        base, gw = runs.get(("engine HTTP", sessions)), runs.get(("gateway -> stdio", sessions))
        if base and gw:
            ratio = statistics.median(r["calls_per_s"] for r in gw) / statistics.median(r["calls_per_s"] for r in base)
            print(f"\ngateway / engine HTTP at {sessions} sessions: {ratio:.2f}x calls/s")
        peers = {name: statistics.median(r["calls_per_s"] for r in runs[(name, sessions)])
                 for name in SUBJECTS if name not in OURS and runs.get((name, sessions))}
        if gw and peers:
            fastest = max(peers, key=peers.__getitem__)
            ratio = statistics.median(r["calls_per_s"] for r in gw) / peers[fastest]
            print(f"gateway / the fastest peer ({fastest}) at {sessions} sessions: {ratio:.1f}x calls/s")
    report_bars(runs, stdio, upstreams)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

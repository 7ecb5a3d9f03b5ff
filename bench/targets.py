"""The performance targets the benchmark checks, each a ratio or a bound on a figure of
``make bench-peers``. A target of another issue is one more entry in ``TARGETS``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """``metric`` of ``subject`` in ``workload`` (divided by the same figure of the subject
    ``vs`` in the same round, when given) must be at most ``at_most`` or at least ``at_least``."""

    subject: str
    workload: str
    metric: str
    """A key of the summary: ``calls_per_s``, ``p50_us``, ``p99_us``, ``switches_per_call``, ``peak_rss_mb``,
    ``cold_ms``."""
    text: str
    vs: str = ""
    at_most: float | None = None
    at_least: float | None = None
    source: str = ""

    def check(self, value: float) -> bool:
        """Whether ``value`` meets the target."""
        if self.at_most is not None and value > self.at_most:
            return False
        return not (self.at_least is not None and value < self.at_least)


def _engine(subject: str) -> list[Target]:
    source = "engine (docs/BENCHMARKS.md, `make bench`)"
    return [
        Target(subject, "stdio-seq", "p50_us", "sequential p50 ≤ 1.5× floor", vs="floor", at_most=1.5, source=source),
        Target(subject, "stdio-pipe", "calls_per_s", "pipelined calls/s ≥ 0.5× floor", vs="floor", at_least=0.5,
               source=source),
        Target(subject, "stdio-pipe", "peak_rss_mb", "peak RSS < 8 MiB", at_most=8.0, source=source),
    ]


def _c() -> list[Target]:
    source = "C ABI issue: the C quickstart against the Rust quickstart"
    return [
        Target("mcpforge-c", "stdio-pipe", "calls_per_s", "pipelined calls/s ≥ 0.9× mcpforge-rust",
               vs="mcpforge-rust", at_least=0.9, source=source),
        Target("mcpforge-c", "stdio-seq", "p50_us", "sequential p50 ≤ 1/0.9× mcpforge-rust", vs="mcpforge-rust",
               at_most=1 / 0.9, source=source),
    ]


def _python() -> list[Target]:
    source = "Python package issue: against the official Python SDK"
    peer = "python-sdk"
    return [
        Target("mcpforge-python", "stdio-pipe", "calls_per_s", "pipelined calls/s ≥ 50× python-sdk", vs=peer,
               at_least=50, source=source),
        Target("mcpforge-python", "stdio-seq", "p50_us", "sequential p50 ≤ 1/10 python-sdk", vs=peer, at_most=0.1,
               source=source),
        Target("mcpforge-python", "stdio-pipe", "peak_rss_mb", "peak RSS ≤ 1/2 python-sdk", vs=peer, at_most=0.5,
               source=source),
        Target("mcpforge-python", "cold-start", "cold_ms", "cold start ≤ 1/3 python-sdk", vs=peer, at_most=1 / 3,
               source=source),
    ]


def _python_compat() -> list[Target]:
    source = "Python drop-in issue: the official SDK's peer program on mcpforge, only its import changed"
    peer = "python-sdk"
    return [
        Target("mcpforge-python-compat", "stdio-pipe", "calls_per_s", "pipelined calls/s ≥ 50× python-sdk", vs=peer,
               at_least=50, source=source),
        Target("mcpforge-python-noedit", "stdio-pipe", "calls_per_s", "unedited under the stand-in, pipelined calls/s ≥ 100× python-sdk",
               vs=peer, at_least=100, source="issue 60: existing servers run unchanged, and keep the speed"),
    ] + [
        target
        for workload, wire in (("http-2026-16", "HTTP (2026 wire)"), ("http-legacy-16", "HTTP sessions"))
        for target in (
            Target("mcpforge-python-asgi", workload, "calls_per_s", f"ASGI (uvicorn), {wire} 16 connections ≥ 5× python-sdk",
                   vs=peer, at_least=5, source=source),
            Target("mcpforge-python-asgi", workload, "calls_per_s",
                   f"ASGI (uvicorn), {wire} 16 connections ≥ 0.6× uvicorn-floor (the host alone)", vs="uvicorn-floor",
                   at_least=0.6, source=source),
        )
    ]


def _node() -> list[Target]:
    source = "Node package issue: against the official TypeScript SDK"
    peer = "ts-sdk"
    return [
        Target("mcpforge-node", "stdio-pipe", "calls_per_s", "pipelined calls/s ≥ 2× ts-sdk", vs=peer, at_least=2,
               source=source),
        Target("mcpforge-node", "http-2026-16", "calls_per_s", "HTTP (2026 wire) 16 connections ≥ 10× ts-sdk",
               vs=peer, at_least=10, source=source),
        Target("mcpforge-node", "http-legacy-16", "calls_per_s", "HTTP (sessions) 16 connections ≥ 10× ts-sdk",
               vs=peer, at_least=10, source=source),
        Target("mcpforge-node", "stdio-pipe", "peak_rss_mb", "peak RSS ≤ 1/2 ts-sdk", vs=peer, at_most=0.5,
               source=source),
        Target("mcpforge-node", "cold-start", "cold_ms", "cold start ≤ 1/2 ts-sdk", vs=peer, at_most=0.5,
               source=source),
    ]


def _node_compat() -> list[Target]:
    source = "Node drop-in issue: the official TypeScript SDK's peer program on mcpforge, only its imports changed"
    peer = "ts-sdk"
    return [
        Target("mcpforge-node-compat", "stdio-pipe", "calls_per_s", "pipelined calls/s ≥ 3× ts-sdk", vs=peer,
               at_least=3, source=source),
        Target("mcpforge-node-compat", "http-2026-16", "calls_per_s", "HTTP (2026 wire) 16 connections ≥ 10× ts-sdk",
               vs=peer, at_least=10, source=source),
        Target("mcpforge-node-noedit", "stdio-pipe", "calls_per_s",
               "unedited under the stand-in, pipelined calls/s ≥ 3.5× ts-sdk1", vs="ts-sdk1", at_least=3.5,
               source="issue 60: existing servers run unchanged, and keep the speed"),
    ] + [
        Target("mcpforge-node-express", workload, "calls_per_s",
               f"Express + StreamableHTTPServerTransport, {wire} 16 connections ≥ 0.6× express-floor (the host alone)",
               vs="express-floor", at_least=0.6, source=source)
        for workload, wire in (("http-2026-16", "HTTP (2026 wire)"), ("http-legacy-16", "HTTP sessions"))
    ]


def _floor_latency() -> list[Target]:
    source = "Latency issue: one thread turn per call, ahead of the TypeScript SDK 1.x most servers run"
    peer = "ts-sdk1"
    node = [
        target
        for subject in ("mcpforge-node", "mcpforge-node-sdk1")
        for target in (
            Target(subject, "stdio-pipe", "calls_per_s", "pipelined calls/s ≥ 3× ts-sdk1", vs=peer, at_least=3,
                   source=source),
            Target(subject, "stdio-seq", "p50_us", "sequential p50 ≤ 0.8× ts-sdk1", vs=peer, at_most=0.8,
                   source=source),
        )
    ]
    switches = [
        Target(subject, "stdio-seq", "switches_per_call", "server context switches per sequential call ≤ 1.5",
               at_most=1.5, source=source)
        for subject in ("mcpforge-python", "mcpforge-node", "mcpforge-node-sdk1")
    ]
    python = [
        Target("mcpforge-python", "stdio-pipe", "calls_per_s", "pipelined calls/s ≥ 0.6× mcpforge-rust",
               vs="mcpforge-rust", at_least=0.6, source=source),
        Target("mcpforge-python", "stdio-seq", "p50_us", "sequential p50 ≤ 1.2× mcpforge-rust", vs="mcpforge-rust",
               at_most=1.2, source=source),
    ]
    return node + switches + python


def _clients() -> list[Target]:
    """The clients of issue 61, each against its peer on the same server in the same round
    (bench/clients.py): workloads ``client-seq`` and ``client-64``."""
    source = "issue 61: the client engine in every language"
    bars = (("mcpforge-python", "mcp-python", 2, 20), ("mcpforge-node", "ts-sdk1", 1.3, 2),
            ("mcpforge-rust", "floor", 0.8, 0.8))
    return [
        Target(subject, workload, "calls_per_s", f"client, {what} calls/s ≥ {bar:g}× {peer}", vs=peer, at_least=bar,
               source=source)
        for subject, peer, sequential, in_flight in bars
        for workload, what, bar in (("client-seq", "sequential", sequential), ("client-64", "64 in flight", in_flight))
    ]


CLIENT_TARGETS: list[Target] = _clients()

TARGETS: list[Target] = (_engine("mcpforge-rust") + _engine("mcpforge-c") + _c() + _python() + _python_compat()
                         + _node() + _node_compat() + _floor_latency() + CLIENT_TARGETS)

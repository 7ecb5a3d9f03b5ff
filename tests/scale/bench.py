"""`make scale-bench`: calls/s of 1, 2 and 3 instances of the release `everything` server
behind nginx (deploy/nginx/, rendered as in the tests) against one instance without nginx,
on this machine, with the CPU each part spends per call, the figures behind
docs/deploy.md. Also measures nginx with keepalive connections to the instances, the
setting the shipped configuration leaves out, to show what leaving it out costs; then the
long instance-loss run (tests/scale/loss.py) on release builds.

    .venv/bin/python tests/scale/bench.py [--seconds S] [--connections C]

Prints a Markdown table. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

import loss  # noqa: E402
from support import target_dir  # noqa: E402
from topology import Topology, stop_on_sigterm, topology  # noqa: E402

# Bound on one measured run beyond its own duration (start-up, warm-up, reaping).
RUN_SLACK = 60.0


def keepalive(conf: str) -> str:
    """The rendered configuration with keepalive connections to the instances."""
    conf = conf.replace("upstream mcpforge {\n", "upstream mcpforge {\n    keepalive 64;\n", 1)
    return conf.replace("    proxy_http_version 1.1;\n", '    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n', 1)


@dataclass(frozen=True)
class Setup:
    """One measured topology."""

    label: str
    instances: int
    nginx: bool
    variant: Callable[[str], str] | None = None


SETUPS = [
    Setup("1 instance, no nginx", 1, nginx=False),
    Setup("nginx + 1 instance", 1, nginx=True),
    Setup("nginx + 2 instances", 2, nginx=True),
    Setup("nginx + 3 instances", 3, nginx=True),
    Setup("nginx + 1 instance, upstream keepalive", 1, nginx=True, variant=keepalive),
    Setup("nginx + 3 instances, upstream keepalive", 3, nginx=True, variant=keepalive),
]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(
    topo: Topology, load: Path, seconds: float, connections: int, wire: str = "2026", call: list[str] | None = None
) -> dict[str, float]:
    """One load run against the topology (`wire`, and `call`: the load tool's arguments
    naming the tool and what to expect, echo by default): calls/s, p50 latency and CPU per
    call of each part (the shared Redis too, when there is one)."""
    pids = {
        "instances": [i.pid for i in topo.instances if i.pid],
        "nginx": topo.front.worker_pids() if topo.front else [],
        "redis": [topo.redis.proc.pid] if topo.redis is not None and topo.redis.proc is not None else [],
    }
    before = {part: sum(cpu_seconds(p) for p in ps) for part, ps in pids.items()}
    command = [
        str(load), "--url", topo.url, "--wire", wire, "-c", str(connections), "-d", str(seconds),
        "--warmup", "1000", *(call or ["--expect-echo"]), "--json", "--no-progress",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + RUN_SLACK)
    report = json.loads(done.stdout)
    if report.get("aborted") or report["measured"]["failed"]:
        raise RuntimeError(f"the run failed: {report.get('aborted') or report['measured']['errors']}")
    calls = report["measured"]["calls"]
    figures = {
        "calls_per_s": report["measured"]["calls_per_s"],
        "p50_ms": report["measured"]["latency"]["p50_us"] / 1e3,
        "client_us": report["client_cpu"]["cpu_us_per_call"],
    }
    for part, ps in pids.items():
        figures[f"{part}_us"] = (sum(cpu_seconds(p) for p in ps) - before[part]) * 1e6 / calls
    return figures


def median(values: list[float]) -> float:
    """The middle value (the lower middle one for an even count)."""
    return sorted(values)[(len(values) - 1) // 2]


def release_binaries(target: str) -> tuple[Path, Path] | None:
    """The release `everything` server and `mcpforge-load`; None (and a message naming the
    make `target` that builds them) when one is missing."""
    binary = target_dir() / "release" / "everything"
    load = target_dir() / "release" / "mcpforge-load"
    for needed in (binary, load):
        if not needed.exists():
            print(f"{target}: {needed} is missing: run `make {target}`", file=sys.stderr)
            return None
    return binary, load


def measure_rounds(
    setups: list[tuple[str, Callable[[], dict[str, float]]]], rounds: int, tag: str
) -> dict[str, dict[str, float]]:
    """Runs every setup (a label and a measured run) once per round, and returns each
    setup's median figures. Rounds alternate the setups, so a slow moment of the machine
    does not fall on one only."""
    runs: dict[str, list[dict[str, float]]] = {label: [] for label, _ in setups}
    for round_ in range(rounds):
        for label, run in setups:
            runs[label].append(run())
            print(f"{tag}: round {round_ + 1}, {label}: {runs[label][-1]['calls_per_s']:,.0f} calls/s", file=sys.stderr)
    return {label: {key: median([r[key] for r in rs]) for key in rs[0]} for label, rs in runs.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per run (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every setup; medians are shown (default 3)")
    parser.add_argument("--connections", type=int, default=64, help="load connections (default 64)")
    args = parser.parse_args()
    stop_on_sigterm()
    found = release_binaries("scale-bench")
    if found is None:
        return 2
    binary, load = found

    def run(setup: Setup) -> dict[str, float]:
        with tempfile.TemporaryDirectory(prefix="mcpforge-scale-bench-") as scratch:
            front = {"nginx": setup.nginx, "nginx_workers": "auto", "variant": setup.variant}
            with topology(binary, Path(scratch), setup.instances, **front) as topo:
                return measure(topo, load, args.seconds, args.connections)

    medians = measure_rounds([(s.label, lambda s=s: run(s)) for s in SETUPS], args.rounds, "scale-bench")
    with tempfile.TemporaryDirectory(prefix="mcpforge-scale-bench-") as scratch:
        with topology(binary, Path(scratch), 3, nginx_workers="auto") as topo:
            lost = loss.instance_loss(topo, load, full=True)
    rows = [(setup, medians[setup.label]) for setup in SETUPS]
    base = rows[0][1]["calls_per_s"]
    print(
        f"`echo` over the 2026-07-28 wire, {args.connections} connections, medians of {args.rounds} runs of "
        f"{args.seconds:.0f} s per setup, {os.cpu_count()} CPUs; CPU is microseconds per call.\n"
    )
    print("| setup | calls/s | vs 1 instance without nginx | p50 latency | nginx CPU | instances' CPU | load tool CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for setup, f in rows:
        nginx_cpu = f"{f['nginx_us']:.1f}" if setup.nginx else "-"
        print(
            f"| {setup.label} | {f['calls_per_s']:,.0f} | {f['calls_per_s'] / base:.2f}x | {f['p50_ms']:.2f} ms "
            f"| {nginx_cpu} | {f['instances_us']:.1f} | {f['client_us']:.1f} |"
        )
    print(f"\nAn instance killed and restarted under {loss.CONNECTIONS} connections (nginx + 3 instances):\n")
    print("\n".join(lost.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

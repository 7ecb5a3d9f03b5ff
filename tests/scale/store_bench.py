"""`make scale-bench-store`: what the shared store costs. Three release instances of
`everything` behind nginx, legacy sessions (one per load connection), in the two
deployments: instances keeping their sessions behind nginx session affinity, and instances
sharing a Redis behind round-robin nginx. Two calls: `echo` (touches the store only when an
instance first serves a session, and to renew its time to live), and `write_note`, whose
every call announces a resource update to the other instances over the store's bus. The
figures behind docs/deploy.md's shared-store table.

    .venv/bin/python tests/scale/store_bench.py [--seconds S] [--rounds R] [--connections C]

Prints a Markdown table. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from bench import measure, measure_rounds, release_binaries  # noqa: E402
from topology import stop_on_sigterm, topology  # noqa: E402

INSTANCES = 3
WRITE = ["--tool", "write_note", "--args", '{"name":"bench","text":"x"}', "--expect", "saved memo://notes/bench"]


@dataclass(frozen=True)
class Setup:
    """One measured deployment and call."""

    label: str
    shared_store: bool
    call: list[str]


SETUPS = [
    Setup("echo, session affinity, no store", False, ["--expect-echo"]),
    Setup("echo, round-robin, Redis", True, ["--expect-echo"]),
    Setup("write_note (a resource update each), session affinity, no store", False, WRITE),
    Setup("write_note (a resource update each), round-robin, Redis", True, WRITE),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per run (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every setup; medians are shown (default 3)")
    parser.add_argument("--connections", type=int, default=64, help="load connections, one session each (default 64)")
    args = parser.parse_args()
    stop_on_sigterm()
    found = release_binaries("scale-bench-store")
    if found is None:
        return 2
    binary, load = found

    def run(setup: Setup) -> dict[str, float]:
        with tempfile.TemporaryDirectory(prefix="mcpforge-store-bench-") as scratch:
            with topology(binary, Path(scratch), INSTANCES, nginx_workers="auto", shared_store=setup.shared_store) as topo:
                return measure(topo, load, args.seconds, args.connections, "legacy", setup.call)

    medians = measure_rounds([(s.label, lambda s=s: run(s)) for s in SETUPS], args.rounds, "scale-bench-store")
    print(
        f"Legacy sessions (2025-11-25), {args.connections} connections with a session each, {INSTANCES} instances "
        f"behind nginx, medians of {args.rounds} runs of {args.seconds:.0f} s per setup, {os.cpu_count()} CPUs; "
        "CPU is microseconds per call.\n"
    )
    print("| setup | calls/s | p50 latency | nginx CPU | instances' CPU | Redis CPU |")
    print("|---|---:|---:|---:|---:|---:|")
    for setup in SETUPS:
        f = medians[setup.label]
        redis = f"{f['redis_us']:.1f}" if setup.shared_store else "-"
        print(
            f"| {setup.label} | {f['calls_per_s']:,.0f} | {f['p50_ms']:.2f} ms | {f['nginx_us']:.1f} "
            f"| {f['instances_us']:.1f} | {redis} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

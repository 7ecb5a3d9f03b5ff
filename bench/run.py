"""``make bench-peers``: runs every workload on every available subject under mcpforge-load,
alternating the order of the subjects from round to round, and writes the report.

    python3 bench/run.py                 # what `make bench-peers` runs after building
    BENCH_ROUNDS=1 BENCH_SEQ_CALLS=2000 python3 bench/run.py   # a quick run
    BENCH_SUBJECTS=floor,mcpforge-rust BENCH_WORKLOADS=stdio-seq python3 bench/run.py
    BENCH_BASE=$(scripts/bench-base.sh HEAD~20) python3 bench/run.py   # against an earlier revision
    python3 bench/run.py --report-only   # the report again from target/bench-peers/results.json

Each measurement starts a fresh server process. The raw reports go to
target/bench-peers/results.json; the tables and the chart to docs/BENCHMARKS.md (between its
``bench-peers`` markers) and docs/benchmarks.svg after a full-size run with every subject and
workload, else to target/bench-peers/.

With ``BENCH_BASE`` set to a directory built by scripts/bench-base.sh, each mcpforge quickstart
and drop-in subject runs twice in every round, back to back: as built from this tree and as built from that
revision (``<subject>@base``); the report then has a table of the two compared. Such a run
always reports to target/bench-peers/.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import chart  # noqa: E402
import report  # noqa: E402
from bounded import run_bounded  # noqa: E402
from subjects import SUBJECTS, Subject, with_base  # noqa: E402
from workloads import SIZES, WORKLOADS, Workload, full_size  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LOAD = "target/release/mcpforge-load"
OUT = Path("target/bench-peers")
CLIENTS_SUMMARY = Path("target/bench-clients/summary.json")
# Bound on one mcpforge-load run; the tool's own --timeout bounds each call.
RUN_LIMIT_S = 1800


def selected(names: str | None, items: list, what: str) -> list:
    """``items`` whose key is in the comma-separated ``names`` (all when unset)."""
    if not names:
        return items
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    unknown = sorted(set(wanted) - {item.key for item in items})
    if unknown:
        sys.exit(f"bench: unknown {what}: {', '.join(unknown)} (known: {', '.join(i.key for i in items)})")
    return [item for item in items if item.key in wanted]


def run_load(args: list[str], server: tuple[str, ...] | list[str], limit_s: float = RUN_LIMIT_S,
             one_cpu: bool = False) -> dict:
    """One mcpforge-load run with ``args`` against the ``server`` command, stopped with
    everything it started after ``limit_s``; its JSON report, or a report saying why there is none.
    ``one_cpu``: the load tool, and so the server it starts, may only run on one CPU."""
    command = [LOAD, "--json", "--no-progress", *args, "--", *server]
    pin = None
    if one_cpu:
        cpu = min(os.sched_getaffinity(0))
        pin = lambda: os.sched_setaffinity(0, {cpu})  # noqa: E731 (run in the child before exec)
    # A session of its own, so that a run over its limit is stopped with the server it started.
    status, stdout, stderr = run_bounded(command, limit_s, preexec_fn=pin)
    if status is None:
        return {"aborted": f"no result within {limit_s:.0f} s"}
    try:
        return json.loads(stdout)
    except json.JSONDecodeError:
        return {"aborted": f"mcpforge-load exited {status}: {stderr.decode(errors='replace').strip()}"}


def measure(workload: Workload, subject: Subject) -> dict:
    """One mcpforge-load run of ``workload`` against a fresh ``subject``."""
    return run_load(workload.load_args(), workload.command(subject), one_cpu=workload.one_cpu)


def one_line(result: dict) -> str:
    """A progress line for one run."""
    if result.get("aborted"):
        return f"FAILED: {result['aborted']}"
    if result.get("cold_start"):
        return f"cold start {result['cold_start']['median_ms']:.1f} ms"
    measured = result.get("measured") or {}
    failed = f", {measured['failed']} FAILED" if measured.get("failed") else ""
    rss = (result.get("server_usage") or {}).get("peak_rss_mb")
    rss_text = f", {rss:.1f} MiB" if rss else ""
    return f"{measured.get('calls_per_s', 0):,.0f} calls/s{failed}{rss_text}"


def write_report(data: dict) -> None:
    """The chart and the Markdown section from a results file's data."""
    present = {r["subject"] for r in data["results"]}
    subjects = [s for s in with_base(SUBJECTS, data.get("base")) if s.key in present]
    workloads = [w for w in WORKLOADS if any(r["workload"] == w.key for r in data["results"])]
    doc_dir = Path("docs") if data["complete"] else OUT
    summary = report.summarize(data["results"], subjects, workloads)
    # The clients' figures of bench/clients.py (run just before, by `make bench-peers`), for
    # the client targets.
    if CLIENTS_SUMMARY.exists():
        summary.update(json.loads(CLIENTS_SUMMARY.read_text()))
    (doc_dir / "benchmarks.svg").write_text(chart.render(summary, subjects, workloads))
    section = report.render(summary, subjects, workloads, data["skipped"], data["machine"], data["elapsed_min"],
                            data["complete"])
    target = report.write_section(doc_dir / "BENCHMARKS.md", section)
    print(f"bench: wrote {target} and {doc_dir / 'benchmarks.svg'}", file=sys.stderr)


def main() -> None:
    os.chdir(ROOT)
    if sys.argv[1:] == ["--report-only"]:
        write_report(json.loads((OUT / "results.json").read_text()))
        return
    if not os.access(LOAD, os.X_OK):
        sys.exit(f"bench: {LOAD} is missing: run `make load` (or `make bench-peers`)")
    base = os.environ.get("BENCH_BASE") or None
    if base and not os.path.isdir(base):
        sys.exit(f"bench: BENCH_BASE={base} is not a directory (scripts/bench-base.sh REV builds one)")
    subjects = with_base(selected(os.environ.get("BENCH_SUBJECTS"), SUBJECTS, "subject"), base)
    workloads = selected(os.environ.get("BENCH_WORKLOADS"), WORKLOADS, "workload")
    available: list[Subject] = []
    skipped: dict[str, str] = {}
    for subject in subjects:
        reason = subject.missing()
        if reason is None:
            available.append(subject)
        else:
            skipped[subject.key] = reason
            print(f"bench: skipping {subject.key}: {reason}", file=sys.stderr)
    rounds = int(SIZES["rounds"].value())
    results = []
    started = time.time()
    for round_no in range(1, rounds + 1):
        for workload in workloads:
            order = [s for s in available if workload.applies_to(s)]
            # A/B alternation: every other round runs the subjects in the opposite order.
            if round_no % 2 == 0:
                order.reverse()
            for subject in order:
                result = measure(workload, subject)
                results.append({"round": round_no, "workload": workload.key, "subject": subject.key, "report": result})
                print(f"bench: round {round_no}/{rounds} {workload.key:<16} {subject.key:<16} {one_line(result)}",
                      file=sys.stderr, flush=True)
    elapsed_min = (time.time() - started) / 60
    # Into docs/ only from a full-size run of every subject and workload (a skipped subject
    # still counts as run: the report says why it was skipped).
    complete = not base and full_size() and len(subjects) == len(SUBJECTS) and len(workloads) == len(WORKLOADS)
    OUT.mkdir(parents=True, exist_ok=True)
    data = {"machine": report.machine(), "sizes": {k: s.value() for k, s in SIZES.items()}, "skipped": skipped,
            "base": base, "elapsed_min": elapsed_min, "complete": complete, "results": results}
    (OUT / "results.json").write_text(json.dumps(data, indent=1) + "\n")
    print(f"bench: {len(results)} runs in {elapsed_min:.1f} min", file=sys.stderr)
    write_report(data)

if __name__ == "__main__":
    main()

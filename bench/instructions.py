"""``make bench-instructions``: the server's instructions per call (callgrind) for every
mcpforge subject, and, with ``BENCH_BASE``, the same subjects built from an earlier revision.

    python3 bench/instructions.py                          # this tree's subjects
    BENCH_BASE=target/bench-base/<sha> python3 bench/instructions.py   # against that revision
    python3 bench/instructions.py --root DIR               # the subjects built in DIR/target
    python3 bench/instructions.py --subjects mcpforge-rust --workloads stdio-seq --calls 500,2000

Calls/s on a shared machine move by a third from one minute to the next; the number of
instructions the server executes per call does not. Each cell runs its workload twice under
``valgrind --tool=callgrind`` (all threads of the server, one count): N1 and N2 measured calls
after the same warm-up, and reports (Ir(N2) - Ir(N1)) / (N2 - N1), so start-up, warm-up and
shutdown cancel. Node runs with V8's seeds fixed and in its predictable mode (compiler and
garbage collector on the main thread), without which start-up and compilation change by
millions of instructions from run to run and do not cancel. The first Node cell runs three
times, its spread is printed, and when it is above 1 % every Node cell is the median of
three. The table (Markdown) goes to stdout, the raw counts to
target/bench-instructions/results.json, the callgrind file of every run next to it (for
``callgrind_annotate``). Every ratio to the base above 1.03 is flagged.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import run_load, selected  # noqa: E402
from subjects import BASE_SUFFIX, SUBJECTS, Subject, with_base  # noqa: E402
from workloads import WORKLOADS, Workload, http_workload  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "target/bench-instructions"
FLAG_ABOVE = 1.03
SPREAD_LIMIT = 0.01
# Bound on one run under valgrind (Node starts in about half a minute there).
RUN_LIMIT_S = 900
# V8 options that make a Node server run the same instructions in every run (see
# under_callgrind).
NODE_DETERMINISTIC = ("--predictable", "--hash-seed=1", "--random-seed=1")
# mcpforge-load's own bounds, stretched for a server under valgrind.
SLOW_SERVER = ("--timeout", "300", "--startup-timeout", "600")
# The workloads measured: stdio sequential and pipelined as `make bench-peers` runs them, and
# HTTP on one kept-alive connection on each wire.
CELLS: list[Workload] = [w for w in WORKLOADS if w.key in ("stdio-seq", "stdio-pipe")] + [
    http_workload("2026", 1), http_workload("legacy", 1)]


def counted(args: list[str], calls: int, warmup: int) -> list[str]:
    """mcpforge-load ``args`` with their size (``-n``/``-d``) and warm-up replaced."""
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-n", "--calls", "-d", "--duration", "--warmup"):
            skip = True
        else:
            out.append(arg)
    return [*out, "-n", str(calls), "--warmup", str(warmup), *SLOW_SERVER]


def under_callgrind(subject: Subject, command: tuple[str, ...], out_file: Path) -> list[str]:
    """``command`` run by callgrind writing its counts to ``out_file``."""
    smc: list[str] = []
    if subject.language == "Node":
        # Node writes the code it runs (its JIT): valgrind must look for changed code everywhere.
        smc = ["--smc-check=all-non-file"]
        # V8 draws a random hash seed at start-up and searches primes from it (5 to 19 million
        # instructions that change from one run to the next), and compiles and collects
        # garbage on threads of its own, at times that change too: together up to 3,000
        # instructions per call in the difference of two runs. Fixed seeds and V8's
        # predictable mode (the same work on the main thread) make every run the same.
        if Path(command[0]).name == "node":
            command = (command[0], *NODE_DETERMINISTIC, *command[1:])
    return ["valgrind", "--tool=callgrind", *smc, f"--callgrind-out-file={out_file}", *command]


def total_ir(out_file: Path) -> int:
    """The instruction count of a finished callgrind run (all threads)."""
    for line in out_file.read_text(errors="replace").splitlines():
        if line.startswith("summary:"):
            return int(line.split()[1])
    raise ValueError(f"{out_file} has no summary line: the server did not exit normally")


@dataclass
class Cell:
    """One subject under one workload, and its instructions per call per repeat."""

    subject: Subject
    workload: Workload
    per_call: list[float]
    errors: list[str]

    def value(self) -> float | None:
        """The median over the repeats, or None when no repeat finished."""
        return statistics.median(self.per_call) if self.per_call else None


def one_pair(cell: Cell, calls: tuple[int, int], warmup: int, repeat: int) -> None:
    """Runs the cell at N1 and N2 calls and appends its instructions per call (or the error)."""
    directory = OUT / cell.subject.key.replace("@", "-")
    directory.mkdir(parents=True, exist_ok=True)
    totals = []
    for n in calls:
        out_file = (directory / f"{cell.workload.key}-{n}-{repeat}.out").resolve()
        out_file.unlink(missing_ok=True)
        args = counted(cell.workload.load_args(), n, warmup)
        report = run_load(args, under_callgrind(cell.subject, cell.workload.command(cell.subject), out_file),
                          RUN_LIMIT_S)
        failed = (report.get("measured") or {}).get("failed")
        try:
            if report.get("aborted") or failed:
                raise ValueError(report.get("aborted") or f"{failed} calls failed")
            totals.append(total_ir(out_file))
        except (OSError, ValueError) as e:
            cell.errors.append(f"{n} calls: {e}")
            return
    cell.per_call.append((totals[1] - totals[0]) / (calls[1] - calls[0]))
    print(f"bench-instructions: {cell.subject.key:<28} {cell.workload.key:<15} {cell.per_call[-1]:>12,.0f} Ir/call",
          file=sys.stderr, flush=True)


def run_pairs(pairs: list[tuple[Cell, int]], calls: tuple[int, int], warmup: int, jobs: int) -> None:
    """Runs every (cell, repeat) pair, ``jobs`` at a time."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in [pool.submit(one_pair, cell, calls, warmup, repeat) for cell, repeat in pairs]:
            future.result()


def chosen(names: str | None, subjects: list[Subject]) -> list[Subject]:
    """The subjects ``names`` (comma-separated) select: a key selects that subject and its
    twin from the base; a key ending in ``@base`` the twin alone. All when unset."""
    if not names:
        return subjects
    wanted = {name.strip() for name in names.split(",") if name.strip()}
    unknown = sorted(wanted - {s.key for s in subjects})
    if unknown:
        known = ", ".join(s.key for s in subjects)
        sys.exit(f"bench-instructions: unknown subject: {', '.join(unknown)} (known: {known})")
    return [s for s in subjects if s.key in wanted or s.key.removesuffix(BASE_SUFFIX) in wanted]


def stored(calls: tuple[int, int], warmup: int) -> dict:
    """The results file's data if it was measured with the same sizes, else nothing."""
    try:
        data = json.loads((OUT / "results.json").read_text())
    except (OSError, json.JSONDecodeError):
        return {}
    if tuple(data.get("calls", ())) != calls or data.get("warmup") != warmup:
        return {}
    return data


def spread(values: list[float]) -> float:
    """(max - min) / median."""
    return (max(values) - min(values)) / statistics.median(values)


def table(per_call: dict[tuple[str, str], list[float]], base: bool) -> str:
    """The Markdown table: this tree, the base and their ratio per subject and workload."""
    value = {key: statistics.median(values) for key, values in per_call.items() if values}
    lines = ["| subject | workload | Ir/call this tree | Ir/call base | ratio |", "|---|---|--:|--:|--:|"]
    for subject in [s for s in SUBJECTS if s.kind == "mcpforge"]:
        for workload in CELLS:
            mine = value.get((subject.key, workload.key))
            theirs = value.get((subject.key + BASE_SUFFIX, workload.key)) if base else None
            if mine is None and theirs is None:
                continue
            ratio = f"{mine / theirs:.3f}" if mine and theirs else "–"
            if mine and theirs and mine / theirs > FLAG_ABOVE:
                ratio += f" **> {FLAG_ABOVE}**"
            fmt = lambda v: f"{v:,.0f}" if v else "–"  # noqa: E731
            lines.append(f"| {subject.key} | {workload.title} | {fmt(mine)} | {fmt(theirs)} | {ratio} |")
    return "\n".join(lines)


def print_report(data: dict) -> None:
    """The table of a results file's data, the Node spreads, failures and skipped subjects."""
    print(table({(c["subject"], c["workload"]): c["per_call"] for c in data["cells"]}, bool(data["base"])))
    print()
    for item in data["node_spreads"]:
        print(f"Node spread: {item['spread']:.2%} over 3 runs of {item['cell']}")
    for cell in data["cells"]:
        for error in cell["errors"]:
            print(f"FAILED {cell['subject']} {cell['workload']}: {error}")
    for key, reason in data["skipped"].items():
        print(f"skipped {key}: {reason}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[1]),
                        help="the tree whose target/ holds the built subjects (default: this repository)")
    parser.add_argument("--calls", default="1000,4000", help="N1,N2 measured calls (default 1000,4000)")
    parser.add_argument("--warmup", type=int, default=1000, help="calls before each measurement (default 1000)")
    parser.add_argument("--subjects", help="comma-separated subject keys (default: every mcpforge subject)")
    parser.add_argument("--workloads", help="comma-separated workload keys: " + ", ".join(w.key for w in CELLS))
    parser.add_argument("--jobs", type=int, default=1, help="runs at a time (default 1)")
    parser.add_argument("--repeats", type=int, help="runs per Node cell (default: 3 when the spread is above 1 %%)")
    parser.add_argument("--report-only", action="store_true", help="print the table of the results file, run nothing")
    parser.add_argument("--fresh", action="store_true",
                        help="forget the cells of the results file (by default a run adds its cells to those "
                        "measured before with the same sizes, and the table shows them all)")
    options = parser.parse_args()
    calls = tuple(int(n) for n in options.calls.split(","))
    if len(calls) != 2 or not 0 < calls[0] < calls[1]:
        sys.exit("bench-instructions: --calls takes N1,N2 with 0 < N1 < N2")
    if options.report_only:
        data = stored(calls, options.warmup)
        if not data:
            sys.exit(f"bench-instructions: no results with these sizes in {OUT / 'results.json'}")
        print_report(data)
        return
    base = os.environ.get("BENCH_BASE") or None
    if base and not os.path.isdir(base):
        sys.exit(f"bench-instructions: BENCH_BASE={base} is not a directory (scripts/bench-base.sh REV builds one)")
    base = os.path.abspath(base) if base else None
    os.chdir(options.root)
    mcpforge = [s for s in SUBJECTS if s.kind == "mcpforge" and s.serves_stdio]
    subjects = chosen(options.subjects, with_base(mcpforge, base))
    workloads = selected(options.workloads, CELLS, "workload")
    cells, skipped = [], {}
    for subject in subjects:
        reason = subject.missing()
        if reason:
            skipped[subject.key] = reason
            print(f"bench-instructions: skipping {subject.key}: {reason}", file=sys.stderr)
            continue
        cells += [Cell(subject, w, [], []) for w in workloads if w.applies_to(subject)]
    if options.fresh:
        (OUT / "results.json").unlink(missing_ok=True)
    started = time.time()
    node = [c for c in cells if c.subject.language == "Node"]
    # Node's spread first: three repeats of its first cell decide how many the others get.
    node_spread, node_repeats = None, 1
    if node:
        run_pairs([(node[0], r) for r in range(3)], calls, options.warmup, options.jobs)
        if len(node[0].per_call) == 3:
            node_spread = spread(node[0].per_call)
            node_repeats = options.repeats or (3 if node_spread > SPREAD_LIMIT else 1)
            print(f"bench-instructions: Node spread {node_spread:.2%} over 3 runs of {node[0].subject.key} "
                  f"{node[0].workload.key}: {node_repeats} run(s) per Node cell", file=sys.stderr)
    node_repeats = options.repeats or node_repeats
    rest = [(c, r) for c in cells if not (node and c is node[0])
            for r in range(node_repeats if c.subject.language == "Node" else 1)]
    run_pairs(rest, calls, options.warmup, options.jobs)
    elapsed_min = (time.time() - started) / 60
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "results.lock", "w") as lock:
        # Two runs may end at once (e.g. the base's subjects measured while this tree builds).
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = stored(calls, options.warmup)
        stored_skipped = data.get("skipped", {})
        kept = [c for c in data.get("cells", []) if (c["subject"], c["workload"]) not in
                {(c.subject.key, c.workload.key) for c in cells}]
        spreads = data.get("node_spreads", []) + ([] if node_spread is None else [
            {"cell": f"{node[0].subject.key} {node[0].workload.key}", "spread": node_spread}])
        data = {"calls": calls, "warmup": options.warmup, "base": base or data.get("base"),
                "node_spreads": spreads, "elapsed_min": data.get("elapsed_min", 0) + elapsed_min,
                "cells": kept + [{"subject": c.subject.key, "workload": c.workload.key, "per_call": c.per_call,
                                  "errors": c.errors} for c in cells]}
        measured = {c["subject"] for c in data["cells"]}
        data["skipped"] = {key: why for key, why in {**stored_skipped, **skipped}.items() if key not in measured}
        (OUT / "results.json").write_text(json.dumps(data, indent=1) + "\n")
    print_report(data)
    print(f"\n{len(cells)} cells in {elapsed_min:.1f} min ({data['elapsed_min']:.1f} min for the whole table)",
          file=sys.stderr)


if __name__ == "__main__":
    main()

"""The report of ``make bench-peers``: the medians of the rounds, and the Markdown section of
docs/BENCHMARKS.md made from them (tables, ratios to the floor and to each peer, targets).

Everything between the ``bench-peers`` markers of docs/BENCHMARKS.md is generated here; the
text around the markers is written by hand.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import subprocess
from pathlib import Path

from subjects import BASE_SUFFIX, Subject
from targets import TARGETS
from workloads import SIZES, Workload

BEGIN = "<!-- bench-peers:begin -->"
END = "<!-- bench-peers:end -->"
METRICS = ("calls_per_s", "p50_us", "p99_us", "cpu_us_per_call", "switches_per_call", "peak_rss_mb", "cold_ms")


def _metrics(result: dict) -> dict[str, float | None]:
    """The figures of one mcpforge-load report."""
    measured = result.get("measured") or {}
    latency = measured.get("latency") or {}
    usage = result.get("server_usage") or {}
    server_cpu = result.get("server_cpu") or {}
    switches = result.get("server_switches") or {}
    cold = result.get("cold_start") or {}
    return {
        "calls_per_s": measured.get("calls_per_s"),
        "p50_us": latency.get("p50_us"),
        "p99_us": latency.get("p99_us"),
        "cpu_us_per_call": server_cpu.get("cpu_us_per_call"),
        "switches_per_call": switches.get("per_call"),
        "peak_rss_mb": usage.get("peak_rss_mb"),
        "cold_ms": cold.get("median_ms"),
    }


def _failure(result: dict) -> str | None:
    """Why a run does not count, or None."""
    if result.get("aborted"):
        return str(result["aborted"])
    measured = result.get("measured") or {}
    if measured.get("failed"):
        kinds = ", ".join(f"{k}: {v}" for k, v in measured.get("errors", {}).items())
        return f"{measured['failed']} of {measured['calls']} calls failed ({kinds})"
    return None


def summarize(results: list[dict], subjects: list[Subject], workloads: list[Workload]) -> dict:
    """``{workload: {subject: {metric: median, "by_round": {round: {metric: value}},
    "failures": [...], "rounds": n}}}``; failed runs count in neither."""
    summary: dict = {}
    for workload in workloads:
        per_subject = {}
        for subject in subjects:
            runs = [r["report"] for r in results if r["workload"] == workload.key and r["subject"] == subject.key]
            if not runs:
                continue
            good = {r["round"]: _metrics(r["report"]) for r in results
                    if r["workload"] == workload.key and r["subject"] == subject.key and _failure(r["report"]) is None}
            entry: dict = {"rounds": len(good), "failures": [f for f in map(_failure, runs) if f], "by_round": good}
            for metric in METRICS:
                values = [v for v in (figures[metric] for figures in good.values()) if v is not None]
                entry[metric] = statistics.median(values) if values else None
            per_subject[subject.key] = entry
        summary[workload.key] = per_subject
    return summary


def _run(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False).stdout.strip()
    except OSError:
        return "?"


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{mem_kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        memory = "?"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "rustc": _run(["rustc", "--version"]),
        "python": platform.python_version(),
        "node": _run(["node", "--version"]),
        "date": datetime.date.today().isoformat(),
    }


def _num(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    if decimals == 0 or value >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.{decimals}f}"


def paired_ratio(row: dict, a: str, b: str, metric: str) -> float | None:
    """``a``'s ``metric`` divided by ``b``'s, per round (the two ran back to back in it), the
    median over the rounds in which both ran: noise between rounds cancels out."""
    if a not in row or b not in row:
        return None
    ratios = []
    for round_no, figures in row[a]["by_round"].items():
        other = row[b]["by_round"].get(round_no)
        if other and figures.get(metric) and other.get(metric):
            ratios.append(figures[metric] / other[metric])
    return statistics.median(ratios) if ratios else None


def _ratio(r: float | None) -> str:
    if not r:
        return "–"
    if r < 0.1:
        return f"{r:.3f}×"
    return f"{r:.2f}×" if r < 10 else f"{r:,.0f}×"


def _sizes_text() -> dict[str, str]:
    return {key: f"{v:,.0f}" if float(v).is_integer() else f"{v:g}" for key, v in
            ((key, size.value()) for key, size in SIZES.items())}


def _cell_failures(entry: dict) -> str:
    return f" ({len(entry['failures'])} failed run(s))" if entry["failures"] else ""


def _workload_table(workload: Workload, per_subject: dict, subjects: list[Subject]) -> list[str]:
    lines = [f"#### {workload.title}", "", workload.what.format(**_sizes_text()) + ".", ""]
    floor = per_subject.get("floor") if workload.compare_floor else None
    if workload.key == "cold-start":
        lines += ["| subject | cold start, median (ms) |", "|---|---:|"]
        for s in subjects:
            if s.key in per_subject:
                e = per_subject[s.key]
                lines.append(f"| {s.key} | {_num(e['cold_ms'], 1)}{_cell_failures(e)} |")
        return lines + [""]
    head = ("| subject | calls/s | p50 (µs) | p99 (µs) | server CPU (µs/call) | server context switches/call "
            "| peak RSS (MiB) |")
    rule = "|---|---:|---:|---:|---:|---:|---:|"
    if floor:
        head += " calls/s ÷ floor | p50 ÷ floor |"
        rule += "---:|---:|"
    lines += [head, rule]
    for s in subjects:
        if s.key not in per_subject:
            continue
        e = per_subject[s.key]
        row = (f"| {s.key} | {_num(e['calls_per_s'])}{_cell_failures(e)} | {_num(e['p50_us'], 1)} | "
               f"{_num(e['p99_us'], 1)} | {_num(e['cpu_us_per_call'], 1)} | {_num(e['switches_per_call'], 2)} | "
               f"{_num(e['peak_rss_mb'], 1)} |")
        if floor:
            row += (f" {_ratio(paired_ratio(per_subject, s.key, 'floor', 'calls_per_s'))} |"
                    f" {_ratio(paired_ratio(per_subject, s.key, 'floor', 'p50_us'))} |")
        lines.append(row)
    return lines + [""]


def _peer_ratios(summary: dict, subjects: list[Subject], workloads: list[Workload]) -> list[str]:
    peers = [s for s in subjects if s.kind == "peer"]
    ours = [s for s in subjects if s.kind == "mcpforge"]
    if not peers or not ours:
        return []
    lines = ["### mcpforge against each peer", "",
             "Each cell: how many times more calls/s the mcpforge subject served than the peer in the same "
             "workload (for cold start: how many times faster it started; for memory: how many times less "
             "peak RSS it had in stdio pipelined). Above 1× mcpforge is ahead.", ""]
    for mine in ours:
        lines += [f"#### {mine.key}", "", "| workload | " + " | ".join(p.key for p in peers) + " |",
                  "|---|" + "---:|" * len(peers)]
        for w in workloads:
            row = summary.get(w.key, {})
            if mine.key not in row:
                continue
            if w.key == "cold-start":
                cells = [_ratio(paired_ratio(row, p.key, mine.key, "cold_ms")) for p in peers]
            else:
                cells = [_ratio(paired_ratio(row, mine.key, p.key, "calls_per_s")) for p in peers]
            lines.append(f"| {w.title} | " + " | ".join(cells) + " |")
        pipe = summary.get("stdio-pipe", {})
        if mine.key in pipe:
            cells = [_ratio(paired_ratio(pipe, p.key, mine.key, "peak_rss_mb")) for p in peers]
            lines.append("| memory (peak RSS, stdio pipelined) | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def _base_ratios(summary: dict, subjects: list[Subject], workloads: list[Workload]) -> list[str]:
    """This tree against the earlier revision (``BENCH_BASE``), subject by subject."""
    pairs = [(s.key, s.key + BASE_SUFFIX) for s in subjects if any(t.key == s.key + BASE_SUFFIX for t in subjects)]
    if not pairs:
        return []
    lines = ["### This tree against the base revision", "",
             "Each subject and its `@base` twin ran back to back in every round. calls/s and p50 are this "
             "tree's figure divided by the base's (paired per round, median): calls/s below 1× or p50 above "
             "1× is a loss. Where the workload has a floor, both subjects' calls/s ratio to it is shown too.",
             "", "| workload | subject | calls/s ÷ base | p50 ÷ base | calls/s ÷ floor | base calls/s ÷ floor |",
             "|---|---|---:|---:|---:|---:|"]
    for w in workloads:
        row = summary.get(w.key, {})
        if w.key == "cold-start":
            continue
        for mine, base in pairs:
            if mine not in row or base not in row:
                continue
            floor = "floor" in row and w.compare_floor
            to_floor = [_ratio(paired_ratio(row, key, "floor", "calls_per_s")) if floor else "–" for key in (mine, base)]
            lines.append(f"| {w.title} | {mine} | {_ratio(paired_ratio(row, mine, base, 'calls_per_s'))} | "
                         f"{_ratio(paired_ratio(row, mine, base, 'p50_us'))} | {to_floor[0]} | {to_floor[1]} |")
    return lines + [""]


def _targets(summary: dict) -> list[str]:
    lines = ["### Targets", "", "| subject | target | measured | met |", "|---|---|---:|---|"]
    for t in TARGETS:
        row = summary.get(t.workload, {})
        if t.vs:
            value = paired_ratio(row, t.subject, t.vs, t.metric)
        else:
            value = row.get(t.subject, {}).get(t.metric)
        if value is None:
            lines.append(f"| {t.subject} | {t.text} | not measured | – |")
            continue
        shown = f"{value:.2f}×" if t.vs else f"{value:.2f}" if t.metric == "switches_per_call" else f"{value:.1f}"
        lines.append(f"| {t.subject} | {t.text} | {shown} | {'yes' if t.check(value) else '**no**'} |")
    return lines + [""]


def render(summary: dict, subjects: list[Subject], workloads: list[Workload], skipped: dict[str, str],
           machine_info: dict[str, str], elapsed_min: float, complete: bool) -> str:
    """The generated Markdown section, markers included."""
    sizes = _sizes_text()
    m = machine_info
    lines = [BEGIN, "",
             f"Generated by `make bench-peers` on {m['date']} ({elapsed_min:.0f} minutes"
             + ("" if complete else ", NOT a full run: sizes, subjects or workloads were limited") + "). "
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, {m['os']}; {m['rustc']}, "
             f"Python {m['python']}, Node {m['node']}. Each figure is the median of {sizes['rounds']} rounds; "
             "each round runs every subject once per workload with a fresh server process, in the opposite "
             "order from the round before. Each ratio is the median over the rounds of the ratio within a "
             "round (the two subjects ran back to back), so that a slow round for the whole machine cancels "
             "out.", "",
             "| subject | language | built with |", "|---|---|---|"]
    lines += [f"| {s.key} | {s.language} | {s.framework} |" for s in subjects]
    lines.append("")
    if skipped:
        lines += ["Skipped (not built or installed when this ran):", ""]
        lines += [f"- **{key}**: {reason}" for key, reason in skipped.items()]
        lines.append("")
    lines += ["![calls per second by workload and subject](benchmarks.svg)", ""]
    lines += _targets(summary)
    lines += ["### Results by workload", ""]
    for w in workloads:
        if summary.get(w.key):
            lines += _workload_table(w, summary[w.key], subjects)
    lines += _base_ratios(summary, subjects, workloads)
    lines += _peer_ratios(summary, subjects, workloads)
    failures = [(w, s, f) for w, row in summary.items() for s, e in row.items() for f in e["failures"]]
    if failures:
        lines += ["### Failed runs", ""] + [f"- {w} / {s}: {f}" for w, s, f in failures] + [""]
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str, begin: str = BEGIN, end: str = END) -> Path:
    """Replaces the section of ``path`` between ``begin`` and ``end`` (the markers, which
    ``section`` holds too; created when missing); returns ``path``."""
    text = path.read_text() if path.exists() else ""
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1]
        text = head + section.rstrip("\n") + tail
    else:
        text = (text + "\n" if text else "# Benchmarks (partial run)\n\n") + section
    path.write_text(text)
    return path

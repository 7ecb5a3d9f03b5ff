"""Instance loss under load: `mcpforge-load` drives the nginx front with 64 connections, on
the 2026-07-28 wire or (with the shared store) on legacy sessions, one per connection,
while one instance is killed (SIGKILL) and started again. Reports calls/s before, during
and after, and the failed calls by kind.

The check (a correctness property, not a timing one): no call that had not reached the
dying instance may fail. Every failure must be a 502 whose request nginx had written to
the killed instance (bytes sent > 0) before the kill; a request that came later found the
port closed and was passed to another instance. nginx's clock is cached per event-loop
turn, so a request stamped before the kill may in truth have started slightly after it:
the check can only be lenient by that much, never wrong about a correct run.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import access_log
from results import Needs, Result, Tally
from topology import Topology

CONNECTIONS = 64


@dataclass(frozen=True)
class Plan:
    """When the victim dies and comes back, in seconds from the start of the load."""

    duration: float
    kill_at: float
    restart_at: float
    interval_ms: int


SHORT = Plan(duration=6.0, kill_at=2.0, restart_at=3.5, interval_ms=250)
# Long enough after the restart for nginx to try the instance again (fail_timeout, 10 s).
FULL = Plan(duration=30.0, kill_at=8.0, restart_at=12.0, interval_ms=500)


def _window(intervals: list[dict[str, Any]], start: float, end: float) -> tuple[float, dict[str, int]]:
    """Calls/s and failures by kind over the intervals that end within (start, end]
    (wall-clock seconds): one spanning a boundary counts for the later window."""
    chosen = [i for i in intervals if start < i["start_unix_s"] + i["end_s"] - i["start_s"] <= end]
    seconds = sum(i["end_s"] - i["start_s"] for i in chosen)
    errors: dict[str, int] = {}
    for i in chosen:
        for kind, n in i["errors"].items():
            errors[kind] = errors.get(kind, 0) + n
    return (sum(i["calls"] for i in chosen) / seconds if seconds else 0.0), errors


@dataclass(frozen=True)
class Timeline:
    """When the load started, when the victim was dead (reaped) and when it answered again
    (wall-clock seconds, as nginx logs them)."""

    started: float
    killed: float
    restarted: float


def instance_loss(topo: Topology, load: Path, *, full: bool, wire: str = "2026") -> Result:
    """Runs the load on `wire` (`2026`, or `legacy`: sessions, which only instances sharing a
    store carry over the kill), kills and restarts one instance, and checks the failures."""
    plan = FULL if full else SHORT
    tally = Tally()
    began = time.monotonic()
    # Another victim for each wire: nginx leaves an instance it saw fail out for 10 s, so a
    # run right after another one would find its victim idle.
    victim = topo.instances[1 if wire == "2026" else 2]
    command = [
        str(load), "--url", topo.url, "--wire", wire, "-c", str(CONNECTIONS), "-d", str(plan.duration),
        "--interval-ms", str(plan.interval_ms), "--expect-echo", "--json", "--no-progress", "--threads", "1",
    ]  # fmt: skip
    before = topo.snapshot()
    started = time.time()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(plan.kill_at)
        served_before = before.delta(topo.snapshot(), "tools/call")[victim.name]
        victim.kill()
        # After the process is reaped: until then its sockets may still take requests.
        killed = time.time()
        time.sleep(max(0.0, plan.restart_at - plan.kill_at))
        victim.start()
        restarted = time.time()
        out, err = proc.communicate(timeout=plan.duration + 60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if victim.pid is None:
            victim.start()
    if served_before == 0:
        error: str | None = "the victim served nothing before it was killed: the kill was not under load"
    else:
        error = _check(topo, tally, out, err, victim.address, Timeline(started, killed, restarted))
    served_after = topo.snapshot().counts[victim.name]["tools/call"]
    tally.note(f"{victim.name} served {served_after} calls after its restart (nginx tries it again after fail_timeout)")
    name, needs = ("instance-loss-under-load", Needs.NOTHING)
    if wire == "legacy":
        name, needs = ("instance-loss-legacy-sessions", Needs.SHARED_STORE)
    return Result(name, needs, tally, error, time.monotonic() - began, failed_calls_checked=True)


def _check(topo: Topology, tally: Tally, out: str, err: str, victim: str, timeline: Timeline) -> str | None:
    """Fills the tally from the load report and checks the failures; the reason if a check
    failed."""
    try:
        report = json.loads(out)
    except json.JSONDecodeError:
        return f"mcpforge-load printed no report: {err[-1000:]}"
    if report.get("aborted"):
        return f"mcpforge-load aborted: {report['aborted']}"
    measured = report["measured"]
    tally.passed(measured["ok"])
    for kind, count in measured["errors"].items():
        example = measured["error_examples"].get(kind, "")
        # nginx's error pages are HTML: their title says it all.
        title = re.search(r"<title>(.*?)</title>", example)
        for _ in range(count):
            tally.fail(kind, f"nginx: {title.group(1)}" if title else example)
    intervals = measured["intervals"]
    windows = {
        "before the kill": _window(intervals, 0.0, timeline.killed),
        "instance down": _window(intervals, timeline.killed, timeline.restarted),
        "after the restart": _window(intervals, timeline.restarted, float("inf")),
    }
    for label, (rate, errors) in windows.items():
        failed = ", ".join(f"{k}: {n}" for k, n in sorted(errors.items())) or "none"
        tally.note(f"{label:<18} {rate:>8,.0f} calls/s   failed {failed}")
    tally.note(
        "calls/s per interval: " + " ".join(f"{i['calls_per_s']:.0f}" + ("!" if i["failed"] else "") for i in intervals)
    )
    unexpected = {kind: n for kind, n in measured["errors"].items() if kind != "http_502"}
    if unexpected:
        return f"failures other than 502 from nginx: {unexpected}"
    if measured["failed"] > CONNECTIONS:
        return f"{measured['failed']} calls failed, more than could be in flight ({CONNECTIONS})"
    assert topo.front is not None
    # Every failed call nginx logged since the load started, warm-up calls included (the
    # load tool counts only the measured ones).
    # (Legacy requests carry no Mcp-Method header: "-" in the log.)
    failures = [
        e
        for e in access_log.parse(topo.front.access_log)
        if e.end >= timeline.started and e.method in ("tools/call", "-") and e.status not in (200, 202)
    ]
    if len(failures) < measured["failed"]:
        return f"nginx logged {len(failures)} failed calls, the load tool counted {measured['failed']}"
    for entry in failures:
        last = entry.attempts[-1] if entry.attempts else ("-", "-", 0)
        if last[0] != victim or last[2] == 0:
            return f"a call failed that never reached the killed instance: {entry}"
        if entry.start > timeline.killed:
            return f"a call that started {entry.start - timeline.killed:.3f} s after the kill failed: {entry}"
    return None

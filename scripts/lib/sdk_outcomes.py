"""A pytest plugin that writes what a run did, as JSON, to the file named by SDK_OUTCOMES:
the ids of the tests it collected, each test's outcome with the first line of its failure,
and the modules that failed to import. scripts/sdk-tests-python.py loads it (`-p
sdk_outcomes`) into its runs of the official SDK's tests and counts from that file instead
of from pytest's printed summary.

A test's outcome is `failed` when any of its phases (setup, call, teardown) failed or
errored, else `skipped` when one was skipped (xfail included), else `passed`."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List

_collected: List[str] = []
_outcomes: Dict[str, Dict[str, str]] = {}
_broken_modules: Dict[str, str] = {}
_RANK = {"passed": 0, "skipped": 1, "failed": 2}


def _first_line(report: Any) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        text = str(crash.message)
    elif isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
        text = str(report.longrepr[2])
    else:
        text = str(report.longrepr or "")
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0].strip() if lines else ""


def pytest_collection_finish(session: Any) -> None:
    _collected.extend(item.nodeid for item in session.items)


def pytest_collectreport(report: Any) -> None:
    if report.failed:  # the error is the traceback's last `E   ...` line
        errors = [line[1:].strip() for line in str(report.longrepr).splitlines() if line.startswith("E ")]
        _broken_modules[report.nodeid] = errors[-1] if errors else _first_line(report)


def pytest_runtest_logreport(report: Any) -> None:
    outcome = report.outcome  # an xfail is `skipped`, a strict xpass `failed`
    previous = _outcomes.get(report.nodeid)
    if previous is None or _RANK[outcome] > _RANK[previous["outcome"]]:
        reason = "" if outcome == "passed" else _first_line(report)
        _outcomes[report.nodeid] = {"outcome": outcome, "when": report.when, "reason": reason}


def pytest_sessionfinish(session: Any) -> None:
    path = os.environ.get("SDK_OUTCOMES")
    if not path:
        return
    with open(path, "w", encoding="utf-8") as out:
        json.dump({"collected": _collected, "outcomes": _outcomes, "broken_modules": _broken_modules}, out, indent=1)

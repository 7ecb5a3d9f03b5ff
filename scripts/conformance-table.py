#!/usr/bin/env python3
"""Writes the results table of docs/CONFORMANCE.md from a conformance run: one row per suite
(`--requirements 2025-11-25`, `--requirements 2026-07-28`, `--suite all`, the skills
scenarios), one column per
fixture, rewritten between the `conformance:begin` and `conformance:end` markers.

Input: the lines `scripts/conformance.sh` prints, one per fixture and suite, in the file
given as the only argument:

    conformance[rust] 2025-11-25: 30 passed, 0 failed
    conformance[client-rust] 2025-11-25: 4 passed, 0 failed, 14 expected failures

A cell the run did not produce (`--suite all` runs only with CONFORMANCE_ALL=1) keeps what
the table said before, so a short run never erases a long run's figures."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "CONFORMANCE.md"
BEGIN = "<!-- conformance:begin -->"
END = "<!-- conformance:end -->"
# Column order and titles: the fixtures scripts/conformance.sh runs.
FIXTURES = [
    ("rust", "Rust"),
    ("c", "C"),
    ("python", "Python"),
    ("python-asgi", "Python ASGI"),
    ("node", "Node"),
    ("node-express", "Node Express"),
    ("node-hono", "Node Hono"),
    ("node-transport", "Node transport"),
    ("python-sdk", "python-sdk everything server (stand-in)"),
    ("gateway-stdio", "Rust behind the gateway (stdio, shared)"),
    ("gateway-http", "Rust behind the gateway (HTTP, shared)"),
    ("gateway-session", "Rust behind the gateway (stdio, per session)"),
    ("client-rust", "Rust client"),
    ("client-python", "Python client"),
    ("client-node", "Node client"),
]
SUITES = [
    ("2025-11-25", "`--requirements 2025-11-25`"),
    ("2026-07-28", "`--requirements 2026-07-28`"),
    ("all", "`--suite all` (each scenario at its own wire)"),
    ("skills", "the three `sep-2640-skills-*` scenarios (`--force`, 2026-07-28)"),
]
LINE = re.compile(r"^conformance\[([a-z0-9-]+)\] (\S+): (.*)$")
COUNTS = re.compile(r"(\d+) passed, (\d+) failed")


def cell(text: str) -> str:
    match = COUNTS.search(text)
    if not match:
        return "did not run"
    passed, failed = match.groups()
    expected = re.search(r"(\d+) expected failures", text)
    tail = f" ({expected.group(1)} expected failures)" if expected else ""
    return f"**{passed} passed, {failed} failed**{tail}"


def previous(doc: str) -> dict[tuple[str, str], str]:
    """The cells of the table between the markers, by (suite, fixture)."""
    if BEGIN not in doc or END not in doc:
        return {}
    body = doc.split(BEGIN, 1)[1].split(END, 1)[0]
    rows = [line for line in body.splitlines() if line.startswith("|")]
    if len(rows) < 3:
        return {}
    titles = [t.strip() for t in rows[0].strip("|").split("|")][1:]
    keys = {title: key for key, title in FIXTURES}
    suites = {title: key for key, title in SUITES}
    cells: dict[tuple[str, str], str] = {}
    for row in rows[2:]:
        values = [v.strip() for v in row.strip("|").split("|")]
        suite = suites.get(values[0])
        if suite is None:
            continue
        for title, value in zip(titles, values[1:]):
            if title in keys and value != "–":
                cells[(suite, keys[title])] = value
    return cells


def render(cells: dict[tuple[str, str], str]) -> str:
    head = "| suite | " + " | ".join(title for _, title in FIXTURES) + " |"
    rule = "|---|" + "---|" * len(FIXTURES)
    rows = [head, rule]
    for suite, title in SUITES:
        if not any((suite, key) in cells for key, _ in FIXTURES):
            continue
        rows.append("| " + title + " | " + " | ".join(cells.get((suite, key), "–") for key, _ in FIXTURES) + " |")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: conformance-table.py RESULTS", file=sys.stderr)
        return 2
    doc = DOC.read_text(encoding="utf-8")
    if BEGIN not in doc or END not in doc:
        print(f"conformance-table: {DOC.name} has no {BEGIN} / {END} markers", file=sys.stderr)
        return 1
    cells = previous(doc)
    for line in Path(argv[1]).read_text(encoding="utf-8").splitlines():
        match = LINE.match(line.strip())
        if match:
            fixture, suite, text = match.groups()
            cells[(suite, fixture)] = cell(text)
    head, rest = doc.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    DOC.write_text(f"{head}{BEGIN}\n{render(cells)}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

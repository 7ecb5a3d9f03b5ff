"""Per-instance request counters, read from an instance's Prometheus `/metrics`
(`mcpforge_requests_total{method=...,name=...,outcome=...}`): how the scale-out tests prove which
instance served what.
"""

from __future__ import annotations

import re
import urllib.request
from collections import Counter

# Bound on one scrape: a healthy instance answers in milliseconds.
SCRAPE_TIMEOUT = 5.0

_SAMPLE = re.compile(r'^mcpforge_requests_total\{method="([^"]*)",name="(?:[^"\\]|\\.)*",outcome="([^"]*)"\} (\d+)$')


def parse(text: str) -> Counter[str]:
    """Requests per method (all names and outcomes together) in a `/metrics` page."""
    counts: Counter[str] = Counter()
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match:
            counts[match.group(1)] += int(match.group(3))
    return counts


def scrape(port: int) -> Counter[str]:
    """The counters of the instance listening on 127.0.0.1:`port` (empty if it is down)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=SCRAPE_TIMEOUT) as page:
            return parse(page.read().decode("utf-8"))
    except OSError:
        return Counter()


class Snapshot:
    """The counters of several instances at one moment, by instance name."""

    def __init__(self, ports: dict[str, int]) -> None:
        self.counts = {name: scrape(port) for name, port in ports.items()}

    def delta(self, later: Snapshot, method: str) -> dict[str, int]:
        """Requests of `method` each instance served between this snapshot and `later`
        (a restarted instance counts from zero)."""
        out = {}
        for name, counts in later.counts.items():
            before = self.counts.get(name, Counter())[method]
            now = counts[method]
            out[name] = now - before if now >= before else now
        return out

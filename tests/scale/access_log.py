"""The access log of the scale-out tests' nginx: the format nginx writes it in and its
parser. Per request it records what the instance-loss check reads: when the request ended
($msec), how long it took, its status, every upstream attempt (address, status, bytes
sent to it), its `Mcp-Method` and its path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Fields separated by `|` (addresses and lists of attempts contain spaces and commas).
LOG_FORMAT = "|".join(
    ["$msec", "$request_time", "$status", "$upstream_addr", "$upstream_status", "$upstream_bytes_sent", "$http_mcp_method", "$uri"]
)


@dataclass
class AccessEntry:
    """One request as nginx logged it."""

    end: float
    """Wall-clock time the request ended (seconds since the epoch, ms resolution)."""
    duration: float
    status: int
    attempts: list[tuple[str, str, int]]
    """Each upstream tried, in order: (address, status, bytes sent to it)."""
    method: str
    uri: str
    """The request's path (without the query)."""

    @property
    def start(self) -> float:
        """When nginx read the request's first bytes (ms resolution)."""
        return self.end - self.duration


def _items(value: str) -> list[str]:
    """The items of one of nginx's per-attempt lists (`a, b` and, across internal
    redirects, `a : b`)."""
    return [v.strip() for v in value.replace(" : ", ", ").split(",")]


def parse(path: Path) -> list[AccessEntry]:
    """The requests in an access log written in LOG_FORMAT."""
    entries = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("|")
        if len(parts) != LOG_FORMAT.count("|") + 1:
            continue
        msec, request_time, status, addrs, statuses, sent, method, uri = parts
        attempts = [
            (addr, code, int(sent_bytes) if sent_bytes.isdigit() else 0)
            for addr, code, sent_bytes in zip(_items(addrs), _items(statuses), _items(sent))
            if addr not in ("", "-")
        ]
        entries.append(AccessEntry(float(msec), float(request_time), int(status), attempts, method, uri))
    return entries

"""What the production server knows about its own health and the machine it runs on: the
``HealthMonitor`` (the error rate of recent tool calls), the process's resident memory, and
``system_info``.

The monitor keeps the outcome of each tool call of the last ``window_seconds`` (at most
``MAX_SAMPLES`` of them, the oldest dropped first) and reports ``degraded`` when at least
``min_calls`` calls fell in the window and the share of errors among them is above
``error_rate_threshold``.
"""

from __future__ import annotations

import os
import platform
import resource
import socket
import sys
import threading
import time
from collections import deque
from typing import Any, Deque, Dict, Optional, Tuple

MAX_SAMPLES = 100_000


class HealthMonitor:
    """Outcomes of recent calls, and the status their error rate gives."""

    def __init__(self, window_seconds: float = 60.0, error_rate_threshold: float = 0.5, min_calls: int = 10) -> None:
        self.window_seconds, self.error_rate_threshold, self.min_calls = window_seconds, error_rate_threshold, min_calls
        self._samples: Deque[Tuple[float, bool]] = deque(maxlen=MAX_SAMPLES)
        self._lock = threading.Lock()

    def record(self, ok: bool) -> None:
        """One call finished, successfully or not."""
        with self._lock:
            self._samples.append((time.monotonic(), ok))

    def snapshot(self) -> Dict[str, Any]:
        """The calls and errors in the window, their rate, and whether it makes the server degraded."""
        with self._lock:
            horizon = time.monotonic() - self.window_seconds
            while self._samples and self._samples[0][0] < horizon:
                self._samples.popleft()
            calls = len(self._samples)
            errors = sum(1 for _, ok in self._samples if not ok)
        rate = errors / calls if calls else 0.0
        return {"window_seconds": self.window_seconds, "calls": calls, "errors": errors, "error_rate": round(rate, 4),
                "threshold": self.error_rate_threshold, "min_calls": self.min_calls,
                "degraded": calls >= self.min_calls and rate > self.error_rate_threshold}


def rss_bytes() -> Optional[int]:
    """The process's resident memory now (Linux: /proc/self/statm); elsewhere its peak
    (``getrusage``), which is what the platform offers without a dependency."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def meminfo() -> Dict[str, int]:
    """MemTotal and MemAvailable in bytes, from /proc/meminfo (empty where there is none)."""
    wanted = {"MemTotal": "total_bytes", "MemAvailable": "available_bytes"}
    found: Dict[str, int] = {}
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                name, _, rest = line.partition(":")
                if name in wanted:
                    found[wanted[name]] = int(rest.split()[0]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return found


def system_info(started: float) -> Dict[str, Any]:
    """The machine (host name, OS, kernel, architecture, CPUs, load, memory) and this process
    (pid, Python, resident memory, threads, uptime since ``started``, a ``time.monotonic()``)."""
    uname = platform.uname()
    try:
        load: Optional[list[float]] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "hostname": socket.gethostname(),
        "os": uname.system,
        "kernel": uname.release,
        "architecture": uname.machine,
        "cpu_count": os.cpu_count(),
        "load_average": load,
        "memory": meminfo(),
        "process": {
            "pid": os.getpid(),
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "rss_bytes": rss_bytes(),
            "threads": threading.active_count(),
            "uptime_seconds": round(time.monotonic() - started, 3),
        },
    }

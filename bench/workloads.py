"""The workloads of ``make bench-peers`` and their sizes.

Every size has an environment variable for quick runs (``BENCH_SEQ_CALLS=2000 make
bench-peers``); a run with any size changed is not a full run, and its report goes to
target/bench-peers/ instead of docs/.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from subjects import Subject


@dataclass(frozen=True)
class Size:
    """A size that an environment variable may override."""

    env: str
    default: float
    what: str

    def value(self) -> float:
        """The size in force."""
        raw = os.environ.get(self.env)
        return self.default if raw is None else float(raw)

    def changed(self) -> bool:
        """True when the environment overrides the default with another value."""
        return self.value() != self.default


SIZES: dict[str, Size] = {
    "rounds": Size("BENCH_ROUNDS", 3, "alternating rounds; each figure is the median"),
    "seq": Size("BENCH_SEQ_CALLS", 20_000, "calls in stdio sequential"),
    "pipe": Size("BENCH_PIPE_CALLS", 100_000, "calls in stdio pipelined"),
    "large": Size("BENCH_LARGE_CALLS", 2_000, "calls in the 100 KiB echo"),
    "http": Size("BENCH_HTTP_SECONDS", 10, "seconds per HTTP configuration"),
    "slow": Size("BENCH_SLOW_CALLS", 640, "calls in the slow-handler workload"),
    "cold": Size("BENCH_COLD_STARTS", 5, "server starts per cold-start measurement"),
}


def full_size() -> bool:
    """True when every size is its default (a run whose report may go into docs/)."""
    return not any(size.changed() for size in SIZES.values())


def n(key: str) -> str:
    """A size as a command-line argument."""
    value = SIZES[key].value()
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class Workload:
    """One measurement: what mcpforge-load is told to do, and which subjects it applies to."""

    key: str
    title: str
    what: str
    needs: str
    """``stdio`` (echo over stdio), ``add`` (add over stdio), ``http`` or ``slow``."""
    args: tuple[str, ...]
    """mcpforge-load arguments before ``--``."""
    compare_floor: bool = False
    wire: str = ""
    """The HTTP wire (``2026`` or ``legacy``) of an HTTP workload."""
    one_cpu: bool = False
    """Run the load tool and the server on one CPU (see ``stdio-seq-1cpu``)."""

    def applies_to(self, subject: Subject) -> bool:
        """Whether ``subject`` can run this workload."""
        if self.needs == "http":
            return subject.http and self.wire in subject.wires
        if not subject.serves_stdio:
            return False
        if self.one_cpu and not hasattr(os, "sched_setaffinity"):
            return False  # no way to keep the two processes on one CPU here (not Linux)
        if self.needs == "slow":
            return subject.slow is not None
        if self.needs == "add":
            return "add" in subject.tools
        return True

    def command(self, subject: Subject) -> tuple[str, ...]:
        """The server command for ``subject``."""
        if self.needs == "http":
            return subject.http_command()
        if self.needs == "slow":
            assert subject.slow is not None
            return subject.slow
        return subject.stdio

    def load_args(self) -> list[str]:
        """mcpforge-load's arguments, sizes filled in."""
        return [arg.format(**{key: n(key) for key in SIZES}) for arg in self.args]


# stdio workloads use the legacy handshake: the floor knows no other, and the figures stay
# comparable with `make bench`. HTTP runs both wires.
STDIO = ("--wire", "legacy")
ECHO = ("--expect-echo",)
URL = ("--url", "http://127.0.0.1:{{port}}/mcp")


def http_workload(wire: str, connections: int) -> Workload:
    """Echo over Streamable HTTP on ``wire`` with ``connections`` keep-alive connections."""
    label = "2026 stateless" if wire == "2026" else "legacy sessions"
    return Workload(
        key=f"http-{wire}-{connections}",
        title=f"HTTP {label}, {connections} connection" + ("" if connections == 1 else "s"),
        what=f"echo over Streamable HTTP, {connections} keep-alive connections in closed loops for {{http}} s "
        + ("(per-request `_meta`, no session)" if wire == "2026" else "(one session per connection)"),
        needs="http",
        wire=wire,
        args=(*URL, "--wire", wire, "-c", str(connections), "-d", "{http}", "--warmup", "200", *ECHO),
    )


SEQUENTIAL = Workload(
    key="stdio-seq",
    title="stdio sequential",
    what='{seq} calls of echo {{"text":"hello"}}, one at a time',
    needs="stdio",
    args=(*STDIO, "-n", "{seq}", "--warmup", "1000", *ECHO),
    compare_floor=True,
)

WORKLOADS: list[Workload] = [
    SEQUENTIAL,
    # The same calls with the load tool and the server on one CPU, where each hands the CPU
    # to the other: the round trip is the two processes' own work and two context switches.
    # On a virtual machine a sequential round trip across two CPUs also pays for waking the
    # idle one twice, which can be most of it and differs from machine to machine
    # (docs/BENCHMARKS.md, "Sequential latency and idle CPUs").
    replace(
        SEQUENTIAL,
        key="stdio-seq-1cpu",
        title="stdio sequential, one CPU",
        what='{seq} calls of echo {{"text":"hello"}}, one at a time, the load tool and the server on one CPU',
        one_cpu=True,
    ),
    Workload(
        key="stdio-pipe",
        title="stdio pipelined",
        what="{pipe} calls of echo with 64 requests in flight",
        needs="stdio",
        args=(*STDIO, "-c", "64", "-n", "{pipe}", "--warmup", "1000", *ECHO),
        compare_floor=True,
    ),
    Workload(
        key="stdio-100k",
        title="100 KiB echo",
        what="{large} calls echoing 102,400 bytes of text, one at a time",
        needs="stdio",
        args=(*STDIO, "-n", "{large}", "--warmup", "20", "--text-size", "102400", *ECHO),
        compare_floor=True,
    ),
    http_workload("2026", 16),
    http_workload("legacy", 16),
    http_workload("2026", 64),
    http_workload("legacy", 64),
    Workload(
        key="slow",
        title="slow handler",
        what="{slow} calls of `slow` (its handler takes 10 ms) with 64 in flight over stdio: "
        "about 6,400 calls/s if calls overlap, 100 if the framework runs them one at a time",
        needs="slow",
        args=(*STDIO, "-c", "64", "-n", "{slow}", "--warmup", "64", "--tool", "slow", "--args", "{{}}",
              "--expect", "done"),
    ),
    Workload(
        key="cold-start",
        title="cold start",
        what='spawn to the first answered add {{"a":1,"b":2}} over stdio, median of {cold} starts',
        needs="add",
        args=(*STDIO, "--cold-start", "{cold}", "--tool", "add", "--args", '{{"a":1,"b":2}}', "--expect", "3"),
    ),
]

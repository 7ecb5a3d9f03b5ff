"""The short form of the soak of mixed hostile traffic (`make soak-hostile` runs the long
one) against the Python server with every hook on (bench/servers/python/hooks_server.py):
idle WebSockets past the connection limit, unique 64 KiB tool names, clients that never
read, a flood of `initialize`, and a steady client. The server's memory and open files must
stay flat after warm-up and the steady client must get every answer.

36 s with a sample every 3 s (the first 3 samples are the warm-up), the server limited to
256 open files (192 connections) against 200 idle WebSockets, and 100 `initialize` a second
against 500 sessions, so every cap is reached during the warm-up. The Rust hooks server
runs the same form in load/tests/hostile.rs."""

from __future__ import annotations

import support
from support import REPO_ROOT, fixture_command

# A bound on the run (36 s of traffic), not an expectation.
RUN_BOUND = 120.0


def test_mixed_hostile_traffic_leaves_the_python_hooks_server_flat_and_serving() -> None:
    python = fixture_command("python")[0]
    out = support.hostile(
        "mixed", "--seconds", "36", "--sample-secs", "3", "--files", "256", "--websockets", "200",
        "--sessions-per-sec", "100", "--",
        python, str(REPO_ROOT / "bench/servers/python/hooks_server.py"), "--max-sessions", "500",
        bound=RUN_BOUND,
    )
    assert "flat after warm-up, and the steady client got every answer" in out, out

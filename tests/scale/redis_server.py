"""The Redis of the scale-out tests: Debian's `redis-server` on a loopback port, without
persistence, its working directory in the scratch directory, in the foreground so this
process owns it; stopped (and startable again on the same port) on demand.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from support import stop_process

START_BOUND = 10.0
STOP_BOUND = 10.0


def redis_binary() -> str:
    """redis-server from PATH, or Debian's /usr/bin/redis-server."""
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").is_file() else None
    )
    if found is None:
        raise RuntimeError("redis-server is not installed: run scripts/setup-scale.sh")
    return found


class RedisServer:
    """One redis-server on 127.0.0.1:`port`."""

    def __init__(self, scratch: Path, port: int) -> None:
        self.scratch = scratch
        self.port = port
        self.log = scratch / "redis.log"
        self.proc: subprocess.Popen[bytes] | None = None
        scratch.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        """What the instances are given as MCPFORGE_SHARED_STORE."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Starts the server and waits (bounded) until it answers PING."""
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        args += ["--dir", str(self.scratch), "--logfile", str(self.log)]
        self.proc = subprocess.Popen([redis_binary(), *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + START_BOUND
        while not self.answers():
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.proc.returncode}; see {self.log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not answer within {START_BOUND} s")
            time.sleep(0.02)

    def answers(self) -> bool:
        """True when a PING gets PONG."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after STOP_BOUND. Safe to call twice."""
        stop_process(self.proc, STOP_BOUND)

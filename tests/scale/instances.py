"""The mcpforge instances of the scale-out tests: one example server process per loopback
port, all sharing one `MCPFORGE_STATE_KEY`, each started, killed, restarted and stopped by
this process under bounded waits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from support import REPO_ROOT, answers_readyz, stop_process

# How long an instance may take to answer /readyz, or to stop after SIGTERM.
START_BOUND = 20.0
STOP_BOUND = 15.0


class Instance:
    """One server process serving Streamable HTTP on 127.0.0.1:`port`."""

    def __init__(
        self,
        name: str,
        binary: Path,
        port: int,
        state_key: str,
        scratch: Path,
        env: dict[str, str] | None = None,
        args: list[str] | None = None,
        lead: list[str] | None = None,
    ) -> None:
        """`env`: more environment for the process (e.g. where a shared store is); `args`: more
        arguments after `--http ADDRESS` (e.g. `--auth JSON`); `lead`: arguments before it (a
        subcommand, such as `gateway`)."""
        self.name = name
        self.binary = binary
        self.port = port
        self.state_key = state_key
        self.env = env or {}
        self.args = args or []
        self.lead = lead or []
        self.log = scratch / f"{name}.stderr.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        """`127.0.0.1:PORT`, as nginx names it."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        """Starts the process and waits (bounded) until /readyz answers 200."""
        env = {**os.environ, **self.env, "MCPFORGE_STATE_KEY": self.state_key}
        with open(self.log, "ab") as stderr:
            self.proc = subprocess.Popen(
                [str(self.binary), *self.lead, "--http", self.address, *self.args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                cwd=REPO_ROOT,
                env=env,
            )
        deadline = time.monotonic() + START_BOUND
        while not answers_readyz(self.port):
            if self.proc.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; its stderr ends:\n{tail}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not get ready within {START_BOUND} s")
            time.sleep(0.02)

    @property
    def pid(self) -> int | None:
        """The running process, if any."""
        return self.proc.pid if self.proc is not None and self.proc.poll() is None else None

    def kill(self) -> None:
        """SIGKILL: the instance dies with whatever it was doing."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(STOP_BOUND)

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL after STOP_BOUND. Safe to call twice."""
        stop_process(self.proc, STOP_BOUND)


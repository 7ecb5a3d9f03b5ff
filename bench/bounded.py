"""A benchmark program run to its end or stopped with everything it started: the one way
bench/run.py and bench/clients.py start the programs they measure."""

from __future__ import annotations

import os
import signal
import subprocess
from typing import Callable, Optional, Sequence


def run_bounded(command: Sequence[str], limit_s: float,
                preexec_fn: Optional[Callable[[], None]] = None) -> tuple[Optional[int], bytes, bytes]:
    """Runs ``command`` in a session of its own: ``(exit status, stdout, stderr)``, the
    status ``None`` when it ran past ``limit_s`` and was killed with its whole session (the
    servers it started too)."""
    process = subprocess.Popen(list(command), stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=preexec_fn)
    try:
        stdout, stderr = process.communicate(timeout=limit_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        return None, stdout, stderr
    return process.returncode, stdout, stderr

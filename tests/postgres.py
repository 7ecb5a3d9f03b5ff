"""A PostgreSQL server for the tests that need one: Debian's initdb and pg_ctl, a cluster in a
scratch directory on a free port of 127.0.0.1 (run as the `postgres` system user when the
tests run as root), trusting local connections, stopped and removed when done.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from support import free_port

PG_BOUND = 60  # seconds for initdb, start and stop, each


def pg_bin(name: str) -> str:
    """A PostgreSQL program from PATH or Debian's versioned directory (the newest)."""
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)), None)
    if not found:
        pytest.fail(f"PostgreSQL's {name} is missing: run scripts/setup-examples-python.sh (installs Debian's postgresql)",
                    pytrace=False)
    return str(found)


class Cluster(NamedTuple):
    port: int  # on 127.0.0.1; the superuser is `postgres`, trusted
    scratch: Path  # the server's scratch directory (readable and writable by its programs)


@contextlib.contextmanager
def running_postgres() -> Iterator[Cluster]:
    """A fresh PostgreSQL server; stopped and its directory removed on exit."""
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    scratch = Path(tempfile.mkdtemp(prefix="mcpforge-pg-"))  # readable by the postgres user, unlike pytest's tmp
    data, port = scratch / "data", free_port()

    def pg(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*as_postgres, *command], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=PG_BOUND, check=False, cwd=scratch)

    try:
        if as_postgres:
            shutil.chown(scratch, "postgres")
        init = pg(pg_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        if init.returncode != 0:
            pytest.fail(f"initdb failed: {init.stderr}", pytrace=False)
        # jit=off: compiling the plan of a query whose estimated cost is large takes half a second
        # on a busy machine, all of it inside a test's short statement limit.
        options = f"-h 127.0.0.1 -p {port} -k {scratch} -c fsync=off -c jit=off"
        start = pg(pg_bin("pg_ctl"), "-D", str(data), "-l", str(scratch / "log"), "-o", options, "-w", "-t", "30", "start")
        if start.returncode != 0:
            log = (scratch / "log").read_text() if (scratch / "log").exists() else ""
            pytest.fail(f"PostgreSQL did not start: {start.stderr}{start.stdout}{log}", pytrace=False)
        try:
            yield Cluster(port, scratch)
        finally:
            stop = pg(pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "-t", "30", "stop")
            assert stop.returncode == 0, f"PostgreSQL did not stop: {stop.stderr}"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

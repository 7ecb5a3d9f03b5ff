"""What the tests of the `mcpforge` command share: where each install of the command is,
and running it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support import REPO_ROOT, target_dir

BINARY = target_dir() / "debug" / "mcpforge"
QUICKSTART = target_dir() / "debug" / "quickstart"
SCRIPT = Path(sys.executable).parent / "mcpforge"
NODE_BIN = REPO_ROOT / "bindings-node" / "bin" / "mcpforge.js"
PYTHON_SERVER = REPO_ROOT / "examples" / "python" / "basic_server.py"

# Every command ends well within this (a server starts and answers in well under a second).
BOUND = 60.0


def mcpforge(
    *args: str, via: str = "cargo", env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Runs the command `via` the cargo binary, the Python console script or the Node bin,
    `input` (if any) on its stdin."""
    prefix = {"cargo": [str(BINARY)], "python": [str(SCRIPT)], "node": ["node", str(NODE_BIN)]}[via]
    environment = {**os.environ, "MCPFORGE_PYTHON": sys.executable, **(env or {})}
    stdin = {"input": input} if input is not None else {"stdin": subprocess.DEVNULL}
    return subprocess.run(
        [*prefix, *args], capture_output=True, text=True, timeout=BOUND, env=environment, cwd=REPO_ROOT, **stdin
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"status {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    return result.stdout

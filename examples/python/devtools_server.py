"""A developer-tools MCP server for one project: ``git_status``, ``git_log``, ``run_tests``
and ``lint``.

Every command runs as an argument list (never through a shell) in the project root, with a
time limit, standard input closed and its output truncated, so nothing the model passes can
become a command. The test and lint commands are fixed on the command line; the model can
only narrow them to existing paths inside the project: ``..``, absolute paths, symlinks
that lead out, and anything that reads as an option (``-x``, ``--flag``) or as an argument
file (``@file``, which pytest and other argparse programs expand into arguments) are
refused, the last two also after normalization (``./-x``). The paths go after ``--``, so the
configured commands must accept it (pytest, ruff, mypy and compileall do), and git takes
them as literal paths (``GIT_LITERAL_PATHSPECS``), never as pathspec magic.

    python examples/python/devtools_server.py [--test-cmd "python -m pytest -q"]
        [--lint-cmd "python -m compileall -q"] [--timeout SECONDS] [--http HOST:PORT] PROJECT_ROOT
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Dict, List, Optional

import mcpforge
from mcpforge import Field, Server, ToolError

MAX_OUTPUT_CHARS = 20_000

server = Server(
    "mcpforge-devtools",
    version=mcpforge.__version__,
    instructions="Inspect the project's git state, run its tests and its linter.",
)

ROOT = Path(".").resolve()
TEST_COMMAND: List[str] = [sys.executable, "-m", "pytest", "-q"]
LINT_COMMAND: List[str] = [sys.executable, "-m", "compileall", "-q"]
TIMEOUT = 120.0


def run(command: List[str], timeout: Optional[float] = None) -> subprocess.CompletedProcess[str]:
    """Runs ``command`` in the project root, no shell, bounded in time; output is text."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "PAGER": "cat", "NO_COLOR": "1",
           "GIT_LITERAL_PATHSPECS": "1"}
    try:
        return subprocess.run(command, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              errors="replace", timeout=timeout or TIMEOUT, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise ToolError(f"{shlex.join(command)} did not finish within {timeout or TIMEOUT:g} s and was stopped") from None
    except OSError as e:
        raise ToolError(f"cannot run {command[0]}: {e.strerror}") from None


def git(*args: str) -> str:
    done = run(["git", "--no-pager", *args], timeout=min(TIMEOUT, 30))
    if done.returncode != 0:
        raise ToolError(f"git {args[0]} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


def project_paths(paths: List[str]) -> List[str]:
    """``paths`` checked to be existing paths inside the project, neither options nor
    argument files, in their normalized form (to be passed after ``--``)."""
    checked = []
    for path in paths:
        relative = PurePosixPath(path)
        if not path or path.startswith(("-", "@")) or relative.as_posix().startswith(("-", "@")):
            raise ToolError(f"not a path: {path!r} (options and @argument files cannot be passed)")
        if relative.is_absolute() or ".." in relative.parts:
            raise ToolError(f"paths must be relative to the project, without '..': {path!r}")
        real = (ROOT / relative).resolve()
        if real != ROOT and ROOT not in real.parents:
            raise ToolError(f"{path!r} resolves outside the project")
        if not real.exists():
            raise ToolError(f"no such file or directory in the project: {path!r}")
        checked.append(relative.as_posix())
    return checked


def tail(text: str) -> str:
    return text if len(text) <= MAX_OUTPUT_CHARS else "…" + text[-MAX_OUTPUT_CHARS:]


@server.tool(title="git status", annotations={"readOnlyHint": True})
def git_status() -> Dict[str, Any]:
    """The current branch, its upstream divergence, and the changed, staged and untracked files."""
    lines = git("status", "--porcelain=v1", "--branch", "-z").split("\0")
    header, entries = lines[0], [line for line in lines[1:] if line]
    branch = header[3:].split("...")[0] if header.startswith("## ") else None
    files = []
    skip = False
    for entry in entries:
        if skip:  # the source of a rename
            skip = False
            continue
        index, worktree, path = entry[0], entry[1], entry[3:]
        skip = "R" in (index, worktree) or "C" in (index, worktree)
        files.append({"path": path, "index": index.strip() or None, "worktree": worktree.strip() or None,
                      "untracked": index == "?"})
    return {"branch": branch, "clean": not files, "files": files}


@server.tool(title="git log", annotations={"readOnlyHint": True})
def git_log(
    max_count: Annotated[int, Field(ge=1, le=200, description="How many commits.")] = 10,
    path: Annotated[Optional[str], "Only commits touching this path."] = None,
) -> Dict[str, Any]:
    """The latest commits: hash, author, date (ISO 8601) and subject."""
    args = ["log", f"--max-count={max_count}", "--format=%H%x1f%an%x1f%aI%x1f%s%x1e"]
    if path is not None:
        args += ["--", *project_paths([path])]
    commits = []
    for record in git(*args).split("\x1e"):
        fields = record.strip("\n").split("\x1f")
        if len(fields) == 4:
            commits.append(dict(zip(("hash", "author", "date", "subject"), fields)))
    return {"commits": commits}


@server.tool(title="Run the tests", annotations={"readOnlyHint": False, "destructiveHint": False})
def run_tests(paths: Annotated[List[str], "Test files or directories to limit the run to."] = []) -> Dict[str, Any]:  # noqa: B006
    """Run the project's test command (optionally on some paths) and report whether it passed."""
    checked = project_paths(paths)
    command = TEST_COMMAND + (["--", *checked] if checked else [])
    done = run(command)
    return {"command": shlex.join(command), "exit_code": done.returncode, "passed": done.returncode == 0,
            "output": tail(done.stdout + done.stderr)}


@server.tool(title="Lint", annotations={"readOnlyHint": True})
def lint(paths: Annotated[List[str], "Files or directories to lint (default: the project)."] = []) -> Dict[str, Any]:  # noqa: B006
    """Run the project's linter and report its findings."""
    command = LINT_COMMAND + ["--", *(project_paths(paths) or ["."])]
    done = run(command)
    return {"command": shlex.join(command), "exit_code": done.returncode, "clean": done.returncode == 0,
            "output": tail(done.stdout + done.stderr)}


def main() -> int:
    global ROOT, TEST_COMMAND, LINT_COMMAND, TIMEOUT
    parser = argparse.ArgumentParser(description="git, tests and lint of one project over MCP")
    parser.add_argument("root", help="the project root (a git work tree)")
    parser.add_argument("--test-cmd", help="the test command (default: python -m pytest -q)")
    parser.add_argument("--lint-cmd", help="the lint command, given paths (default: python -m compileall -q)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds a test or lint run may take (default 120)")
    parser.add_argument("--http", metavar="HOST:PORT", help="serve Streamable HTTP at /mcp instead of stdio")
    args = parser.parse_args()
    ROOT = Path(args.root).resolve()
    if not ROOT.is_dir():
        parser.error(f"{args.root} is not a directory")
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    TIMEOUT = args.timeout
    TEST_COMMAND = shlex.split(args.test_cmd) if args.test_cmd else TEST_COMMAND
    LINT_COMMAND = shlex.split(args.lint_cmd) if args.lint_cmd else LINT_COMMAND
    server.serve(http=args.http)  # stdio, or HTTP with --http; returns on EOF, Ctrl-C or SIGTERM
    return 0


if __name__ == "__main__":
    sys.exit(main())

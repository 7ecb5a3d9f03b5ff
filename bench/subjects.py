"""The subjects of ``make bench-peers``: every server that is measured, how to start it, and
how to tell whether it is there.

A subject is one entry in ``SUBJECTS``. A subject whose files or probe are missing is skipped
with the reason and the hint printed (and written into docs/BENCHMARKS.md), never an error.
Paths are relative to the repository root, which is the working directory of every command.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

PEERS_PYTHON = "target/peers/venv/bin/python"
HTTP_ARGS = ("--http", "127.0.0.1:{port}")


@dataclass(frozen=True)
class Subject:
    """One server under test."""

    key: str
    """Short name used in tables, the chart and the results file."""
    language: str
    framework: str
    """What it is built with, as a reader would name it."""
    kind: str
    """``mcpforge``, ``peer``, ``floor``, or ``base`` (mcpforge built from an earlier revision)."""
    stdio: tuple[str, ...]
    """Command serving stdio with the tools ``echo`` and ``add``."""
    http: bool = True
    """The same command plus ``--http 127.0.0.1:{port}`` serves Streamable HTTP at ``/mcp``."""
    wires: tuple[str, ...] = ("2026", "legacy")
    """The HTTP wires it speaks: ``2026`` (stateless, per-request ``_meta``) and ``legacy``
    (sessions after ``initialize``)."""
    serves_stdio: bool = True
    """False for a subject measured over HTTP only (the command serves nothing useful alone)."""
    slow: tuple[str, ...] | None = None
    """Command serving stdio with the tool ``slow``; None: the workload does not apply."""
    tools: tuple[str, ...] = ("echo", "add")
    needs: tuple[str, ...] = ()
    """Files that must exist."""
    probe: tuple[str, ...] | None = None
    """A command that must exit 0 (e.g. an import)."""
    hint: str = ""
    """What makes the subject available."""

    def http_command(self) -> tuple[str, ...]:
        """The command serving HTTP on ``{port}``."""
        return self.stdio + HTTP_ARGS

    def missing(self) -> str | None:
        """Why the subject cannot run now, or None when it can."""
        for path in self.needs:
            if not os.path.exists(path):
                return f"{path} is missing ({self.hint})"
        if self.probe is not None:
            try:
                done = subprocess.run(self.probe, capture_output=True, timeout=60, check=False)
            except (OSError, subprocess.TimeoutExpired) as e:
                return f"`{' '.join(self.probe)}` failed: {e} ({self.hint})"
            if done.returncode != 0:
                last = (done.stderr.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
                return f"`{' '.join(self.probe)}` failed: {last} ({self.hint})"
        return None


def _peer(key: str, language: str, framework: str, command: tuple[str, ...], needs: str,
          module: str | None = None, wires: tuple[str, ...] = ("2026", "legacy")) -> Subject:
    """A peer: one server file with all three tools, installed by scripts/setup-peers.sh;
    ``module`` is a Python module its interpreter must be able to import."""
    probe = (command[0], "-c", f"import {module}") if module else None
    return Subject(key=key, language=language, framework=framework, kind="peer", stdio=command, slow=command,
                   needs=(needs,), probe=probe, hint="scripts/setup-peers.sh", wires=wires)


def _http_only(key: str, language: str, framework: str, kind: str, command: tuple[str, ...], needs: tuple[str, ...],
               hint: str, probe: tuple[str, ...] | None = None) -> Subject:
    """A subject measured over HTTP only: ``command`` plus ``--http`` serves it."""
    return Subject(key=key, language=language, framework=framework, kind=kind, stdio=command, serves_stdio=False,
                   needs=needs, probe=probe, hint=hint)


SUBJECTS: list[Subject] = [
    Subject(
        key="floor",
        language="Rust",
        framework="bare serde_json echo loop (examples/rust/src/bin/echo_floor.rs)",
        kind="floor",
        stdio=("target/release/echo_floor",),
        http=False,
        tools=("echo",),
        needs=("target/release/echo_floor",),
        hint="make bench-servers",
    ),
    Subject(
        key="mcpforge-rust",
        language="Rust",
        framework="mcpforge (examples/rust quickstart)",
        kind="mcpforge",
        stdio=("target/release/quickstart",),
        slow=("target/release/slow_server",),
        needs=("target/release/quickstart", "target/release/slow_server"),
        hint="make bench-servers",
    ),
    Subject(
        key="mcpforge-c",
        language="C",
        framework="mcpforge C ABI (examples/c/quickstart.c, release libmcpforge)",
        kind="mcpforge",
        stdio=("target/bench/c/quickstart",),
        http=False,
        slow=("target/bench/c/slow_server",),
        needs=("target/bench/c/quickstart", "target/bench/c/slow_server"),
        hint="make bench-servers",
    ),
    Subject(
        key="mcpforge-python",
        language="Python",
        framework="mcpforge Python binding (examples/python/quickstart.py, release wheel)",
        kind="mcpforge",
        stdio=(PEERS_PYTHON, "examples/python/quickstart.py"),
        slow=(PEERS_PYTHON, "bench/servers/python/slow_server.py"),
        needs=(PEERS_PYTHON, "examples/python/quickstart.py"),
        probe=(PEERS_PYTHON, "-c", "import mcpforge"),
        hint="make bench-bindings builds the Python binding in release into target/peers/venv",
    ),
    Subject(
        key="mcpforge-node",
        language="Node",
        framework="mcpforge Node binding (examples/node/quickstart.mjs, release addon)",
        kind="mcpforge",
        stdio=("node", "target/bench/node/quickstart.mjs"),
        slow=("node", "target/bench/node/slow_server.mjs"),
        needs=("target/bench/node/quickstart.mjs", "target/bench/node/slow_server.mjs"),
        hint="make bench-bindings builds the Node binding in release into target/bench/node",
    ),
    Subject(
        key="mcpforge-python-compat",
        language="Python",
        framework="the python-sdk peer on mcpforge, only its import line changed (bench/servers/python/compat_server.py)",
        kind="mcpforge",
        stdio=(PEERS_PYTHON, "bench/servers/python/compat_server.py"),
        slow=(PEERS_PYTHON, "bench/servers/python/compat_server.py"),
        tools=("echo", "add", "slow"),
        needs=(PEERS_PYTHON,),
        probe=(PEERS_PYTHON, "-c", "import mcpforge"),
        hint="make bench-bindings builds the Python binding in release into target/peers/venv",
    ),
    Subject(
        key="mcpforge-python-noedit",
        language="Python",
        framework="the python-sdk peer program itself, unedited, under the stand-in (mcpforge sdk -- bench/peers/python_sdk_server.py)",
        kind="mcpforge",
        stdio=(PEERS_PYTHON, "-m", "mcpforge.sdk", "bench/peers/python_sdk_server.py"),
        slow=(PEERS_PYTHON, "-m", "mcpforge.sdk", "bench/peers/python_sdk_server.py"),
        tools=("echo", "add", "slow"),
        needs=(PEERS_PYTHON,),
        probe=(PEERS_PYTHON, "-c", "import mcpforge, mcp"),
        hint="make bench-bindings builds the Python binding in release into target/peers/venv",
    ),
    _http_only(
        "mcpforge-python-asgi",
        "Python",
        "the same program's streamable_http_app() under uvicorn (compat_server.py --asgi)",
        "mcpforge",
        (PEERS_PYTHON, "bench/servers/python/compat_server.py", "--asgi"),
        (PEERS_PYTHON,),
        "make bench-bindings builds the Python binding in release into target/peers/venv",
        probe=(PEERS_PYTHON, "-c", "import mcpforge, uvicorn"),
    ),
    Subject(
        key="mcpforge-node-compat",
        language="Node",
        framework="the ts-sdk peer on mcpforge, only its imports changed (bench/servers/node/compat_server.mjs): serveStdio, HTTP on the engine's listener",
        kind="mcpforge",
        stdio=("node", "target/bench/node/compat_server.mjs"),
        slow=("node", "target/bench/node/compat_server.mjs"),
        tools=("echo", "add", "slow"),
        needs=("target/bench/node/compat_server.mjs",),
        hint="make bench-bindings builds the Node binding in release into target/bench/node",
    ),
    Subject(
        key="mcpforge-node-sdk1",
        language="Node",
        framework="the ts-sdk1 peer on mcpforge, only its `@modelcontextprotocol/sdk/` imports changed to "
        "`mcpforge/` (made from bench/peers/ts_sdk1_server.mjs): StdioServerTransport, Express with a "
        "StreamableHTTPServerTransport per session",
        kind="mcpforge",
        stdio=("node", "target/bench/node/sdk1_server.mjs"),
        slow=("node", "target/bench/node/sdk1_server.mjs"),
        tools=("echo", "add", "slow"),
        wires=("legacy",),
        needs=("target/bench/node/sdk1_server.mjs", "target/bench/node/node_modules/express/package.json"),
        hint="make bench-bindings builds the Node binding in release into target/bench/node",
    ),
    Subject(
        key="mcpforge-node-noedit",
        language="Node",
        framework="the ts-sdk1 peer file itself, unedited, under the stand-in for @modelcontextprotocol/sdk "
        "(target/bench/node-noedit: the tree the `overrides` step of docs/node.md installs)",
        kind="mcpforge",
        stdio=("node", "target/bench/node-noedit/ts_sdk1_server.mjs"),
        slow=("node", "target/bench/node-noedit/ts_sdk1_server.mjs"),
        tools=("echo", "add", "slow"),
        wires=("legacy",),
        needs=("target/bench/node-noedit/ts_sdk1_server.mjs",
               "target/bench/node-noedit/node_modules/mcpforge-upstream-sdk/package.json"),
        hint="make bench-bindings builds the Node binding in release and lays out target/bench/node-noedit",
    ),
    _http_only(
        "mcpforge-node-express",
        "Node",
        "the same program in Express 5, a StreamableHTTPServerTransport per session (compat_server.mjs --express)",
        "mcpforge",
        ("node", "target/bench/node/compat_server.mjs", "--express"),
        ("target/bench/node/compat_server.mjs", "target/bench/node/node_modules/express/package.json"),
        "make bench-bindings builds the Node binding in release into target/bench/node",
    ),
    _http_only(
        "mcpforge-node-handler",
        "Node",
        "the same program with the ts-sdk peer's own HTTP code: createMcpHandler(factory) behind node:http (compat_server.mjs --handler)",
        "mcpforge",
        ("node", "target/bench/node/compat_server.mjs", "--handler"),
        ("target/bench/node/compat_server.mjs",),
        "make bench-bindings builds the Node binding in release into target/bench/node",
    ),
    _http_only(
        "uvicorn-floor",
        "Python",
        "host floor of mcpforge-python-asgi: Starlette under uvicorn answering from a constant table (bench/servers/python/host_floor.py)",
        "floor",
        (PEERS_PYTHON, "bench/servers/python/host_floor.py"),
        (PEERS_PYTHON,),
        "scripts/setup-peers.sh",
        probe=(PEERS_PYTHON, "-c", "import starlette, uvicorn"),
    ),
    _http_only(
        "express-floor",
        "Node",
        "host floor of mcpforge-node-express: Express 5 with express.json() answering from a constant table (bench/servers/node/host_floor.mjs)",
        "floor",
        ("node", "target/bench/node/host_floor.mjs"),
        ("target/bench/node/host_floor.mjs", "target/bench/node/node_modules/express/package.json"),
        "make bench-bindings copies it next to Express into target/bench/node",
    ),
    _peer("python-sdk", "Python", "official Python SDK, mcp 2.3.0 (MCPServer)",
          (PEERS_PYTHON, "bench/peers/python_sdk_server.py"), needs=PEERS_PYTHON, module="mcp.server.mcpserver"),
    _peer("fastmcp", "Python", "FastMCP 4.1.0 (on mcp 2.3.0)",
          (PEERS_PYTHON, "bench/peers/fastmcp_server.py"), needs=PEERS_PYTHON, module="fastmcp"),
    _peer("ts-sdk", "Node", "official TypeScript SDK v2, @modelcontextprotocol/server 2.4.0",
          ("node", "bench/peers/ts_sdk_server.mjs"),
          needs="bench/peers/node_modules/@modelcontextprotocol/server/package.json"),
    _peer("ts-sdk1", "Node", "official TypeScript SDK 1.x, @modelcontextprotocol/sdk 1.32.2 (McpServer; "
          "Express with a StreamableHTTPServerTransport per session; speaks no 2026 wire)",
          ("node", "bench/peers/ts_sdk1_server.mjs"),
          needs="bench/peers/node_modules/@modelcontextprotocol/sdk/package.json", wires=("legacy",)),
    _peer("rmcp", "Rust", "rmcp 3.9.0, the official Rust SDK (multi-thread tokio)",
          ("target/peers/rmcp/release/rmcp_server",), needs="target/peers/rmcp/release/rmcp_server"),
]

BASE_SUFFIX = "@base"
"""Appended to the key of a subject built from an earlier revision (``BENCH_BASE``)."""

# The subjects that an earlier revision's build (scripts/bench-base.sh) provides: the
# quickstarts, and the peers' programs on the drop-in layers (their targets are ratios to the
# peer they replace, checked against the revision before a change in the same run).
BASE_KEYS = ("mcpforge-rust", "mcpforge-c", "mcpforge-python", "mcpforge-node", "mcpforge-node-sdk1",
             "mcpforge-python-compat", "mcpforge-node-compat")


def _rebased(args: tuple[str, ...] | None, base: str) -> tuple[str, ...] | None:
    """``args`` with every relative path (an argument holding a ``/``) moved under ``base``."""
    if args is None:
        return None
    return tuple(os.path.join(base, a) if "/" in a and not os.path.isabs(a) else a for a in args)


def base_twins(base: str) -> list[Subject]:
    """For each subject of ``BASE_KEYS``, the same subject built from the revision under
    ``base`` (a directory made by scripts/bench-base.sh): same tools, that tree's programs."""
    label = os.path.basename(os.path.normpath(base))
    twins = []
    for subject in SUBJECTS:
        if subject.key not in BASE_KEYS:
            continue
        twins.append(Subject(
            key=subject.key + BASE_SUFFIX, language=subject.language,
            framework=f"{subject.framework}, built from revision {label}", kind="base",
            stdio=_rebased(subject.stdio, base) or (), http=subject.http, wires=subject.wires,
            serves_stdio=subject.serves_stdio,
            slow=_rebased(subject.slow, base), tools=subject.tools, needs=_rebased(subject.needs, base) or (),
            probe=_rebased(subject.probe, base), hint=f"scripts/bench-base.sh REV builds {base}",
        ))
    return twins


def with_base(subjects: list[Subject], base: str | None) -> list[Subject]:
    """``subjects`` with each one's twin from ``base`` right after it (so that the two run back
    to back in every round); ``subjects`` as they are without a base."""
    if not base:
        return subjects
    twins = {twin.key.removesuffix(BASE_SUFFIX): twin for twin in base_twins(base)}
    return [item for s in subjects for item in ((s, twins[s.key]) if s.key in twins else (s,))]

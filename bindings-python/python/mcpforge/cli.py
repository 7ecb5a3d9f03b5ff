"""``mcpforge``, the command line installed with the package (as the official SDK's ``mcp
run`` and ``mcp dev``)::

    mcpforge run FILE[:OBJECT] [--transport stdio|http|sse] [--host HOST] [--port PORT]
    mcpforge dev FILE[:OBJECT] [--port PORT] [--watch DIR]... [--no-inspector]
    mcpforge sdk -- COMMAND [ARGS]
    mcpforge inspect TARGET [--json]
    mcpforge call TARGET TOOL [ARGS]
    mcpforge install claude-desktop|cursor|vscode TARGET [--name N] [--env K=V] [--dry-run]

The same command is installed by the npm package and by ``cargo install mcpforge-cli``: its
help, ``dev``, ``inspect``, ``call``, ``install``, and ``run`` of a JavaScript file are the
engine's (``_native.cli_main``), so they read the same in every language (docs/cli.md). This
module serves Python files itself (``run``, and the server ``dev`` restarts), and runs ``sdk``.

``run`` loads the Python file ``FILE`` as a module (its directory first on ``sys.path``, so
that it imports its neighbours; its ``if __name__ == "__main__":`` block does not run) and
serves its server: the object named ``OBJECT``, else the one named ``mcp``, ``server`` or
``app``, else the only server the module holds. Over stdio by default; ``http`` serves
Streamable HTTP and ``sse`` the old HTTP+SSE endpoints too, on ``--host``/``--port``
(default ``127.0.0.1:8000``; a ``FastMCP``'s own settings when not given).

``dev`` (the engine's) serves the file over Streamable HTTP with the MCP Inspector, and
restarts it when a source file changes. ``run`` stops on Ctrl-C. ``sdk`` runs a program written on the official ``mcp`` package, as
it is installed (a console script such as ``mcp-server-time``, ``-m MODULE`` or a file),
with the official server classes served by mcpforge (``mcpforge.sdk.standin``). A file that does not load, or holds no server, ends with a message
and exit status 1 (2 for a wrong command line)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any, List, Optional, Tuple

from ._native import cli_main
from .server import Server

__all__ = ["main", "load_server"]

# The names looked for when the command line names no object, in this order.
_DEFAULT_NAMES = ("mcp", "server", "app")
_TRANSPORTS = ("stdio", "http", "streamable-http", "sse")
# Files served by the npm package's command (the engine's command line starts it).
_JAVASCRIPT = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")
# Tells the engine's command line which interpreter serves Python files: this one.
_PYTHON_ENV = "MCPFORGE_PYTHON"


class CommandError(Exception):
    """What the command line asked for cannot be done: said on stderr, exit status 1."""


def _split(target: str) -> Tuple[Path, Optional[str]]:
    """``FILE[:OBJECT]``: a colon after the last path separator names the object (a Windows
    drive letter is not one)."""
    head, sep, tail = target.rpartition(":")
    if sep and head and tail and "/" not in tail and "\\" not in tail and len(head) > 1:
        return Path(head), tail
    return Path(target), None


def load_server(target: str) -> Server:
    """The server ``FILE[:OBJECT]`` names (see the module documentation)."""
    path, name = _split(target)
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    module_name = path.stem if path.stem.isidentifier() else "mcpforge_target"
    spec = importlib.util.spec_from_file_location(module_name, path.resolve())
    if spec is None or spec.loader is None:
        raise CommandError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.resolve().parent))
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    if name is not None:
        found = getattr(module, name, None)
        if not isinstance(found, Server):
            what = "nothing" if found is None else f"an object of type {type(found).__name__}"
            raise CommandError(f"{path}: {name!r} is {what}, not a server")
        return found
    for default in _DEFAULT_NAMES:
        found = getattr(module, default, None)
        if isinstance(found, Server):
            return found
    servers = {id(v): v for v in vars(module).values() if isinstance(v, Server)}
    if len(servers) == 1:
        return next(iter(servers.values()))
    if not servers:
        raise CommandError(f"{path}: no server found (name it: {path}:OBJECT)")
    raise CommandError(f"{path}: several servers; name the one to serve: {path}:OBJECT")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mcpforge", description="Serve an MCP server written with mcpforge.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="serve a server over stdio, Streamable HTTP or HTTP+SSE")
    run.add_argument("target", metavar="FILE[:OBJECT]", help="the Python file and, after a colon, the server object in it")
    run.add_argument("--transport", "-t", choices=_TRANSPORTS, default="stdio", help="default: stdio")
    run.add_argument("--host", help="HTTP host (default 127.0.0.1)")
    run.add_argument("--port", type=int, help="HTTP port (default 8000; 0: any free port)")
    sdk = commands.add_parser("sdk", help="run a program written on the official mcp package, served by mcpforge")
    sdk.add_argument("program", nargs=argparse.REMAINDER, metavar="-- COMMAND [ARGS]", help="a console script, -m MODULE or FILE")
    return parser


def _served_here(argv: List[str]) -> bool:
    """Whether this module runs the command line: ``sdk``, or ``run`` of a file that is not
    JavaScript, without ``--help`` (the engine prints every help, and runs ``dev``)."""
    words = argv[: argv.index("--")] if "--" in argv else argv
    if not words or "-h" in words or "--help" in words:
        return False
    if words[0] == "sdk":
        return True
    if words[0] != "run":
        return False
    args, _ = _parser().parse_known_args(argv)
    return not _split(args.target)[0].name.endswith(_JAVASCRIPT)


def main(argv: Optional[List[str]] = None) -> int:
    """The ``mcpforge`` command; returns the exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    if not _served_here(words):
        os.environ.setdefault(_PYTHON_ENV, sys.executable)
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            return cli_main(words)
        except KeyboardInterrupt:  # Ctrl-C stopped the engine's command; it stopped its server
            return 130
    args = _parser().parse_args(words)
    if args.command == "sdk":
        from .sdk.standin import StandInError, run as run_program  # loaded on use

        try:
            status = run_program(args.program)
        except StandInError as e:
            print(f"mcpforge sdk: {e}", file=sys.stderr)
            return 1
        if status is None or isinstance(status, int):
            return status or 0
        print(status, file=sys.stderr)  # as sys.exit(message) does
        return 1
    try:
        server = load_server(args.target)
    except CommandError as e:
        print(f"mcpforge: {e}", file=sys.stderr)
        return 1
    options: Any = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    if args.transport == "stdio" and options:
        print("mcpforge: --host and --port are for the http and sse transports", file=sys.stderr)
        return 2
    try:
        server.run(args.transport, **options)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The stand-in: mcpforge serving a program written on the official ``mcp`` package with no
edit to its files (``mcpforge sdk -- COMMAND``, ``python -m mcpforge.sdk COMMAND``).

``install()`` puts a finder first on ``sys.meta_path``. When the official package's server
modules are imported (``mcp.server``, ``mcp.server.mcpserver``, ``mcp.server.fastmcp``,
``mcp.server.lowlevel`` and their ``server`` submodules), the official module is loaded as
released and then its server class is replaced by mcpforge's before any code of the program
reads it: ``MCPServer`` (2.x), ``FastMCP`` (1.x), and the low-level ``Server`` (1.x's,
``lowlevel``, and 2.x's, which takes its handlers as constructor arguments, ``lowlevel2``); and
``RequestStateSecurity`` where ``mcp.server.mcpserver`` exports it, whose key the engine takes
(``request_state``).
Everything else stays the official package's: its types, its client, its exceptions,
``Context`` (a parameter annotated with the official ``Context`` gets mcpforge's context) and
``Image``/``Audio`` (mcpforge sends their blocks), so that whatever else imported it keeps
working.

``run(argv)`` then runs the program in this interpreter: ``-m MODULE ARGS``, a Python file
``FILE ARGS``, or the name of a console script (``mcp-server-time ARGS``) installed in this
environment, found by its entry point. A leading interpreter name (``python``, ``python3``,
``python3.11``) is dropped: ``mcpforge sdk -- python server.py`` runs ``server.py``."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import re
import runpy
import shutil
import sys
from importlib import metadata
from types import ModuleType
from typing import Any, Callable, Dict, List, Optional, Sequence

from .lowlevel import Server as LowLevelServer
from .lowlevel2 import Server as LowLevel2Server
from .mcpserver import FastMCP, MCPServer, RequestStateSecurity

__all__ = ["install", "installed", "run", "StandInError"]


# mcpforge's class for each official name ``_REPLACED`` lists.
_CLASSES: Dict[str, Any] = {"MCPServer": MCPServer, "FastMCP": FastMCP, "Server": LowLevelServer, "RequestStateSecurity": RequestStateSecurity}


def _ours(name: str, official: Any) -> Any:
    """mcpforge's class for the official one: for the low-level ``Server``, 1.x's (handlers
    registered by decorators) or 2.x's (handlers given to the constructor)."""
    if name == "Server" and not hasattr(official, "list_tools"):
        return LowLevel2Server
    return _CLASSES[name]


# Which names of which official module are mcpforge's: the module that defines the class and
# the package that re-exports it (each is read by name from one or the other).
_REPLACED: Dict[str, Sequence[str]] = {
    "mcp.server.mcpserver": ("MCPServer", "RequestStateSecurity"),
    "mcp.server.mcpserver.server": ("MCPServer",),
    "mcp.server.fastmcp": ("FastMCP",),
    "mcp.server.fastmcp.server": ("FastMCP",),
    "mcp.server.lowlevel.server": ("Server",),
    "mcp.server.lowlevel": ("Server",),
    "mcp.server": ("Server",),
}


# The names of a Python interpreter a command may start with (``python3 -m server``).
_INTERPRETER = re.compile(r"python(\d+(\.\d+)?)?")


class StandInError(Exception):
    """The command cannot be run (said on stderr, exit status 1)."""


def _replace(module: ModuleType) -> None:
    for name in _REPLACED.get(module.__name__, ()):
        official = getattr(module, name, None)
        if official is not None:
            setattr(module, name, _ours(name, official))


class _ReplacingLoader(importlib.abc.Loader):
    """The official module's own loader, followed by the replacement of its server class.
    Everything else a loader is asked (source for tracebacks, resources) goes to the
    official loader."""

    def __init__(self, official: Any) -> None:
        self._official = official

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Optional[ModuleType]:
        create: Optional[Callable[[importlib.machinery.ModuleSpec], Optional[ModuleType]]]
        create = getattr(self._official, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module: ModuleType) -> None:
        self._official.exec_module(module)
        _replace(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._official, name)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the official server modules as the path finder does, with the replacing loader."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Optional[importlib.machinery.ModuleSpec]:
        if fullname not in _REPLACED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _ReplacingLoader(spec.loader)
        return spec


def installed() -> bool:
    """Whether the stand-in is installed in this interpreter."""
    return any(isinstance(f, _Finder) for f in sys.meta_path)


def install() -> None:
    """Installs the stand-in (idempotent). Official server modules loaded already get the
    replacement at once; a program that read the official class before keeps what it read."""
    if installed():
        return
    sys.meta_path.insert(0, _Finder())
    for name in _REPLACED:
        module = sys.modules.get(name)
        if module is not None:
            _replace(module)


def _console_script(name: str) -> Optional[Callable[[], Any]]:
    for entry in metadata.entry_points(group="console_scripts"):
        if entry.name == name:
            loaded: Callable[[], Any] = entry.load()
            return loaded
    return None


def _python_file(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            first = f.readline(256)
    except OSError:
        return False
    return path.endswith(".py") or (first.startswith(b"#!") and b"python" in first)


def _first_path(folder: str) -> None:
    """Puts ``folder`` where Python puts a program's own folder (``sys.path[0]``), in place of
    the stand-in's (the folder of the ``mcpforge`` command, or the current one)."""
    if sys.path:
        sys.path[0] = folder
    else:
        sys.path.insert(0, folder)


def run(argv: List[str]) -> Any:
    """Installs the stand-in and runs ``argv`` (see the module documentation) as ``__main__``
    with ``sys.argv`` set as the program expects; returns what a console script's function
    returned (its exit status), None for a module or file. ``SystemExit`` passes through."""
    if argv and argv[0] == "--":
        argv = argv[1:]
    if argv and _INTERPRETER.fullmatch(os.path.basename(argv[0])):
        argv = argv[1:]
    if not argv:
        raise StandInError("nothing to run: mcpforge sdk -- COMMAND [ARGS] (a console script, -m MODULE or FILE)")
    install()
    if argv[0] == "-m":
        if len(argv) < 2:
            raise StandInError("-m needs a module name")
        sys.argv = [argv[1], *argv[2:]]
        _first_path(os.getcwd())  # as `python -m`: modules of the current folder import
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return None
    command, args = argv[0], argv[1:]
    if "/" in command or command.endswith(".py"):
        if not _python_file(command):
            raise StandInError(f"{command}: not a Python file")
        sys.argv = [command, *args]
        _first_path(os.path.dirname(os.path.abspath(command)))  # as `python FILE`: its siblings import
        runpy.run_path(command, run_name="__main__")
        return None
    script = _console_script(command)
    if script is not None:
        sys.argv = [command, *args]
        return script()
    found = shutil.which(command)
    if found is not None and _python_file(found):
        sys.argv = [found, *args]
        _first_path(os.path.dirname(os.path.abspath(found)))
        runpy.run_path(found, run_name="__main__")
        return None
    if found is not None:
        raise StandInError(f"{command}: not a Python program (the stand-in runs Python programs in this interpreter)")
    raise StandInError(f"{command}: no console script, module or file of that name in this environment")

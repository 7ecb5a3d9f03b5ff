"""Saying where an HTTP server listens once it is bound, as uvicorn does: one line on stderr
(stdout stays the application's), with the bound port, so ``port=0`` shows the real one."""

from __future__ import annotations

import logging
import sys
from typing import Callable, Optional

_log = logging.getLogger("mcpforge")


def serving_url(host: str, port: int, path: str, scheme: str = "http") -> str:
    """``http://host:port/path`` (or ``https``), with an IPv6 host in brackets."""
    return f"{scheme}://[{host}]:{port}{path}" if ":" in host else f"{scheme}://{host}:{port}{path}"


def announce(host: str, port: int, path: str, scheme: str = "http") -> None:
    """Says ``serving MCP on <url> (Ctrl-C to stop)``: through logger ``mcpforge`` at INFO
    when the application configured logging (a handler on that logger or above it), else
    printed to stderr as ``mcpforge: ...`` unless that logger's own level is above INFO
    (``logging.getLogger("mcpforge").setLevel(logging.WARNING)`` silences it)."""
    message = f"serving MCP on {serving_url(host, port, path, scheme)} (Ctrl-C to stop)"
    if _log.hasHandlers():
        _log.info(message)
    elif _log.level <= logging.INFO:  # NOTSET (0) included: the default
        print(f"mcpforge: {message}", file=sys.stderr, flush=True)


def announcing(path: str, on_ready: Optional[Callable[[str, int], None]], scheme: str = "http") -> Callable[[str, int], None]:
    """The ``on_ready(host, port)`` of a bound server: announces it, then calls ``on_ready``."""

    def ready(host: str, port: int) -> None:
        announce(host, port, path, scheme)
        if on_ready is not None:
            on_ready(host, port)

    return ready

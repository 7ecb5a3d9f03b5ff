"""A benchmark-only mcpforge server in Python: ``echo`` and ``add`` as in the quickstart, and
with ``--noop`` one middleware that only passes each request on. ``make bench-middleware``
runs it both ways to measure what one no-op middleware costs (docs/BENCHMARKS.md). Serves
stdio.
"""

from __future__ import annotations

import sys
from typing import Any

from mcpforge import Server
from mcpforge.middleware import CallNext, MiddlewareContext

server = Server("mcpforge-bench-middleware-python", version="0")


@server.tool()
def echo(text: str) -> str:
    """Echo the text back."""
    return text


@server.tool()
def add(a: float, b: float) -> str:
    """Add two numbers."""
    return str(a + b)


async def passthrough(context: MiddlewareContext, call_next: CallNext) -> Any:
    return await call_next(context)


if __name__ == "__main__":
    if sys.argv[1:] == ["--noop"]:
        server.add_middleware(passthrough)
    elif sys.argv[1:]:
        sys.exit("usage: middleware_server.py [--noop]")
    server.run()

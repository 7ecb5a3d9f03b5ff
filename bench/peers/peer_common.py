"""What the Python benchmark peers share: their tools and their command line.

The tools are plain functions, registered by each peer with its own framework's decorator,
so that every Python peer runs exactly the same handler code:

- ``echo(text)`` returns the text;
- ``add(a, b)`` returns the sum as text the way Rust prints a float (``3`` for 3.0);
- ``slow()`` is a sync function that sleeps 10 ms and returns ``done``.

Every benchmark server, in every language, takes no arguments (serve stdio) or
``--http HOST:PORT`` (serve Streamable HTTP at ``/mcp``).
"""

from __future__ import annotations

import argparse
import time


def echo(text: str) -> str:
    """Echo the text back."""
    return text


def add(a: float, b: float) -> str:
    """Add two numbers."""
    total = a + b
    return str(int(total)) if total.is_integer() else repr(total)


def slow() -> str:
    """Block for 10 ms, then answer `done`."""
    time.sleep(0.01)
    return "done"


TOOLS = (echo, add, slow)


def http_address() -> tuple[str, int] | None:
    """``(host, port)`` from ``--http HOST:PORT``, or None to serve stdio."""
    parser = argparse.ArgumentParser(description="A benchmark MCP server with the tools echo, add and slow.")
    parser.add_argument("--http", metavar="HOST:PORT", help="serve Streamable HTTP at /mcp instead of stdio")
    args = parser.parse_args()
    if args.http is None:
        return None
    host, _, port = args.http.rpartition(":")
    return host, int(port)

"""A server for the process tests of inline calls, served over stdio: ``hold`` says
"holding" on stderr and blocks its thread until ``release`` is called (or 20 s pass);
``quick`` answers at once.

    blocking_server.py                   serve stdio
"""

from __future__ import annotations

import sys
import threading

from mcpforge import Server

server = Server("blocking")
released = threading.Event()


@server.tool()
def hold() -> str:
    """Waits until ``release`` is called: "released", or "timed out" after 20 s."""
    print("holding", file=sys.stderr, flush=True)
    return "released" if released.wait(20.0) else "timed out"


@server.tool()
def quick() -> str:
    """Answers at once."""
    return "quick"


@server.tool()
def release() -> str:
    """Lets ``hold`` return."""
    released.set()
    return "set"


if __name__ == "__main__":
    server.run()

"""A server whose tool sends large log messages, for the tests of clients that never read
(test_never_reading_clients.py), served with ``mcpforge run THIS_FILE --transport http``:
``flood(count, size)`` logs ``count`` messages of ``size`` characters through its context,
then answers; ``floods_done()`` says how many floods have ended."""

from __future__ import annotations

import threading

from mcpforge import Context, Server

server = Server("log-flood")
_done = 0
_lock = threading.Lock()


@server.tool()
def flood(count: int, size: int, ctx: Context) -> str:
    """Logs ``count`` messages of ``size`` characters, then answers."""
    global _done
    text = "x" * size
    for _ in range(count):
        ctx.info(text)
    with _lock:
        _done += 1
    return f"logged {count}"


@server.tool()
def floods_done() -> int:
    """How many floods have ended."""
    with _lock:
        return _done

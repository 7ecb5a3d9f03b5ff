"""A benchmark-only mcpforge server in Python with one tool, ``slow``: a plain (sync)
function that sleeps 10 ms. The slow-handler workload of ``make bench-peers``
(docs/BENCHMARKS.md) sends 64 calls at once to see whether they overlap; mcpforge runs sync
handlers on a bounded worker pool. Serves stdio.
"""

from __future__ import annotations

import time

from mcpforge import Server

server = Server("mcpforge-bench-slow-python", version="0")


@server.tool()
def slow() -> str:
    """Block for 10 ms, then answer `done`."""
    time.sleep(0.01)
    return "done"


if __name__ == "__main__":
    server.run()

"""Benchmark peer: the tools of peer_common.py served by FastMCP.

Defaults as a user gets them, except no start-up banner and logging at WARNING (no access
log line per request). ``slow`` is a plain (sync) function, which FastMCP runs on a worker
thread.
"""

from __future__ import annotations

from fastmcp import FastMCP

from peer_common import TOOLS, http_address

server = FastMCP("fastmcp-bench", version="0")
for tool in TOOLS:
    server.tool(tool)

if __name__ == "__main__":
    address = http_address()
    if address is None:
        server.run(show_banner=False, log_level="WARNING")
    else:
        server.run(transport="http", show_banner=False, host=address[0], port=address[1], log_level="WARNING")

"""Benchmark peer: the tools of peer_common.py served by the official Python SDK (``mcp``,
MCPServer).

Defaults as a user gets them, except that logging is at WARNING (no access log line per
request). ``slow`` is a plain (sync) function: the SDK runs sync tools on worker threads.
"""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer

from peer_common import TOOLS, http_address

server = MCPServer("python-sdk-bench", version="0", log_level="WARNING")
for tool in TOOLS:
    server.tool()(tool)

if __name__ == "__main__":
    address = http_address()
    if address is None:
        server.run()
    else:
        server.run(transport="streamable-http", host=address[0], port=address[1])

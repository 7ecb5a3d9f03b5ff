"""The official Python SDK's benchmark peer (bench/peers/python_sdk_server.py) moved to
mcpforge by changing its import line: the same ``MCPServer`` program, the same tools
(peer_common.py), served by the engine. ``make bench-peers`` measures it as
``mcpforge-python-compat`` (stdio, and HTTP on the engine's listener) and, with ``--asgi``,
as ``mcpforge-python-asgi``: ``streamable_http_app()`` served by uvicorn, the way an
application that mounts MCP in its own ASGI server runs it.

    python compat_server.py [--asgi] [--http HOST:PORT]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "peers"))
ASGI = "--asgi" in sys.argv
if ASGI:
    sys.argv.remove("--asgi")

from peer_common import TOOLS, http_address  # noqa: E402

from mcpforge import MCPServer  # noqa: E402  (was: from mcp.server.mcpserver import MCPServer)

server = MCPServer("python-sdk-bench", version="0", log_level="WARNING")
for tool in TOOLS:
    server.tool()(tool)

if __name__ == "__main__":
    address = http_address()
    if address is None:
        server.run()
    elif ASGI:
        import uvicorn

        uvicorn.run(server.streamable_http_app(), host=address[0], port=address[1], log_level="warning")
    else:
        server.run(transport="streamable-http", host=address[0], port=address[1])

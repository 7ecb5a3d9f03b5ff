"""A server on the official Python SDK 1.x's `FastMCP`, served over WebSocket with that SDK's
own `mcp.server.websocket.websocket_server` (Starlette and uvicorn; mcp 2.x no longer has
it), for tests/clients/test_python_websocket.py: `python websocket.py PORT` serves
`ws://127.0.0.1:PORT/ws` and prints `ready` once it listens.
"""

from __future__ import annotations

import sys
from typing import Any

import uvicorn
from mcp.server.fastmcp import FastMCP
from mcp.server.websocket import websocket_server
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

mcp = FastMCP("websocket-features")


@mcp.tool()
def add(a: int, b: int) -> int:
    """Adds two integers."""
    return a + b


@mcp.tool()
def echo(text: str) -> str:
    """Says `text` back."""
    return text


async def serve(websocket: WebSocket) -> None:
    server: Any = mcp._mcp_server
    async with websocket_server(websocket.scope, websocket.receive, websocket.send) as (read, write):
        await server.run(read, write, server.create_initialization_options())


class Announced(uvicorn.Server):
    """Prints `ready` once the socket listens (the test waits for that line)."""

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        print("ready", flush=True)


if __name__ == "__main__":
    app = Starlette(routes=[WebSocketRoute("/ws", endpoint=serve)])
    config = uvicorn.Config(app, host="127.0.0.1", port=int(sys.argv[1]), ws="websockets", log_level="warning")
    Announced(config).run()

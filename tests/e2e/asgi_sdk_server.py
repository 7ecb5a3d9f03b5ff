"""A server written on the official SDK's high-level API (`MCPServer`, a lifespan, a custom
route, `streamable_http_app()`) on mcpforge, served by uvicorn: tests/e2e/test_python_asgi.py
checks that the lifespan runs on the loop the handlers run on and the custom route answers.

    python tests/e2e/asgi_sdk_server.py --http 127.0.0.1:PORT
    python tests/e2e/asgi_sdk_server.py --sse-mounted 127.0.0.1:PORT   (sse_app() under /legacy)
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from starlette.requests import Request
from starlette.responses import PlainTextResponse

from mcpforge import Context, MCPServer


@asynccontextmanager
async def lifespan(server: MCPServer) -> AsyncIterator[dict[str, Any]]:
    yield {"loop": asyncio.get_running_loop(), "greeting": "hello from the lifespan"}


mcp = MCPServer("asgi-sdk", lifespan=lifespan)


@mcp.tool()
async def lifespan_check(ctx: Context) -> str:
    """Says whether the lifespan ran on this handler's loop, and what it yielded."""
    state = ctx.request_context.lifespan_context
    same = state["loop"] is asyncio.get_running_loop()
    return f"{state['greeting']}; same loop: {same}"


@mcp.custom_route("/health", methods=["GET"])
async def health(request: Request) -> PlainTextResponse:
    return PlainTextResponse("OK")


def sse_under_prefix() -> Any:
    """``sse_app()`` mounted at ``/legacy`` in a Starlette app of the user's, which hands the
    server's lifespan on (frameworks do not run a mounted app's lifespan)."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    legacy = mcp.sse_app()
    return Starlette(routes=[Mount("/legacy", app=legacy)], lifespan=legacy.lifespan)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("--http", "--sse-mounted"):
        sys.exit("usage: asgi_sdk_server.py --http|--sse-mounted HOST:PORT")
    host, _, port = sys.argv[2].rpartition(":")
    app = mcp.streamable_http_app() if sys.argv[1] == "--http" else sse_under_prefix()
    uvicorn.run(app, host=host, port=int(port), log_level="warning")

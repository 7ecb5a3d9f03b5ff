"""An MCP server mounted in a FastAPI application, next to the application's own routes.

The engine answers every MCP request (both protocol eras, SSE, sessions, the Host/Origin
checks); FastAPI keeps its own routes. The MCP endpoint is ``/ai/mcp`` (the server's ``/mcp``
under the ``/ai`` mount); ``/status`` is the application's.

    python examples/python/fastapi_app.py --http 127.0.0.1:8000

Needs ``fastapi`` and ``uvicorn`` besides mcpforge.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated, Dict

import uvicorn
from fastapi import FastAPI

import mcpforge
from mcpforge import Server

server = Server("fastapi-example", version=mcpforge.__version__, instructions="Greetings and a slow task.")

# Calls of `slow` that ended because their client went away (reported by /status).
stats: Dict[str, int] = {"slow_started": 0, "slow_cancelled": 0}


@server.tool()
async def greet(name: Annotated[str, "Who to greet (at most 100 characters)."]) -> str:
    """Greet someone by name."""
    return f"Hello, {name[:100]}!"


@server.tool()
async def slow(seconds: Annotated[float, "How long to work, at most 60 seconds."]) -> str:
    """Works for a while, then answers; a client that goes away cancels it."""
    stats["slow_started"] += 1
    try:
        await asyncio.sleep(min(max(seconds, 0.0), 60.0))
    except asyncio.CancelledError:
        stats["slow_cancelled"] += 1
        raise
    return "done"


mcp = server.asgi_app()
# Frameworks do not pass their lifespan on to what they mount: this one drains running MCP
# requests when the application stops.
app = FastAPI(title="An application with an MCP endpoint", lifespan=mcp.lifespan)


@app.get("/status")
async def status() -> Dict[str, int]:
    """The application's own route."""
    return stats


app.mount("/ai", mcp)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "--http" or ":" not in argv[1]:
        print("usage: fastapi_app.py --http HOST:PORT", file=sys.stderr)
        return 2
    host, _, port = argv[1].rpartition(":")
    uvicorn.run(app, host=host.strip("[]"), port=int(port), log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

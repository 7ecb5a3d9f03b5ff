"""A lifespan whose state handlers read through ctx.request_context.lifespan_context."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from mcp.server.mcpserver import Context, MCPServer

SCRIPT = {"tools": [("query", {"key": "a"}), ("query", {"key": "zz"}), ("same_loop", {})]}


@dataclass
class Database:
    rows: dict[str, int]
    loop: asyncio.AbstractEventLoop


@asynccontextmanager
async def lifespan(server: MCPServer) -> AsyncIterator[Database]:
    await asyncio.sleep(0)
    yield Database({"a": 1, "b": 2}, asyncio.get_running_loop())


mcp = MCPServer("lifespan", lifespan=lifespan)


@mcp.tool()
async def query(key: str, ctx: Context) -> str:
    """Look a key up in the lifespan's database."""
    db = ctx.request_context.lifespan_context
    return f"{key}={db.rows.get(key)}"


@mcp.tool()
async def same_loop(ctx: Context) -> bool:
    """True when the handler runs on the loop the lifespan started on."""
    return ctx.request_context.lifespan_context.loop is asyncio.get_running_loop()


if __name__ == "__main__":
    mcp.run()

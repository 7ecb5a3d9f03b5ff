"""A typed use of the public API, checked by ``mypy --strict`` in ``make python-test`` (not a
pytest module): what users write must type-check, e.g. ``await ctx.report_progress(...)``,
and the official SDK's generic forms ``MCPServer[AppState]`` and ``Context[...]``."""

from contextlib import asynccontextmanager
from typing import AsyncIterator, Dict

from mcpforge import Context, MCPServer, Server

server = Server("typed", version="1.0.0")


@server.tool()
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


@server.tool(annotations={"readOnlyHint": True})
async def slow(n: int, ctx: Context) -> str:
    """Report progress, log, and finish."""
    await ctx.report_progress(1, n, "working")
    ctx.report_progress(n, n)
    return "done"


@asynccontextmanager
async def lifespan(mcp: "MCPServer[Dict[str, str]]") -> AsyncIterator[Dict[str, str]]:
    yield {"greeting": "hello"}


sdk: "MCPServer[Dict[str, str]]" = MCPServer("typed-sdk", lifespan=lifespan)


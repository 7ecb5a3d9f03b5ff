"""ctx.debug/info/warning/error and ctx.log with logger_name."""

from mcp.server.mcpserver import Context, MCPServer

mcp = MCPServer("logging")

SCRIPT = {"tools": [("chatty", {"n": 2}), ("named", {})]}


@mcp.tool()
async def chatty(n: int, ctx: Context) -> str:
    """Logs at every level."""
    await ctx.debug(f"debug {n}")
    await ctx.info("info")
    await ctx.warning({"warn": n})
    await ctx.error("error")
    return "logged"


@mcp.tool()
async def named(ctx: Context) -> str:
    """Logs with a logger name."""
    await ctx.info("from a named logger", logger_name="worker")
    await ctx.log("notice", "noticed", logger_name="audit")
    return "named"


if __name__ == "__main__":
    mcp.run()

"""ctx.report_progress with totals and messages."""

from mcp.server.mcpserver import Context, MCPServer

mcp = MCPServer("progress")

SCRIPT = {"tools": [("steps", {"n": 3}), ("fraction", {})]}


@mcp.tool()
async def steps(n: int, ctx: Context) -> str:
    """Reports each step."""
    for i in range(1, n + 1):
        await ctx.report_progress(i, n, f"step {i}")
    return "done"


@mcp.tool()
async def fraction(ctx: Context) -> str:
    """Reports without a total."""
    await ctx.report_progress(0.5)
    return "half"


if __name__ == "__main__":
    mcp.run()

"""A tool that reads the server's own resources with ctx.read_resource."""

from mcp.server.mcpserver import Context, MCPServer

mcp = MCPServer("read-resource")

SCRIPT = {"tools": [("show", {"uri": "notes://today"}), ("show", {"uri": "notes://day/monday"})]}


@mcp.resource("notes://today")
def today() -> str:
    """Today's notes."""
    return "buy milk"


@mcp.resource("notes://day/{day}")
def day(day: str) -> str:
    """Notes of a day."""
    return f"notes of {day}"


@mcp.tool()
async def show(uri: str, ctx: Context) -> str:
    """Show a resource's text."""
    contents = list(await ctx.read_resource(uri))
    return " | ".join(f"{c.mime_type}:{c.content}" for c in contents)


if __name__ == "__main__":
    mcp.run()

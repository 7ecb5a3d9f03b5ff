"""Adding and removing tools and prompts while serving, with list-changed notifications."""

from mcp.server.mcpserver import Context, MCPServer

mcp = MCPServer("dynamic")

SCRIPT = {"tools": [("unlock", {}), ("secret", {}), ("lock", {})], "relist": True}


def secret() -> str:
    """Only there after unlock."""
    return "the secret"


@mcp.tool()
async def unlock(ctx: Context) -> str:
    """Adds the secret tool."""
    mcp.add_tool(secret)
    await ctx.notify_tools_changed()
    return "unlocked"


@mcp.tool()
async def lock(ctx: Context) -> str:
    """Removes the secret tool and the greeting prompt."""
    mcp.remove_tool("secret")
    mcp.remove_prompt("greeting")
    await ctx.notify_tools_changed()
    await ctx.notify_prompts_changed()
    return "locked"


@mcp.prompt()
def greeting() -> str:
    """Say hello."""
    return "hello"


if __name__ == "__main__":
    mcp.run()

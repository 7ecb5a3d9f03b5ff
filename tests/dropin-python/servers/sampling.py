"""Sampling through ctx.session.create_message."""

from mcp.types import SamplingMessage, TextContent

from mcp.server.mcpserver import Context, MCPServer

mcp = MCPServer("sampling")

SCRIPT = {"tools": [("summarize", {"text": "a long story"})]}


@mcp.tool()
async def summarize(text: str, ctx: Context) -> str:
    """Ask the client's model for a summary."""
    result = await ctx.session.create_message(
        messages=[SamplingMessage(role="user", content=TextContent(type="text", text=f"Summarize: {text}"))],
        max_tokens=50,
    )
    return f"{result.model}: {result.content.text}"


if __name__ == "__main__":
    mcp.run()

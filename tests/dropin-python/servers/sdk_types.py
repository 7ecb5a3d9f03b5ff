"""Returning the official mcp.types objects."""

from mcp.types import CallToolResult, EmbeddedResource, ImageContent, TextContent, TextResourceContents

from mcp.server.mcpserver import MCPServer

mcp = MCPServer("sdk-types")

SCRIPT = {"tools": [("text_block", {}), ("blocks", {}), ("embedded", {}), ("whole", {}), ("failed", {})]}


@mcp.tool()
def text_block() -> TextContent:
    """One text block."""
    return TextContent(type="text", text="block")


@mcp.tool()
def blocks() -> list[TextContent | ImageContent]:
    """Two blocks."""
    return [TextContent(type="text", text="one"), ImageContent(type="image", data="AAAA", mime_type="image/png")]


@mcp.tool()
def embedded() -> EmbeddedResource:
    """An embedded resource."""
    return EmbeddedResource(type="resource", resource=TextResourceContents(uri="memo://1", text="memo", mime_type="text/plain"))


@mcp.tool()
def whole() -> CallToolResult:
    """A whole result with structured content."""
    return CallToolResult(content=[TextContent(type="text", text="done")], structured_content={"ok": True})


@mcp.tool()
def failed() -> CallToolResult:
    """A result marked as an error."""
    return CallToolResult(content=[TextContent(type="text", text="bad input")], is_error=True)


if __name__ == "__main__":
    mcp.run()

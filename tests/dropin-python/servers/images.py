"""Image and Audio helpers, with format=."""

from mcp.server.mcpserver import Audio, Image, MCPServer

mcp = MCPServer("images")

SCRIPT = {"tools": [("png", {}), ("jpeg", {}), ("wav", {}), ("both", {})]}

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8


@mcp.tool()
def png() -> Image:
    """A PNG image."""
    return Image(data=PNG)


@mcp.tool()
def jpeg() -> Image:
    """Bytes declared as JPEG."""
    return Image(data=b"\xff\xd8\xff\xe0", format="jpeg")


@mcp.tool()
def wav() -> Audio:
    """A sound."""
    return Audio(data=b"RIFF0000WAVE", format="wav")


@mcp.tool()
def both() -> list:
    """Text and an image."""
    return ["caption", Image(data=PNG, format="png")]


if __name__ == "__main__":
    mcp.run()

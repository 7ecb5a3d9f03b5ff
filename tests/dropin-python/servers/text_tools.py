"""Tools that return plain text, None and a dict."""

from mcp.server.mcpserver import MCPServer

mcp = MCPServer("text-tools", instructions="Text utilities.")

SCRIPT = {"tools": [("shout", {"text": "hi"}), ("nothing", {}), ("stats", {"text": "a bb ccc"})]}


@mcp.tool()
def shout(text: str) -> str:
    """Upper-case the text."""
    return text.upper() + "!"


@mcp.tool()
def nothing() -> None:
    """Return nothing."""
    return None


@mcp.tool()
def stats(text: str) -> dict[str, int]:
    """Count words and characters."""
    return {"words": len(text.split()), "chars": len(text)}


if __name__ == "__main__":
    mcp.run()

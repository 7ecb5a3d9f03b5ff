"""Static resources: text, JSON, bytes, mime types, titles."""

from mcp.server.mcpserver import MCPServer

mcp = MCPServer("resources")

SCRIPT = {"resources": ["config://app", "data://numbers", "blob://logo", "config://missing"]}


@mcp.resource("config://app", title="App config", mime_type="text/plain")
def app_config() -> str:
    """The app configuration."""
    return "debug=false"


@mcp.resource("data://numbers", mime_type="application/json")
def numbers() -> str:
    """Some numbers as JSON text."""
    return "[1, 2, 3]"


@mcp.resource("blob://logo", mime_type="image/png")
def logo() -> bytes:
    """Binary data."""
    return b"\x89PNG\r\n\x1a\n"


if __name__ == "__main__":
    mcp.run()

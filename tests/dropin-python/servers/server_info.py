"""Constructor options: title, description, instructions, website_url, version."""

from mcp.server.mcpserver import MCPServer

mcp = MCPServer(
    "info",
    title="Info server",
    description="Says who it is.",
    instructions="Call whoami.",
    website_url="https://example.com",
    version="3.1.4",
)

SCRIPT = {"tools": [("whoami", {})]}


@mcp.tool()
def whoami() -> str:
    """The server's name."""
    return f"{mcp.name} {mcp.title}"


if __name__ == "__main__":
    mcp.run()

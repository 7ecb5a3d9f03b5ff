"""ResourceError and ResourceNotFoundError raised by readers."""

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError

mcp = MCPServer("resource-errors")

SCRIPT = {"resources": ["secret://vault", "item://7"]}


@mcp.resource("secret://vault")
def vault() -> str:
    """Always fails."""
    raise ResourceError("vault is sealed")


@mcp.resource("item://{n}")
def item(n: int) -> str:
    """An item."""
    return f"item {n}"


if __name__ == "__main__":
    mcp.run()

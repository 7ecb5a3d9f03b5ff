"""ToolError and unexpected exceptions (masked by the official 2.x)."""

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

mcp = MCPServer("tool-errors")

SCRIPT = {"tools": [("refuse", {"why": "no"}), ("crash", {}), ("divide", {"a": 1, "b": 0}), ("divide", {"a": 4, "b": 2})]}


@mcp.tool()
def refuse(why: str) -> str:
    """Always refuses."""
    raise ToolError(f"refused: {why}")


@mcp.tool()
def crash() -> str:
    """Crashes."""
    raise RuntimeError("internal detail")


@mcp.tool()
def divide(a: float, b: float) -> float:
    """Divide."""
    return a / b


if __name__ == "__main__":
    mcp.run()

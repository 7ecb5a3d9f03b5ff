"""Tools with type-hinted arguments, defaults and structured output."""

from mcp.server.mcpserver import MCPServer

mcp = MCPServer("arithmetic")

SCRIPT = {"tools": [("add", {"a": 2, "b": 3}), ("scale", {"values": [1.5, 2], "factor": 2}), ("scale", {"values": []})]}


@mcp.tool()
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@mcp.tool()
def scale(values: list[float], factor: float = 1.0) -> list[float]:
    """Multiply each value by a factor."""
    return [v * factor for v in values]


if __name__ == "__main__":
    mcp.run()

"""Sync and async tools, optional and enum arguments, a Context in a sync tool."""

from enum import Enum
from typing import Literal, Optional

from mcp.server.mcpserver import Context, MCPServer

mcp = MCPServer("mixed")

SCRIPT = {"tools": [("paint", {"color": "red"}), ("paint", {"color": "blue", "shade": "dark"}), ("greet", {"name": "Ada"}), ("greet", {"name": "Bo", "greeting": None}), ("ident", {})]}


class Color(str, Enum):
    RED = "red"
    BLUE = "blue"


@mcp.tool()
def paint(color: Color, shade: Literal["light", "dark"] = "light") -> str:
    """Paint with a color."""
    return f"{shade} {color.value}"


@mcp.tool()
async def greet(name: str, greeting: Optional[str] = "Hello") -> str:
    """Greet someone."""
    return f"{greeting or 'Hi'}, {name}"


@mcp.tool()
def ident(ctx: Context) -> str:
    """A sync tool with a context."""
    return f"request id is a {type(ctx.request_id).__name__}"


if __name__ == "__main__":
    mcp.run()

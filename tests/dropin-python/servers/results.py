"""Return values as the official SDK writes them: Optional[str] with its output schema,
lists item by item (text, JSON, numbers, nested lists, None), and pydantic Field defaults
(description, requiredness, default) in the input schema."""

from typing import Optional

from pydantic import Field

from mcp.server.mcpserver import MCPServer

mcp = MCPServer("results")

SCRIPT = {
    "tools": [
        ("maybe", {"text": "x"}),
        ("maybe", {"text": ""}),
        ("items", {}),
        ("words", {"n": 3}),
        ("greet", {"name": "Ada"}),
        ("greet", {"name": "Ada", "greeting": "Hi"}),
    ]
}


@mcp.tool()
def maybe(text: str) -> Optional[str]:
    """The text, or None when it is empty."""
    return text or None


@mcp.tool()
def items() -> list:
    """A list of mixed values."""
    return ["a", {"b": 1}, [2, "c"], None, 3]


@mcp.tool()
def words(n: int) -> list[str]:
    """The first n words."""
    return ["one", "two", "three", "four"][:n]


@mcp.tool()
def greet(name: str = Field(description="Who to greet"), greeting: str = Field("Hello", description="The word")) -> str:
    """Greets someone."""
    return f"{greeting}, {name}!"


if __name__ == "__main__":
    mcp.run()

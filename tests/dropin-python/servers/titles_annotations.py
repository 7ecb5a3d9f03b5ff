"""Tool names, titles, descriptions, annotations and meta."""

from mcp.types import ToolAnnotations

from mcp.server.mcpserver import MCPServer

mcp = MCPServer("titles")

SCRIPT = {"tools": [("lookup", {"key": "x"}), ("erase", {})]}


@mcp.tool(name="lookup", title="Look up", description="Find a key.", annotations=ToolAnnotations(read_only_hint=True))
def find(key: str) -> str:
    return f"found {key}"


@mcp.tool(annotations=ToolAnnotations(destructive_hint=True, idempotent_hint=False), meta={"team": "ops"})
def erase() -> str:
    """Erase everything."""
    return "erased"


if __name__ == "__main__":
    mcp.run()

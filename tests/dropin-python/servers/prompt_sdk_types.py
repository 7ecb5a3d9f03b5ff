"""Prompts returning the official message classes with mcp.types content."""

from mcp.types import ImageContent, TextContent

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.prompts.base import Message, UserMessage

mcp = MCPServer("prompt-types")

SCRIPT = {"prompts": [("raw", {"subject": "owls"}), ("mixed", {})]}


@mcp.prompt(description="Official message objects.")
def raw(subject: str) -> list[UserMessage]:
    return [
        UserMessage(TextContent(type="text", text=f"About {subject}")),
        UserMessage(ImageContent(type="image", data="AAAA", mime_type="image/png")),
    ]


@mcp.prompt()
def mixed() -> list:
    """Messages of each kind."""
    return [Message("plain", role="assistant"), "a str"]


if __name__ == "__main__":
    mcp.run()

"""Prompts returning strings and message lists."""

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.prompts.base import AssistantMessage, UserMessage

mcp = MCPServer("prompts")

SCRIPT = {"prompts": [("review", {"code": "x = 1"}), ("review", {"code": "y", "language": "rust"}), ("dialogue", {"topic": "tea"})]}


@mcp.prompt(title="Code review")
def review(code: str, language: str = "python") -> str:
    """Review code."""
    return f"Review this {language} code:\n{code}"


@mcp.prompt()
def dialogue(topic: str) -> list:
    """A short dialogue."""
    return [UserMessage(f"Tell me about {topic}."), AssistantMessage("Gladly."), UserMessage("Go on.")]


if __name__ == "__main__":
    mcp.run()

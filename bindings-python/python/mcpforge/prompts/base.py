"""``mcpforge.prompts.base``, a thin re-export: the prompt messages (``mcpforge.content``'s
``Message``, ``UserMessage`` and ``AssistantMessage``) under the official SDK's module path
(``mcp.server.mcpserver.prompts.base``)."""

from __future__ import annotations

from ..content import AssistantMessage, Message, UserMessage

__all__ = ["AssistantMessage", "Message", "UserMessage"]

"""``mcpforge.prompts.manager``, a thin re-export: the official ``PromptManager``
(``mcpforge.sdk.prompts``) under the official SDK's module path
(``mcp.server.mcpserver.prompts.manager``)."""

from __future__ import annotations

from ..sdk.prompts import PromptManager

__all__ = ["PromptManager"]

"""``mcpforge.prompts``: the official SDK's module path of its prompt classes
(``mcp.server.mcpserver.prompts``); ``mcpforge.prompts.base`` names the messages."""

from __future__ import annotations

from . import base

__all__ = ["base"]

"""``mcpforge.prompts``: the official SDK's module path of its prompt classes
(``mcp.server.mcpserver.prompts``): ``Prompt`` and ``PromptManager``; ``mcpforge.prompts.base``
also names the messages."""

from __future__ import annotations

from . import base, manager
from .base import Prompt
from .manager import PromptManager

__all__ = ["Prompt", "PromptManager", "base", "manager"]

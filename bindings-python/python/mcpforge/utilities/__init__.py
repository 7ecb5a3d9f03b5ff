"""``mcpforge.utilities``: the official SDK's module path ``mcp.server.mcpserver.utilities``;
``mcpforge.utilities.types`` names ``Image`` and ``Audio``."""

from __future__ import annotations

from . import types

__all__ = ["types"]

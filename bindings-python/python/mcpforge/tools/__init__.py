"""``mcpforge.tools``: the official SDK's standalone tool objects under its module path
(``mcp.server.mcpserver.tools`` in 2.x, ``mcp.server.fastmcp.tools`` in 1.x): ``Tool``
(``base``), one function registered as a tool, and ``ToolManager`` (``tool_manager``), tools
by name. Both are served by the engine: see ``base``."""

from __future__ import annotations

from .base import Tool
from .tool_manager import ToolManager

__all__ = ["Tool", "ToolManager"]

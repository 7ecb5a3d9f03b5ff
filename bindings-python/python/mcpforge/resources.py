"""``mcpforge.resources``: a thin re-export of ``mcpforge.sdk.resources``, the official SDK's
resource objects (``mcp.server.mcpserver.resources``), kept for the programs that import
it."""

from __future__ import annotations

from .sdk.resources import BinaryResource, FileResource, FunctionResource, Resource, TextResource

__all__ = ["BinaryResource", "FileResource", "FunctionResource", "Resource", "TextResource"]

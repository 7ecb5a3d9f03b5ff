"""``mcpforge.mcpserver``: a thin re-export, kept for the programs that import it. The
official SDK's server classes (``MCPServer``, ``FastMCP``) and their settings live in the
drop-in layer, ``mcpforge.sdk.mcpserver``."""

from __future__ import annotations

from .sdk.mcpserver import FastMCP, MCPServer, RequestStateSecurity, Resolve, ResourceSecurity
from .sdk.settings import ServerSettings, Settings

__all__ = ["FastMCP", "MCPServer", "RequestStateSecurity", "Resolve", "ResourceSecurity", "ServerSettings", "Settings"]

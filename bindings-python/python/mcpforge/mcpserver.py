"""``mcpforge.mcpserver``: a thin re-export, kept for the programs that import it. The
official SDK's server classes (``MCPServer``, ``FastMCP``) and their settings live in the
drop-in layer, ``mcpforge.sdk.mcpserver``; ``Settings`` (1.x's) is looked up when read
(``settings_class``), so that importing this module does not load pydantic."""

from __future__ import annotations

from typing import Any

from .sdk.mcpserver import FastMCP, MCPServer, RequestStateSecurity, Resolve, ResourceSecurity, settings_class
from .sdk.request_state import AESGCMRequestStateCodec, RequestStateBoundary
from .sdk.settings import ServerSettings

__all__ = ["AESGCMRequestStateCodec", "RequestStateBoundary", "FastMCP", "MCPServer", "RequestStateSecurity", "Resolve", "ResourceSecurity", "ServerSettings", "Settings"]


def __getattr__(name: str) -> Any:
    if name == "Settings":
        return settings_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

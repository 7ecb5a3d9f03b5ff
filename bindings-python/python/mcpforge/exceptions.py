"""``mcpforge.exceptions``: a thin re-export of ``mcpforge.sdk.exceptions``, the exceptions
under the official SDK's module path (``mcp.server.mcpserver.exceptions`` in 2.x,
``mcp.server.fastmcp.exceptions`` in 1.x), kept for the programs that import it."""

from __future__ import annotations

from .sdk.exceptions import (
    InvalidSignature,
    InvalidUriTemplate,
    ResourceError,
    ResourceNotFoundError,
    ToolError,
    UnexpectedResourceError,
    UnexpectedToolError,
)

__all__ = ["InvalidSignature", "InvalidUriTemplate", "ResourceError", "ResourceNotFoundError", "ToolError", "UnexpectedResourceError", "UnexpectedToolError"]

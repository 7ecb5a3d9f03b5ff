"""``mcpforge.exceptions``: the exceptions under the official SDK's module path
(``mcp.server.mcpserver.exceptions`` in 2.x, ``mcp.server.fastmcp.exceptions`` in 1.x), so
that an import of that module changes by its first words only.

``ToolError`` and ``ResourceError`` are mcpforge's own (``mcpforge.errors``).
``ResourceNotFoundError(message)`` is the official not-found with a message of its own: the
client gets -32602 (invalid params) with that message, as from the official 2.x
(``ResourceNotFound(uri)`` is mcpforge's, with the code of each specification version).
``UnexpectedToolError`` and ``UnexpectedResourceError`` exist for ``except`` clauses and
``isinstance`` checks written for the official SDK; mcpforge does not raise them (an
unexpected exception in a handler reaches the client as the official SDK words it, and the
error hook, not the caller, sees the original)."""

from __future__ import annotations

from typing import Any

from .errors import INVALID_PARAMS, McpError, ResourceError, ToolError

__all__ = ["ResourceError", "ResourceNotFoundError", "ToolError", "UnexpectedResourceError", "UnexpectedToolError"]


class ResourceNotFoundError(ResourceError):
    """The resource does not exist: -32602 with ``message`` (the official 2.x code)."""

    def __init__(self, message: str, data: Any = None) -> None:
        McpError.__init__(self, INVALID_PARAMS, message, data)


class UnexpectedToolError(ToolError):
    """The official SDK's wrapper of a crashed tool; mcpforge does not raise it."""


class UnexpectedResourceError(ResourceError):
    """The official SDK's wrapper of a crashed resource reader; mcpforge does not raise it."""

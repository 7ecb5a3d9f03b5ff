"""``mcpforge.sdk.exceptions`` (published as ``mcpforge.exceptions``): the exceptions under the official SDK's module path
(``mcp.server.mcpserver.exceptions`` in 2.x, ``mcp.server.fastmcp.exceptions`` in 1.x), so
that an import of that module changes by its first words only.

``ToolError`` and ``ResourceError`` are mcpforge's own (``mcpforge.errors``).
``ResourceNotFoundError(message)`` is the official not-found with a message of its own: the
client gets -32602 (invalid params) with that message, as from the official 2.x
(``ResourceNotFound(uri)`` is mcpforge's, with the code of each specification version);
``ctx.read_resource`` raises it for a URI that names no resource.
``UnexpectedToolError`` and ``UnexpectedResourceError`` are raised by the direct calls of
``MCPServer`` and ``FastMCP`` (``await mcp.call_tool(...)``, ``await mcp.read_resource(...)``)
when the handler crashed, with the original exception as ``__cause__``; a client reads the
crash as the official SDK words it. ``InvalidUriTemplate`` is a malformed resource template
(``MCPServer.resource``). ``InvalidSignature`` (``mcpforge.errors``) is a function that
cannot be registered as it is declared."""

from __future__ import annotations

from ..errors import InvalidSignature, ResourceError, ResourceNotFoundError, ToolError

__all__ = ["InvalidSignature", "InvalidUriTemplate", "ResourceError", "ResourceNotFoundError", "ToolError", "UnexpectedResourceError", "UnexpectedToolError"]


class UnexpectedToolError(ToolError):
    """A tool crashed (a direct ``call_tool``); ``__cause__`` is what it raised."""


class UnexpectedResourceError(ResourceError, ValueError):
    """A resource reader crashed (a direct ``read_resource``, a template's
    ``create_resource``); ``__cause__`` is what it raised. A ``ValueError`` too, as 1.x
    raised one for such a failure."""


class InvalidUriTemplate(ValueError):
    """A resource URI template that does not parse, raised by ``MCPServer.resource``.
    Where the program loaded the official SDK's ``InvalidUriTemplate``
    (``mcp.shared.uri_template``), that class is raised instead, so that an ``except``
    clause naming it catches it."""

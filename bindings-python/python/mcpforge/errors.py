"""The exceptions of mcpforge.

- ``McpError(code, message, data)``: the base; raised from a handler it fails the request
  with that JSON-RPC error.
- ``ProtocolError``: a JSON-RPC error (same fields); also what the engine raises into a
  handler when a client-input request fails at the protocol level.
- ``ToolError(message, data=None)``: a tool failed in a way the model should read: the
  client gets a result with ``isError: true`` and the message (in a resource or prompt
  handler it becomes an invalid-params error). Any other exception raised by a tool is
  reported the same way, as ``Type: message``.
- ``ResourceNotFound(uri)``: a resource reader's "no such resource".
- ``ResourceError(message)``: a resource read failed in a way you anticipated: the client
  gets a -32603 error with the message (what ``ctx.read_resource`` raises, too).
- ``MCPError``: the official SDK's 2.x name of ``McpError``.
- ``AuthError``: raised by a token verifier to refuse a token.
- ``InputRequired``: not an error: it stops a handler at an unanswered client-input request
  on the 2026-07-28 wire (the engine answers ``input_required`` and runs the handler again
  with the answer). It derives from ``BaseException`` so ``except Exception`` does not
  swallow it; let it propagate.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Sequence

__all__ = ["ErrorInfo", "McpError", "MCPError", "ProtocolError", "ToolError", "ResourceError", "ResourceNotFound", "AuthError", "InputRequired", "InvalidSignature"]

from ._native import ERROR_CODES

# The engine's JSON-RPC error codes (one table for every language).
PARSE_ERROR: int = ERROR_CODES["PARSE_ERROR"]
INVALID_REQUEST: int = ERROR_CODES["INVALID_REQUEST"]
METHOD_NOT_FOUND: int = ERROR_CODES["METHOD_NOT_FOUND"]
INVALID_PARAMS: int = ERROR_CODES["INVALID_PARAMS"]
INTERNAL_ERROR: int = ERROR_CODES["INTERNAL_ERROR"]
RESOURCE_NOT_FOUND: int = ERROR_CODES["RESOURCE_NOT_FOUND"]
URL_ELICITATION_REQUIRED: int = ERROR_CODES["URL_ELICITATION_REQUIRED"]
HEADER_MISMATCH: int = ERROR_CODES["HEADER_MISMATCH"]
MISSING_REQUIRED_CLIENT_CAPABILITY: int = ERROR_CODES["MISSING_REQUIRED_CLIENT_CAPABILITY"]
UNSUPPORTED_PROTOCOL_VERSION: int = ERROR_CODES["UNSUPPORTED_PROTOCOL_VERSION"]
# A rate limit (``Server(rate_limits=...)``) refused the request; ``data["retryAfterMs"]``.
RATE_LIMITED: int = ERROR_CODES["RATE_LIMITED"]


class McpError(Exception):
    """An error with a JSON-RPC code, a message and optional data."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, {self.data!r})"


MCPError = McpError


class ProtocolError(McpError):
    """A JSON-RPC error: the request cannot be processed."""


class ToolError(McpError):
    """A tool failed; the model sees ``message`` in an ``isError`` result."""

    def __init__(self, message: str, data: Any = None) -> None:
        super().__init__(INTERNAL_ERROR, message, data)

    def __repr__(self) -> str:
        return f"ToolError({self.message!r}, {self.data!r})"


class ResourceError(ProtocolError):
    """A resource read failed: the client gets an internal error (-32603) with ``message``."""

    def __init__(self, message: str, data: Any = None) -> None:
        super().__init__(INTERNAL_ERROR, message, data)


class ResourceNotFoundError(ResourceError):
    """A ``ResourceError`` for a resource that does not exist: -32602 (invalid params) with
    ``message``, the official 2.x code; ``ctx.read_resource`` raises it for a URI that names
    no resource (``mcpforge.exceptions`` has it under the official module path)."""

    def __init__(self, message: str, data: Any = None) -> None:
        McpError.__init__(self, INVALID_PARAMS, message, data)


class ResourceNotFound(ProtocolError):
    """The resource does not exist (-32002 on the handshake versions, -32602 on 2026-07-28;
    the engine picks the code). A resource reader returning None means the same."""

    def __init__(self, uri: str) -> None:
        super().__init__(RESOURCE_NOT_FOUND, f"Resource not found: {uri}", {"uri": uri})
        self.uri = uri


class AuthError(Exception):
    """A token verifier's refusal: an invalid token (HTTP 401), or, with ``required_scopes``,
    a valid token without the scopes needed (HTTP 403)."""

    def __init__(self, message: str, required_scopes: Optional[Sequence[str]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.required_scopes = list(required_scopes) if required_scopes is not None else None


class InvalidSignature(Exception):
    """A function that cannot be registered as it is declared, under the official SDK's
    rules (the drop-in servers and ``mcpforge.tools``; the official ``InvalidSignature``)."""


class InputRequired(BaseException):
    """Stops a handler at a client-input request the client has not answered yet (2026-07-28
    wire). Raised by ``Context.elicit``/``sample``/``list_roots``/``ask``; never catch it."""


class ErrorInfo(NamedTuple):
    """What raised an unexpected exception: ``kind`` is ``"tool"``, ``"resource"``,
    ``"prompt"``, ``"completion"``, ``"resource_list"``, ``"middleware"``, ``"catalogue"`` or
    ``"initialize"``; ``name`` the
    tool's or prompt's name or the resource's URI (template), None for the others."""

    kind: str
    name: Optional[str] = None

    def describe(self) -> str:
        if self.name is not None:
            return f"{self.kind} `{self.name}`"
        return f"{'an' if self.kind[:1] in 'aeiou' else 'a'} {self.kind}"

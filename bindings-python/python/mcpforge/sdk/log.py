"""``SdkLog``: the failure records of the official SDK's high-level server, under its logger
name (``mcp.server.mcpserver.server`` for 2.x's ``MCPServer``), so that logging set up for
the official server (levels, handlers, filters by name) keeps working. A tool's or a
resource's unexpected exception is one ERROR record with the traceback; a failure the tool
meant (``ToolError``) one INFO record with the text the client reads. As in 2.x, a
resource's records name the URI read, and a crash is logged as the official
``UnexpectedToolError`` or ``UnexpectedResourceError`` caused by the original; a ``ResourceError`` it raised on
purpose is an INFO record too, and a completion handler's crash an ERROR one naming the
argument. Requests the server makes to itself (the direct ``call_tool``/``read_resource``,
``ctx.read_resource``) write none: the official SDK writes these records for a client's
requests only. The other failures keep mcpforge's record (logger ``mcpforge``). Part of the
drop-in layer: ``MCPServer`` gives one to its error reporter."""

from __future__ import annotations

import logging
from typing import Any, Callable, Optional, Tuple

from .._invoke.failures import FailureLog
from ..errors import ErrorInfo
from .exceptions import UnexpectedResourceError, UnexpectedToolError

__all__ = ["SdkLog"]

# The kinds of handler the official server writes records for, as its records name them.
_KINDS = {"tool": "Tool", "resource": "Resource"}


def _unexpected(e: BaseException, info: ErrorInfo, uri: Optional[str]) -> Tuple[type, BaseException, Any]:
    """2.x's record of a crash: an ``UnexpectedToolError`` naming the tool, or an
    ``UnexpectedResourceError`` naming what was read, caused by the original exception."""
    wrapped: BaseException
    if info.kind == "tool":
        # A crash of a nested call or read keeps its own (generic) text after the tool's.
        nested = isinstance(e, (UnexpectedToolError, UnexpectedResourceError))
        wrapped = UnexpectedToolError(f"Error executing tool {info.name}: {e}" if nested else f"Error executing tool {info.name}")
    else:
        what = "Error creating resource from template" if "{" in (info.name or "") else "Error reading resource"
        wrapped = UnexpectedResourceError(f"{what} {uri if uri is not None else info.name}")
    wrapped.__cause__ = e
    return (type(wrapped), wrapped, e.__traceback__)


class SdkLog(FailureLog):
    """The official records under ``logger_name`` (see the module documentation) of the
    release ``release`` (``"2.x"`` or ``"1.x"``); ``internal()`` says whether the failure
    being recorded happened in a request the server made to itself."""

    def __init__(self, logger_name: str, release: str, internal: Callable[[], bool]) -> None:
        self._log = logging.getLogger(logger_name)
        self._modern = release == "2.x"
        self._internal = internal

    def _name(self, info: ErrorInfo, subject: Optional[str]) -> Optional[str]:
        return subject if self._modern and info.kind == "resource" and subject is not None else info.name

    def crashed(self, e: BaseException, info: ErrorInfo, subject: Optional[str] = None) -> bool:
        exc_info = (type(e), e, e.__traceback__)
        if info.kind == "completion" and self._modern:
            self._log.error("Completion for argument %r raised an unexpected exception", subject, exc_info=exc_info)
            return True
        kind = _KINDS.get(info.kind)
        if kind is None:
            return False
        if not self._internal():
            if self._modern:
                exc_info = _unexpected(e, info, subject)
            self._log.error("%s %r raised an unexpected exception", kind, self._name(info, subject), exc_info=exc_info)
        return True

    def refused(self, info: ErrorInfo, message: str, subject: Optional[str] = None) -> None:
        kind = _KINDS.get(info.kind)
        if kind is None or (info.kind == "resource" and not self._modern) or self._internal():
            return
        self._log.info("%s %r failed: %r", kind, self._name(info, subject), message)

"""``SdkLog``: the failure records of the official SDK's high-level server, under its logger
name (``mcp.server.mcpserver.server`` for 2.x's ``MCPServer``), so that logging set up for
the official server (levels, handlers, filters by name) keeps working. A tool's or a
resource's unexpected exception is one ERROR record with the traceback; a failure the tool
meant (``ToolError``) one INFO record with the text the client reads. The other failures
keep mcpforge's record (logger ``mcpforge``). Part of the drop-in layer: ``MCPServer`` gives
one to its error reporter."""

from __future__ import annotations

import logging

from ._invoke import FailureLog
from .errors import ErrorInfo

__all__ = ["SdkLog"]

# The kinds of handler the official server writes records for, as its records name them.
_KINDS = {"tool": "Tool", "resource": "Resource"}


class SdkLog(FailureLog):
    """The official records under ``logger_name`` (see the module documentation)."""

    def __init__(self, logger_name: str) -> None:
        self._log = logging.getLogger(logger_name)

    def crashed(self, e: BaseException, info: ErrorInfo) -> bool:
        kind = _KINDS.get(info.kind)
        if kind is None:
            return False
        self._log.error("%s %r raised an unexpected exception", kind, info.name, exc_info=(type(e), e, e.__traceback__))
        return True

    def refused(self, info: ErrorInfo, message: str) -> None:
        kind = _KINDS.get(info.kind)
        if kind is not None:
            self._log.info("%s %r failed: %r", kind, info.name, message)

"""Failure reporting: what a handler's exception becomes for the client (a tool error, a
JSON-RPC error, the input-required signal) and where unexpected ones are logged. Exceptions
never escape a wrapper: a ``ToolError`` or any other exception becomes a tool error, an
``McpError`` a JSON-RPC error, ``InputRequired`` the input-required signal."""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Any, Callable, NamedTuple, Optional

from .._convert import jsonable
from ..errors import INTERNAL_ERROR, AuthError, ErrorInfo, InputRequired, McpError, ResourceError, ToolError
from .outcomes import INPUT_REQUIRED, PROTOCOL_ERROR, TOOL_ERROR, Outcome

_log = logging.getLogger("mcpforge")


def _data(data: Any) -> Any:
    try:
        return jsonable(data)
    except TypeError:
        return None


class FailureLog:
    """Where a server writes its failure records: ``crashed`` (an unexpected exception)
    returns False to leave the record to the ``mcpforge`` logger; ``refused`` is a failure
    the handler meant (a ``ToolError``, a resource's ``ResourceError``), worded as the
    client reads it. ``subject`` is what the call was about when it says more than ``info``
    (the URI read, the argument completed). This one writes no records of its own; the
    drop-in classes give one that writes the official SDK's."""

    def crashed(self, e: BaseException, info: ErrorInfo, subject: Optional[str] = None) -> bool:
        return False

    def refused(self, info: ErrorInfo, message: str, subject: Optional[str] = None) -> None:
        return None


class ErrorReporter:
    """Where a server's unexpected exceptions go: the ``mcpforge`` logger with the
    traceback (or the records of ``log``), then the server's error hook
    (``Server.on_error``) when it has one. ``mask`` keeps their text from clients (they read
    only that the handler failed)."""

    __slots__ = ("mask", "hook", "log")

    def __init__(self, mask: bool = False, log: Optional[FailureLog] = None) -> None:
        self.mask = mask
        self.hook: Optional[Callable[[BaseException, ErrorInfo], Any]] = None
        self.log = log if log is not None else FailureLog()

    def report(self, e: BaseException, info: ErrorInfo, subject: Optional[str] = None) -> None:
        if not self.log.crashed(e, info, subject):
            _log.error("%s raised %s: %s", info.describe(), type(e).__name__, e, exc_info=(type(e), e, e.__traceback__))
        hook = self.hook
        if hook is not None:
            try:
                hook(e, info)
            except Exception:  # noqa: BLE001 - a failing hook must not fail the request twice
                _log.exception("the error hook raised")


_UNHOOKED = ErrorReporter()


class ErrorStyle(NamedTuple):
    """How a tool's failure reads for the client: ``prefix`` puts ``Error executing tool
    NAME: `` before the message (the official SDK's wording); ``reporter`` takes unexpected
    exceptions (and says whether their text is masked)."""

    prefix: bool = False
    reporter: ErrorReporter = _UNHOOKED


def _official(e: BaseException) -> Optional[Outcome]:
    """The outcome of an exception of the official ``mcp`` package (its ``ToolError``,
    ``ResourceError`` and ``MCPError``), recognised by module and name, never imported."""
    if type(e).__module__.partition(".")[0] != "mcp":
        return None
    names = {c.__name__ for c in type(e).__mro__}
    error = getattr(e, "error", None)
    if "MCPError" in names or "McpError" in names:
        if error is not None:
            return (PROTOCOL_ERROR, (error.code, error.message, _data(getattr(error, "data", None))))
    if "ResourceError" in names and "UnexpectedResourceError" not in names:
        return (PROTOCOL_ERROR, (INTERNAL_ERROR, str(e), None))
    if "ToolError" in names and "UnexpectedToolError" not in names:
        return (TOOL_ERROR, (str(e), None))
    return None


def is_protocol_error(e: BaseException) -> bool:
    """Whether ``e`` is a JSON-RPC error: mcpforge's ``McpError`` or the official package's
    ``MCPError`` (which a render or a read lets through unchanged)."""
    if isinstance(e, McpError):
        return True
    names = {c.__name__ for c in type(e).__mro__}
    return type(e).__module__.partition(".")[0] == "mcp" and bool(names & {"MCPError", "McpError"})


def failure(
    e: BaseException,
    reporter: ErrorReporter = _UNHOOKED,
    info: ErrorInfo = ErrorInfo("handler"),
    label: Optional[str] = None,
    subject: Optional[str] = None,
) -> Outcome:
    """The outcome of a handler (``info``) that raised ``e``; an unexpected exception goes
    to ``reporter`` (and its text stays there when the reporter masks), a resource's
    ``ResourceError`` to its log as a refusal. ``label`` words an unexpected exception as
    the official SDK does (``Error reading resource URI``, then ``: text`` unless masked);
    ``subject`` is the URI read or the argument completed, for the records."""
    if isinstance(e, InputRequired):
        return (INPUT_REQUIRED, None)
    official = _official(e)
    if official is None and isinstance(e, ToolError):
        return (TOOL_ERROR, (e.message, _data(e.data)))
    if official is None and isinstance(e, McpError):
        official = (PROTOCOL_ERROR, (e.code, e.message, _data(e.data)))
    if official is not None:
        if info.kind == "resource" and _resource_error(e):
            reporter.log.refused(info, official[1][1], subject)
        return official
    # Unexpected: the client sees the message (unless masked), the server's log and error
    # hook the traceback. SystemExit, KeyboardInterrupt and the like raised by a handler end
    # that call only. A tool's crash is an `isError` result (the model reads it); a
    # resource's, prompt's, completion's or initialize hook's is an internal error
    # (-32603), not the client's fault.
    reporter.report(e, info, subject)
    if label is not None:
        text = label if reporter.mask else f"{label}: {e}"
    else:
        text = "the handler failed" if reporter.mask else f"{type(e).__name__}: {e}"
    if info.kind in _INTERNAL_WHEN_CRASHED:
        return (PROTOCOL_ERROR, (INTERNAL_ERROR, text, None))
    return (TOOL_ERROR, (text, None))


# The handlers whose unexpected exception is an internal error rather than a tool error.
_INTERNAL_WHEN_CRASHED = frozenset({"resource", "resource_list", "prompt", "completion", "initialize"})


def _resource_error(e: BaseException) -> bool:
    """Whether ``e`` is a ``ResourceError``, mcpforge's or the official SDK's."""
    if isinstance(e, ResourceError):
        return True
    return type(e).__module__.partition(".")[0] == "mcp" and any(c.__name__ == "ResourceError" for c in type(e).__mro__)


def _escaped_crash(e: BaseException) -> bool:
    """Whether ``e`` is the ``UnexpectedToolError``/``UnexpectedResourceError`` of a nested
    call that crashed."""
    return any(c.__name__ in ("UnexpectedToolError", "UnexpectedResourceError") for c in type(e).__mro__)


def tool_failure(name: str, style: ErrorStyle) -> Callable[..., Outcome]:
    """``failure`` for the tool ``name``, worded per ``style``."""
    prefix = f"Error executing tool {name}"

    info = ErrorInfo("tool", name)

    def fail(e: BaseException, *inputs: Any) -> Outcome:
        if style.prefix and _escaped_crash(e):
            # A crash of a nested call (``ctx.read_resource``, the direct ``call_tool``)
            # escaping the tool stays a crash, under the tool's name; its text is the
            # nested call's safe wording.
            style.reporter.report(e, info)
            return (TOOL_ERROR, (f"{prefix}: {e}", None))
        if style.prefix and _resource_error(e):
            # A resource read that failed inside the tool (``ctx.read_resource``): the
            # tool's failure, read by the model, as the official SDK reports it.
            text = f"{prefix}: {e}"
            style.reporter.log.refused(info, text)
            return (TOOL_ERROR, (text, _data(getattr(e, "data", None))))
        tag, payload = failure(e, style.reporter, info)
        if tag != TOOL_ERROR:
            return (tag, payload)
        message, data = payload
        unexpected = not isinstance(e, McpError) and _official(e) is None
        if unexpected:
            if style.reporter.mask:
                return (TOOL_ERROR, (prefix, None))
            if style.prefix:
                message = str(e)
        text = f"{prefix}: {message}" if style.prefix else message
        if not unexpected:
            style.reporter.log.refused(info, text)
        return (TOOL_ERROR, (text, data))

    return fail


def reported_failure(
    reporter: ErrorReporter, info: ErrorInfo, label: Optional[Callable[..., str]] = None, subject: Optional[Callable[..., str]] = None
) -> Callable[..., Outcome]:
    """``failure`` for a resource, prompt, completion or middleware (``info``), reporting
    unexpected exceptions to ``reporter``; ``label(*inputs)`` words them and
    ``subject(*inputs)`` names what the call was about (``failure``)."""

    def fail(e: BaseException, *inputs: Any) -> Outcome:
        return failure(e, reporter, info, None if label is None else label(*inputs), None if subject is None else subject(*inputs))

    return fail


def bad_inputs(e: Exception) -> Outcome:
    """Inputs that could not become the function's parameters (a prompt argument or template
    variable that is not the annotated type, a model's validator refusing): the caller's
    fault, told to the client as it is: an `isError` result for a tool, invalid params
    (-32602) for the others. Not a crash: neither logged as one nor masked."""
    return (TOOL_ERROR, (f"{type(e).__name__}: {e}", None))

def verifier_failure(e: BaseException, *inputs: Any) -> Outcome:
    """A verifier's exception: ``AuthError`` says why (401, or 403 with scopes); anything
    else refuses the token without telling the client why (the traceback goes to stderr)."""
    if isinstance(e, AuthError):
        if e.required_scopes is not None:
            return (PROTOCOL_ERROR, (403, e.message, list(e.required_scopes)))
        return (TOOL_ERROR, (e.message, None))
    traceback.print_exception(type(e), e, e.__traceback__, file=sys.stderr)
    return (TOOL_ERROR, ("the token could not be verified", None))

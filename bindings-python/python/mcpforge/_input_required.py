"""Handlers that return the official SDK's ``InputRequiredResult`` (``mcp`` 2.x's own
multi-round API on the 2026-07-28 wire): a tool, resource template or prompt may return one
instead of its result, and reads the client's answers from ``ctx.input_responses`` and its
own state from ``ctx.request_state`` when the client retries.

The wrappers hand such a result to the engine's multi-round machinery (the native context's
``hand_back_input_required``), so the client receives the engine's ``input_required``
result: the requests as given, the handler's ``request_state`` sealed by the engine and
bound to the request. On a session older than 2026-07-28 there is no such result: the
engine answers -32603 ``Handler returned an invalid result``, as the official SDK does.
Part of the drop-in layer."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from ._convert import input_required_type
from ._invoke.outcomes import INPUT_REQUIRED

__all__ = ["is_input_required", "hand_over", "NESTED_READ"]

# What ``ctx.read_resource`` raises when the template it reached returned one.
NESTED_READ = (
    "Resource returned InputRequiredResult; ctx.read_resource() only returns content — use "
    "MCPServer.read_resource(uri, context) to receive and forward it."
)


def is_input_required(value: Any) -> bool:
    """Whether a handler's return value is an ``InputRequiredResult`` (the official model or
    a subclass of it, recognised by name and tag: mcpforge does not depend on the official
    package)."""
    return input_required_type(type(value)) and getattr(value, "result_type", None) == "input_required"


def _wire(value: Any) -> Dict[str, Any]:
    """A request model's ``params`` as on the wire (camelCase, no nulls)."""
    params = getattr(value, "params", None)
    if params is None:
        return {}
    if hasattr(params, "model_dump"):
        return params.model_dump(by_alias=True, exclude_none=True, mode="json")  # type: ignore[no-any-return]
    return dict(params)


def _requests(result: Any) -> List[Tuple[str, str, Dict[str, Any]]]:
    """The result's ``input_requests`` as the engine takes them: ``(key, method, params)``."""
    requests = getattr(result, "input_requests", None) or {}
    return [(str(key), str(request.method), _wire(request)) for key, request in requests.items()]


def hand_over(value: Any, native: Any, witness: Optional[Callable[[Any, Any], None]]) -> Tuple[int, Any]:
    """The outcome of a handler that returned the ``InputRequiredResult`` ``value`` for the
    request of ``native`` (its native context). ``witness`` (the direct calls' observer)
    is told of the result first, so that a direct ``read_resource`` can return it as it is."""
    if witness is not None:
        witness(native, value)
    native.hand_back_input_required(_requests(value), getattr(value, "request_state", None))
    return (INPUT_REQUIRED, None)

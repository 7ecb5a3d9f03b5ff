"""How the drop-in servers' completion handlers answer: as the official ``@mcp.completion()``
does, the return value is an official ``Completion`` (or one in its wire form, or
``mcpforge.Completion``), and None an empty one. Anything else (a bare list of values,
which mcpforge's own ``Server`` takes) is the handler's bug: the official model's
validation error, reported as the handler's crash (-32603 ``Error completing argument
NAME``, an ERROR record). Part of the drop-in layer."""

from __future__ import annotations

from typing import Any

from .._convert import sdk_object
from .._invoke.results import completion_finish
from ..content import Completion
from .direct import typed

__all__ = ["official_completion_finish"]


def official_completion_finish(value: Any) -> Any:
    """The engine's answer for a completion handler's ``value`` (see the module); raises
    pydantic's ``ValidationError`` (or ``TypeError`` without the official package) for a
    value that is not a completion."""
    if value is None:
        return completion_finish(Completion([]))
    if isinstance(value, Completion):
        return completion_finish(value)
    wire = sdk_object(value)
    checked = typed("Completion", wire if wire is not None else value)
    wire = sdk_object(checked)
    if wire is None:
        if not (isinstance(checked, dict) and isinstance(checked.get("values"), list)):
            raise TypeError(f"a completion handler returns a Completion or None, not {type(value).__name__}")
        wire = checked
    return completion_finish(wire)

"""The ``(tag, payload)`` outcomes a wrapper reports to the native module, and the shapes of
the pieces a wrapper is built from (the tags are the native module's, defined once in
``bindings-python/src/errors.rs``)."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

from .._native import TAG_BYTES as BYTES
from .._native import TAG_CONTENT as CONTENT
from .._native import TAG_INPUT_REQUIRED as INPUT_REQUIRED
from .._native import TAG_PROTOCOL_ERROR as PROTOCOL_ERROR
from .._native import TAG_RESULT as RESULT
from .._native import TAG_TOOL_ERROR as TOOL_ERROR
from .._native import TAG_VALUE as VALUE

__all__ = ["BYTES", "CONTENT", "INPUT_REQUIRED", "PROTOCOL_ERROR", "RESULT", "TOOL_ERROR", "VALUE", "Outcome", "Bind", "Finish", "Witness"]

Outcome = Tuple[int, Any]
Bind = Callable[..., Dict[str, Any]]
Finish = Callable[[Any], Outcome]

# Told of what a handler raised (or of an ``InputRequiredResult`` it returned).
Witness = Optional[Callable[[Any, Any], None]]

"""The ``(tag, payload)`` outcomes a wrapper reports to the native module, and the shapes of
the pieces a wrapper is built from (tags as in ``bindings-python/src/errors.rs``)."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

VALUE, RESULT, TOOL_ERROR, PROTOCOL_ERROR, INPUT_REQUIRED, CONTENT = 0, 1, 2, 3, 4, 5

Outcome = Tuple[int, Any]
Bind = Callable[..., Dict[str, Any]]
Finish = Callable[[Any], Outcome]

# Told of what a handler raised (or of an ``InputRequiredResult`` it returned).
Witness = Optional[Callable[[Any, Any], None]]

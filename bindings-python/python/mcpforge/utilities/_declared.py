"""``Declared``: a function's declaration registered on an engine server of its own, for
``FuncMetadata`` (``func_metadata``) to validate arguments and convert return values the
way the server does, without calling the function.

Two tools stand for the function there: ``arguments`` takes its parameters (but the skipped
ones and the ``Context``), with their schema and converters, and hands back what the server
bound for a call; ``result`` takes nothing and declares the function's return annotation,
and returns the value it is given, so that the engine shapes it (content, structured
content under the output schema) as it shapes the function's own. Each request is a
``tools/call`` through the server's own connection (``_loopback``), one at a time."""

from __future__ import annotations

import inspect
import threading
import typing
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

__all__ = ["Declared"]

ARGUMENTS, RESULT = "arguments", "result"


def hints(fn: Callable[..., Any]) -> Dict[str, Any]:
    """The evaluated annotations of ``fn`` (of ``__call__`` for a callable object)."""
    target = fn if inspect.isroutine(fn) else getattr(type(fn), "__call__", fn)
    return typing.get_type_hints(target, include_extras=True)


class Declared:
    """``fn``'s parameters (but ``skip``) and return annotation on ``server``, a server of
    their own."""

    def __init__(self, server: Any, fn: Callable[..., Any], skip: Sequence[str], structured_output: Optional[bool]) -> None:
        self.server = server
        self._lock = threading.Lock()
        self._bound: Dict[str, Any] = {}
        self._value: Any = None
        signature = inspect.signature(fn)
        annotations = hints(fn)
        kept = [p for n, p in signature.parameters.items() if n not in skip]
        name = getattr(fn, "__name__", type(fn).__name__)

        def arguments(*args: Any, **kwargs: Any) -> str:
            self._bound = dict(arguments.__signature__.bind(*args, **kwargs).arguments)  # type: ignore[attr-defined]
            return ""

        arguments.__name__ = name
        arguments.__signature__ = signature.replace(parameters=kept, return_annotation=str)  # type: ignore[attr-defined]
        arguments.__annotations__ = {n: a for n, a in annotations.items() if n in {p.name for p in kept}}

        def result() -> Any:
            return self._value

        result.__name__ = name
        result.__signature__ = signature.replace(parameters=[])  # type: ignore[attr-defined]
        result.__annotations__ = {"return": annotations["return"]} if "return" in annotations else {}
        server.add_tool(arguments, name=ARGUMENTS, structured_output=False)
        given = {} if structured_output is None else {"structured_output": structured_output}
        server.add_tool(result, name=RESULT, **given)

    def bind(self, arguments: Dict[str, Any]) -> Tuple[Optional[Dict[str, Any]], str]:
        """The keyword arguments the server binds for ``arguments`` (validated against the
        input schema, converted to the parameters' types), or None and the server's reason
        for refusing them."""
        with self._lock:
            self._bound = {}
            response = self.server._loopback().call("tools/call", {"name": ARGUMENTS, "arguments": arguments})
            result = response.get("result") or {}
            if "error" in response or result.get("isError"):
                return None, _reason(response)
            return self._bound, ""

    def shape(self, value: Any) -> Dict[str, Any]:
        """The ``tools/call`` result the server sends for a function returning ``value``."""
        with self._lock:
            self._value = value
            try:
                response = self.server._loopback().call("tools/call", {"name": RESULT, "arguments": {}})
            finally:
                self._value = None
        if "error" in response:
            return {"content": [{"type": "text", "text": _reason(response)}], "isError": True}
        found: Dict[str, Any] = response["result"]
        return {k: v for k, v in found.items() if k in ("content", "structuredContent", "isError", "_meta")}


def _reason(response: Dict[str, Any]) -> str:
    if "error" in response:
        return str(response["error"].get("message", ""))
    blocks = response["result"].get("content", [])
    return "\n".join(b.get("text", "") for b in blocks if b.get("type") == "text")

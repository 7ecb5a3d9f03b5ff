"""The catalogue hook's wrapper: ``hook(request, kind)`` says which registered items a request
may see (see ``Server.catalogue``); the engine calls the wrapper at most once per kind and
request, with the request as a dict."""

from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from . import _invoke
from .middleware import MiddlewareContext, _context

KINDS = ("tools", "resources", "resource_templates", "prompts")

CatalogueHook = Callable[[MiddlewareContext, str], Any]
"""``hook(request, kind) -> None | Iterable[str]`` (or a coroutine of it)."""


def _keys(value: Any) -> Optional[List[str]]:
    """What the hook returned, checked: None (everything) or a list of strings."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"a catalogue hook returns None or an iterable of names, not {type(value).__name__}")
    keys = list(value)
    for key in keys:
        if not isinstance(key, str):
            raise TypeError(f"a catalogue hook returns names as strings, not {type(key).__name__}")
    return keys


def _bind(request: Dict[str, Any], kind: str, _native: Any) -> Dict[str, Any]:
    return {"request": _context(request), "kind": kind}


def _finish(value: Any, *_inputs: Any) -> _invoke.Outcome:
    return (_invoke.VALUE, _keys(value))


def is_async(hook: Any) -> bool:
    """Whether ``hook`` is a coroutine function (or an object whose ``__call__`` is one)."""
    return inspect.iscoroutinefunction(hook) or inspect.iscoroutinefunction(getattr(hook, "__call__", None))


def wrapper(hook: CatalogueHook, loop_of: Callable[[], Any], fail: Callable[[BaseException], _invoke.Outcome]) -> Tuple[Any, bool]:
    """The engine's wrapper of ``hook`` and whether it is asynchronous."""
    if is_async(hook):

        async def call_async(request: MiddlewareContext, kind: str) -> Any:
            return await hook(request, kind)

        return _invoke.wrapper(call_async, True, _bind, _finish, loop_of, fail), True

    def call(request: MiddlewareContext, kind: str) -> Any:
        return hook(request, kind)

    return _invoke.wrapper(call, False, _bind, _finish, loop_of, fail), False

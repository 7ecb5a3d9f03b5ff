"""The catalogue hook's wrapper: ``hook(request, kind)`` says which registered items a request
may see (see ``Server.catalogue``); the engine calls the wrapper at most once per kind and
request, with the request as a dict."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from ._components import tag_set
from ._invoke import outcomes, wrappers
from .middleware import MiddlewareContext, _context

CatalogueHook = Callable[[MiddlewareContext, str], Any]
"""``hook(request, kind) -> None | Iterable[str]`` (or a coroutine of it)."""


def _keys(value: Any) -> Optional[List[str]]:
    """What the hook returned, checked: None (everything) or the names, as a list."""
    return None if value is None else list(tag_set(value, "a catalogue hook's names"))


def _bind(request: Dict[str, Any], kind: str, _native: Any) -> Dict[str, Any]:
    return {"request": _context(request), "kind": kind}


def _finish(value: Any) -> outcomes.Outcome:
    return (outcomes.VALUE, _keys(value))


def wrapper(hook: CatalogueHook, loop_of: Callable[[], Any], fail: Callable[..., outcomes.Outcome]) -> Tuple[Any, bool]:
    """The engine's wrapper of ``hook`` and whether it is asynchronous."""
    if wrappers.is_async(hook):

        async def call_async(request: MiddlewareContext, kind: str) -> Any:
            return await hook(request, kind)

        return wrappers.wrapper(call_async, True, _bind, _finish, loop_of, fail), True

    def call(request: MiddlewareContext, kind: str) -> Any:
        return hook(request, kind)

    return wrappers.wrapper(call, False, _bind, _finish, loop_of, fail), False

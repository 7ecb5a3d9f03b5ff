"""``Hooks``: what runs around or beside the handlers rather than as one: the middleware
chain around every request (``add_middleware``; ``mcpforge.middleware`` runs it), the
catalogue hook that says which registered items a request may see (``catalogue``;
``_catalogue`` wraps it), and the error hook told of every unexpected exception
(``on_error``)."""

from __future__ import annotations

from typing import Any, Callable, List, Optional

from . import _catalogue
from . import middleware as _middleware
from ._core import ServerCore
from ._invoke import failures, wrappers
from .errors import ErrorInfo

__all__ = ["Hooks"]


class Hooks(ServerCore):
    """Middleware, the catalogue hook and the error hook (see the module documentation)."""

    def add_middleware(self, middleware: Any) -> None:
        """Adds ``middleware`` (an ``async def mw(context, call_next)``, or a
        :class:`~mcpforge.middleware.Middleware` instance) at the inner end of the chain
        around every request: the first added sees a request first and its answer last.
        Requests that start afterwards pass through it. See :mod:`mcpforge.middleware`."""
        if isinstance(middleware, type):
            raise TypeError(f"add_middleware takes an instance, not the class {middleware.__name__}")
        if not wrappers.is_async(middleware):
            raise TypeError("a middleware is an async callable taking (context, call_next)")
        with self._lock:
            self._middleware.append(middleware)
            # One engine middleware runs the whole Python chain; it is swapped at once, so no
            # request runs without the middleware added before.
            fail = failures.reported_failure(self._errors, ErrorInfo("middleware"))
            self._native.set_middleware(_middleware.chain_starter(list(self._middleware), self._loop_of(), fail))

    def catalogue(self, hook: Optional[_catalogue.CatalogueHook]) -> Optional[_catalogue.CatalogueHook]:
        """Sets the server's catalogue hook (usable as a decorator; None removes it):
        ``hook(request, kind)`` says which registered items a request may see. ``request`` is
        a :class:`~mcpforge.middleware.MiddlewareContext` (``auth``, ``client_info``,
        ``session_id``, ``meta``, ``method``, ``name``; not the arguments), ``kind`` one of
        ``"tools"``, ``"resources"``, ``"resource_templates"``, ``"prompts"``. Return None for
        everything, or the names (tools, prompts), URIs (resources) or URI templates as
        registered (templates) it may see. Sync or ``async def``; asked at most once per kind
        and request. Lists then hold only those items, and a call, read, ``prompts/get``,
        completion or subscription naming anything else is answered as for an unknown name.
        A hook that raises shows nothing of that kind for that request (the exception goes to
        the log and the error hook). When what a client may see changes, tell clients with
        ``notify_tools_changed()`` and the like."""
        if hook is None:
            self._native.set_catalogue(None)
            return None
        if not callable(hook):
            raise TypeError("catalogue takes a callable (request, kind)")
        fail = failures.reported_failure(self._errors, ErrorInfo("catalogue"))
        wrapped, is_async = _catalogue.wrapper(hook, self._loop_of(), fail)
        self._native.set_catalogue(wrapped, is_async)
        return hook

    @property
    def middleware(self) -> List[Any]:
        """The middleware chain, outermost first."""
        return list(self._middleware)

    def on_error(self, hook: Callable[[BaseException, ErrorInfo], Any]) -> Callable[[BaseException, ErrorInfo], Any]:
        """Sets the server's error hook (usable as a decorator; the ``error_handler`` option
        sets it too): ``hook(exception, info)`` runs for every unexpected exception a tool,
        resource, prompt, completion, resource lister or middleware raises (not for
        ``ToolError``, ``McpError`` or ``InputRequired``), after it is logged with its
        traceback (``exception.__traceback__``) to the ``mcpforge`` logger. ``info.kind`` and
        ``info.name`` say what raised it. The hook is a plain function run where the failure
        happened (a worker thread or the event loop): keep it quick. What the client reads is
        decided by ``mask_error_details``. An exception in the hook is logged and ignored."""
        if not callable(hook):
            raise TypeError("on_error takes a callable (exception, info)")
        self._errors.hook = hook
        return hook

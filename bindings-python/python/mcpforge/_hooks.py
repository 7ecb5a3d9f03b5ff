"""``Hooks``: what runs around or beside the handlers rather than as one: the middleware
chain around every request (``add_middleware``; ``mcpforge.middleware`` runs it), the
catalogue hook that says which registered items a request may see (``catalogue``;
``_catalogue`` wraps it), the initialize hook that decides the answer to each client's
``initialize`` (``on_initialize``; ``_initialize`` wraps it), and the error hook told of
every unexpected exception (``on_error``)."""

from __future__ import annotations

from typing import Any, Callable, Iterable, List, Optional, SupportsIndex

from . import _catalogue, _initialize
from . import middleware as _middleware
from ._core import ServerCore
from ._invoke import failures, wrappers
from .errors import ErrorInfo

__all__ = ["Hooks", "MiddlewareChain"]


def _checked(middleware: Any) -> Any:
    if isinstance(middleware, type):
        raise TypeError(f"add_middleware takes an instance, not the class {middleware.__name__}")
    if not wrappers.is_async(middleware):
        raise TypeError("a middleware is an async callable taking (context, call_next)")
    return middleware


class MiddlewareChain(List[Any]):
    """``server.middleware``: a list of middleware, outermost first, that hands itself to the
    engine again after every change; what is added is checked first (an async callable
    instance, not a class)."""

    def __init__(self, changed: Callable[[], None], items: Iterable[Any] = ()) -> None:
        super().__init__(_checked(m) for m in items)
        self._changed = changed

    def append(self, middleware: Any) -> None:
        super().append(_checked(middleware))
        self._changed()

    def extend(self, items: Iterable[Any]) -> None:
        added = [_checked(m) for m in items]
        super().extend(added)
        if added:  # an empty chain is never handed over: requests skip it entirely
            self._changed()

    def __iadd__(self, items: Iterable[Any]) -> "MiddlewareChain":  # type: ignore[misc]
        self.extend(items)
        return self

    def insert(self, index: SupportsIndex, middleware: Any) -> None:
        super().insert(index, _checked(middleware))
        self._changed()

    def __setitem__(self, index: Any, value: Any) -> None:
        super().__setitem__(index, [_checked(m) for m in value] if isinstance(index, slice) else _checked(value))
        self._changed()

    def __delitem__(self, index: Any) -> None:
        super().__delitem__(index)
        self._changed()

    def remove(self, middleware: Any) -> None:
        super().remove(middleware)
        self._changed()

    def pop(self, index: SupportsIndex = -1) -> Any:
        item = super().pop(index)
        self._changed()
        return item

    def clear(self) -> None:
        super().clear()
        self._changed()

    def reverse(self) -> None:
        super().reverse()
        self._changed()


class Hooks(ServerCore):
    """Middleware, the catalogue hook and the error hook (see the module documentation)."""

    def add_middleware(self, middleware: Any) -> None:
        """Adds ``middleware`` (an ``async def mw(context, call_next)``, or a
        :class:`~mcpforge.middleware.Middleware` instance) at the inner end of the chain
        around every request: the first added sees a request first and its answer last.
        Requests that start afterwards pass through it. See :mod:`mcpforge.middleware`."""
        self.middleware.append(middleware)

    def _install_middleware(self) -> None:
        """Hands the chain as it is now to the engine: one engine middleware runs the whole
        Python chain, swapped at once, so no request runs without a middleware added before."""
        with self._lock:
            fail = failures.reported_failure(self._errors, ErrorInfo("middleware"))
            chain = list(self._middleware) + self._inner_middleware()
            make, ref = self._context_type, self._ref
            self._native.set_middleware(_middleware.chain_starter(chain, self._loop_of(), fail, lambda native: make(native, ref)))

    def _inner_middleware(self) -> List[Any]:
        """Middleware a layer adds at the inner end of the chain, after the application's
        (none here; the drop-in layer's handler table adds its router)."""
        return []

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

    def on_initialize(self, hook: Optional[_initialize.InitializeHook]) -> Optional[_initialize.InitializeHook]:
        """Sets the server's initialize hook (usable as a decorator; None removes it):
        ``hook(handshake)`` sees each client's ``initialize`` on every transport and decides
        the answer. ``handshake`` is a :class:`~mcpforge.Handshake`: ``params`` (what the
        client sent; ``client_info`` and ``protocol_version`` read it), ``answer`` (what the
        engine would answer), ``repeated`` and ``auth``. Return None to answer as the engine
        would, or the result dict to answer (``handshake.answer`` changed, or your own); the
        session is served at the ``protocolVersion`` it names when the server serves that
        version. Raise ``McpError`` to refuse the client with that error; any other
        exception is logged, goes to the error hook and answers an internal error. Sync or
        ``async def``."""
        if hook is None:
            self._native.set_initialize_hook(None)
            return None
        if not callable(hook):
            raise TypeError("on_initialize takes a callable (handshake)")
        fail = failures.reported_failure(self._errors, ErrorInfo("initialize"))
        wrapped, is_async = _initialize.wrapper(hook, self._loop_of(), fail)
        self._native.set_initialize_hook(wrapped, is_async)
        return hook

    @property
    def middleware(self) -> "MiddlewareChain":
        """The middleware chain, outermost first: a list, as the official SDK's
        ``server.middleware`` is, whose changes (``append``, ``extend``, ``insert``,
        ``remove``, ...) apply to the requests that start afterwards."""
        chain = self._middleware
        if not isinstance(chain, MiddlewareChain):
            chain = self._middleware = MiddlewareChain(self._install_middleware, chain)
        return chain

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

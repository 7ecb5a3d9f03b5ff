"""The official 2.x low-level server's table of request handlers: ``HandlerTable`` (the
handlers by method and the middleware that answers with them; the 2.x low-level ``Server``,
``lowlevel2``, is served through one), and ``LowLevelHandlers``, the table as
``MCPServer._lowlevel_server`` (published servers add handlers there for methods the
high-level server has no decorator for: ``logging/setLevel``, ``resources/subscribe``, ...).

``add_request_handler(method, params_type, handler)`` registers ``async def handler(ctx,
params)``: the request's params are checked against ``params_type`` (a pydantic model; a
refusal is -32602 ``Invalid request parameters``, as the official runner answers) and the
handler's result (a pydantic model, a dict or None) is the answer. Requests pass through the
server's middleware first: the table answers at the inner end of the chain. A subscription or
log level the handler accepted is kept by the engine too, so that updates reach the
subscribed client and log messages honour the level; a ``resources/subscribe`` handler makes
the server claim and serve subscriptions, as the official server then claims them.

``ctx`` has the official ``ServerRequestContext`` fields: ``session`` (bound to the request:
its log messages, progress, asks and notifications go to that request's client, as the
official session's go to its connection), ``lifespan_context``, ``protocol_version``, ``method``, ``params``,
``request_id`` and ``meta``. The official client's in-process connections reach the server
through this object too (``Client(server)`` enters it, the in-memory transport runs it).
Notification handlers are not offered: the engine takes the
client's notifications itself and hands none to Python, so ``add_notification_handler``
raises ``NotImplementedError`` rather than registering a handler that would never run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, FrozenSet, List, Optional

from ..errors import INTERNAL_ERROR, INVALID_PARAMS, METHOD_NOT_FOUND, McpError
from ..middleware import CallNext, MiddlewareContext
from .lowlevel import ENGINE_TOO, request_session

__all__ = ["HandlerTable", "LowLevelHandlers", "HandlerEntry", "HandlerContext", "handler_context", "dumped"]


@dataclass
class HandlerEntry:
    """One registered handler and the model its params are checked against."""

    params_type: Any
    handler: Callable[..., Awaitable[Any]]


@dataclass
class HandlerContext:
    """The request a handler answers (the official ``ServerRequestContext``'s fields)."""

    session: Any
    lifespan_context: Any
    protocol_version: str
    method: str
    params: Optional[Dict[str, Any]] = None
    request_id: Any = None
    meta: Any = None
    request: Any = None


def handler_context(context: MiddlewareContext, server: Any, meta: Any = None) -> HandlerContext:
    """The official handlers' ``ctx`` for the request ``context`` carries."""
    return HandlerContext(
        session=request_session(context.ctx, server),
        lifespan_context=server.lifespan_context,
        protocol_version=context.protocol_version,
        method=context.method,
        params=context.params,
        request_id=context.request_id,
        meta=meta,
    )


class HandlerTable:
    """Request handlers by method, and ``route``, the middleware that answers with them.
    ``engine()`` is the server whose session and lifespan the handlers' context gives."""

    def __init__(self, engine: Callable[[], Any], owned: FrozenSet[str] = frozenset()) -> None:
        self._engine = engine
        self._requests: Dict[str, HandlerEntry] = {}
        # Methods only a handler answers: without one they are unknown (-32601), as on a
        # low-level server, rather than answered by the engine.
        self._owned = owned

    def register(self, method: str, params_type: Any, handler: Callable[..., Awaitable[Any]]) -> None:
        """Registers ``handler`` for ``method``, replacing any handler of it; ``initialize``
        is the runner's and raises ``ValueError``, as in the official server."""
        if method == "initialize":
            raise ValueError("'initialize' is handled by the server runner and cannot be overridden; use Server.middleware to observe or wrap initialization")
        self._requests[method] = HandlerEntry(params_type, handler)

    def get_request_handler(self, method: str) -> Optional[HandlerEntry]:
        """The entry registered for ``method``, or None."""
        return self._requests.get(method)

    def __contains__(self, method: object) -> bool:
        return method in self._requests

    def add_notification_handler(self, method: str, params_type: Any, handler: Any) -> None:
        """Not offered (see the module documentation)."""
        raise NotImplementedError(f"add_notification_handler({method!r}): the engine takes the client's notifications itself and hands none to Python")

    def get_notification_handler(self, method: str) -> None:
        """Always None: no notification handler is registered (see the module documentation)."""
        return None

    def inner(self) -> List[Any]:
        """The middleware the table adds at the inner end of the chain (none while empty)."""
        return [self.route] if self._requests or self._owned else []

    async def route(self, context: MiddlewareContext, call_next: CallNext) -> Any:
        """Answers a request whose method has a handler; passes the others on. A failure is
        answered as the official runner answers it: an ``McpError`` as it is, a pydantic
        refusal -32602, anything else error code 0 with its text (on 2026-07-28, -32603
        ``Internal server error``)."""
        entry = self._requests.get(context.method)
        if entry is None:
            if context.method in self._owned:
                raise McpError(METHOD_NOT_FOUND, f"Method not found: {context.method}")
            return await call_next(context)
        from pydantic import ValidationError  # optional dependency: the official package's

        try:
            params = entry.params_type.model_validate(context.params or {}, by_name=False)
        except ValidationError:
            raise McpError(INVALID_PARAMS, "Invalid request parameters", "") from None
        ctx = handler_context(context, self._engine(), getattr(params, "meta", None))
        try:
            result = await entry.handler(ctx, params)
        except McpError:
            raise
        except ValidationError:
            raise McpError(INVALID_PARAMS, "Invalid request parameters", "") from None
        except Exception as e:  # noqa: BLE001 - answered as the official runner answers it
            if type(e).__module__.partition(".")[0] == "mcp" and hasattr(e, "error"):
                raise  # the official MCPError: its own code and message
            if context.is_modern:
                raise McpError(INTERNAL_ERROR, "Internal server error") from e
            raise McpError(0, str(e)) from e
        if context.method in ENGINE_TOO:
            await call_next(context)  # the engine keeps the subscription or the level
        return dumped(result)


class LowLevelHandlers(HandlerTable):
    """``MCPServer._lowlevel_server`` (see the module documentation)."""

    def __init__(self, server: Any) -> None:
        super().__init__(lambda: server)
        self._server = server

    @property
    def middleware(self) -> List[Any]:
        """The server's middleware chain: the same list as ``server.middleware``."""
        chain: List[Any] = self._server.middleware
        return chain

    def add_request_handler(self, method: str, params_type: Any, handler: Callable[..., Awaitable[Any]]) -> None:
        """Registers ``handler`` for ``method`` (``register``); a ``resources/subscribe``
        handler makes the server serve and claim subscriptions."""
        first = not self._requests
        self.register(method, params_type, handler)
        if method == "resources/subscribe":
            self._server._native.serve_resource_subscriptions(True)
        if first:
            self._server._install_middleware()

    # The official client connects to ``MCPServer`` through this object: ``Client(server)``
    # enters it as a transport (2.x), and the in-memory transport runs it (``run``).
    def create_initialization_options(self, *args: Any, **kwargs: Any) -> None:
        """Nothing: the engine makes its own (the official signature, for ``run``)."""
        return None

    async def run(self, read_stream: Any, write_stream: Any, initialization_options: Any = None, *args: Any, **kwargs: Any) -> None:
        """Serves one connection over the official memory streams until the client's ends."""
        from .streams import LowLevel  # loaded on use: asyncio and the official package

        await LowLevel(self._server).run(read_stream, write_stream)

    async def __aenter__(self) -> Any:
        return await self._server.__aenter__()

    async def __aexit__(self, *exc: Any) -> None:
        await self._server.__aexit__(*exc)


def dumped(result: Any) -> Dict[str, Any]:
    """A handler's result as its wire form, as the official runner writes it."""
    if result is None:
        return {}
    if hasattr(result, "model_dump"):
        dumped: Dict[str, Any] = result.model_dump(by_alias=True, mode="json", exclude_none=True)
        return dumped
    if isinstance(result, dict):
        return dict(result)
    raise TypeError(f"handler returned {type(result).__name__}; expected BaseModel, dict, or None")

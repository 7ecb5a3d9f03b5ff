"""Middleware: an ordered chain of async callables around every request the engine routes
(``tools/call``, ``resources/read``, ``prompts/get``, the lists, ``ping``, ...; not
``initialize``), in the shape of the official SDK's and FastMCP's server middleware::

    async def audit(context: MiddlewareContext, call_next: CallNext) -> Any:
        started = time.monotonic()
        result = await call_next(context)
        log.info("%s %s took %.1f ms", context.method, context.name, (time.monotonic() - started) * 1000)
        return result

    server.add_middleware(audit)

A middleware may read the request (``context.method``, ``.name``, ``.arguments``, ``.meta``,
``.protocol_version``, ``.auth``, ``.client_info``, ``.session_id``), change
``context.arguments`` (the engine still validates them against the tool's schema), answer
without calling ``call_next`` (return a result dict; raise ``ToolError`` for a refused tool
call, ``McpError`` for a JSON-RPC error), and look at or replace what ``call_next`` returned:
the method's result as a dict (a ``CallToolResult`` dict for ``tools/call``), or the
``ProtocolError`` it raised. Subclasses of :class:`Middleware` can override a hook per method
instead (``on_call_tool``, ``on_read_resource``, ``on_get_prompt``, ``on_list_tools``, ...).

``context.ctx`` is the request's :class:`~mcpforge.Context`, as a handler's: a middleware
that answers a request itself logs, reports progress, asks the client (``elicit``,
``sample``, ``list_roots``; on legacy sessions only: on 2026-07-28 an ask from middleware
is an error) and notifies on that request with it. Nothing it sends follows the response.

The whole chain crosses into Python once per request, and only when a middleware is
registered; it runs on the loop that async handlers run on.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Awaitable, Callable, Dict, List, Optional

from ._futures import resolver
from ._invoke.outcomes import PROTOCOL_ERROR, RESULT, Outcome
from ._invoke.wrappers import _AsyncCall
from ._native import STATELESS_PROTOCOL_VERSION
from .auth import AuthInfo, grant_of
from .errors import INTERNAL_ERROR, InputRequired

__all__ = ["CallNext", "Middleware", "MiddlewareContext"]


@dataclasses.dataclass
class MiddlewareContext:
    """One request as middleware sees it. ``params`` is the request's parameters (changes
    to it, and to ``arguments``, are what the rest of the chain receives)."""

    method: str
    """The JSON-RPC method (``tools/call``, ``tools/list``, ...)."""
    params: Dict[str, Any]
    """The request's parameters."""
    name: Optional[str] = None
    """The tool or prompt name, or the resource URI (``resources/read``), or the prompt or
    template a completion is for; None for other methods."""
    protocol_version: str = ""
    """The protocol version the request is served in."""
    auth: Optional[AuthInfo] = None
    """What the caller's bearer token grants (HTTP with a token verifier)."""
    client_info: Optional[Dict[str, Any]] = None
    """The client's ``Implementation`` (``name``, ``version``, ...)."""
    session_id: Optional[str] = None
    """The legacy session's id (Streamable HTTP); None on stdio and on 2026-07-28."""
    request_id: Any = None
    """The request id, as the client sent it."""
    ctx: Any = None
    """The request's :class:`~mcpforge.Context` (log, report progress, ask the client,
    notify on this request); None in a context made by hand."""

    @property
    def arguments(self) -> Optional[Dict[str, Any]]:
        """The arguments of a ``tools/call`` or ``prompts/get`` (a dict to change in place;
        an empty one is put in when the client sent none); None for other methods."""
        if self.method not in ("tools/call", "prompts/get"):
            return None
        args = self.params.get("arguments")
        if not isinstance(args, dict):
            args = self.params["arguments"] = {}
        return args

    @arguments.setter
    def arguments(self, value: Dict[str, Any]) -> None:
        if self.method not in ("tools/call", "prompts/get"):
            raise ValueError(f"{self.method} has no arguments")
        self.params["arguments"] = value

    @property
    def meta(self) -> Optional[Dict[str, Any]]:
        """The request's ``_meta`` (progress token, trace context, ...)."""
        meta = self.params.get("_meta")
        return meta if isinstance(meta, dict) else None

    @property
    def is_modern(self) -> bool:
        """True on the stateless 2026-07-28 wire."""
        return self.protocol_version >= STATELESS_PROTOCOL_VERSION


CallNext = Callable[[MiddlewareContext], Awaitable[Any]]
"""The rest of the chain: ``await call_next(context)`` returns the result dict."""

MiddlewareFunction = Callable[[MiddlewareContext, CallNext], Awaitable[Any]]

_HOOKS = {
    "tools/call": "on_call_tool",
    "tools/list": "on_list_tools",
    "resources/read": "on_read_resource",
    "resources/list": "on_list_resources",
    "resources/templates/list": "on_list_resource_templates",
    "prompts/get": "on_get_prompt",
    "prompts/list": "on_list_prompts",
    "completion/complete": "on_complete",
}


class Middleware:
    """A base class with one hook per method: ``__call__`` runs ``on_message``, which runs
    ``on_request``, which runs the method's hook (``on_call_tool``, ``on_list_tools``,
    ``on_read_resource``, ``on_list_resources``, ``on_list_resource_templates``,
    ``on_get_prompt``, ``on_list_prompts``, ``on_complete``); each default passes the request
    on. Override the ones you need."""

    async def __call__(self, context: MiddlewareContext, call_next: CallNext) -> Any:
        return await self.on_message(context, call_next)

    async def on_message(self, context: MiddlewareContext, call_next: CallNext) -> Any:
        """Every request."""
        return await self.on_request(context, call_next)

    async def on_request(self, context: MiddlewareContext, call_next: CallNext) -> Any:
        """Every request (the engine's chain sees requests only)."""
        hook = _HOOKS.get(context.method)
        if hook is None:
            return await call_next(context)
        return await getattr(self, hook)(context, call_next)

    async def on_call_tool(self, context: MiddlewareContext, call_next: CallNext) -> Any:
        return await call_next(context)

    async def on_list_tools(self, context: MiddlewareContext, call_next: CallNext) -> Any:
        return await call_next(context)

    async def on_read_resource(self, context: MiddlewareContext, call_next: CallNext) -> Any:
        return await call_next(context)

    async def on_list_resources(self, context: MiddlewareContext, call_next: CallNext) -> Any:
        return await call_next(context)

    async def on_list_resource_templates(self, context: MiddlewareContext, call_next: CallNext) -> Any:
        return await call_next(context)

    async def on_get_prompt(self, context: MiddlewareContext, call_next: CallNext) -> Any:
        return await call_next(context)

    async def on_list_prompts(self, context: MiddlewareContext, call_next: CallNext) -> Any:
        return await call_next(context)

    async def on_complete(self, context: MiddlewareContext, call_next: CallNext) -> Any:
        return await call_next(context)


def _context(request: Dict[str, Any], ctx: Any = None) -> MiddlewareContext:
    """The context of the engine's JSON form of a request (docs/architecture.md, Middleware:
    one spelling, camelCase, for every language) with Python's names, and the request's
    ``Context`` ``ctx`` when there is one."""
    auth = grant_of(request.get("authInfo"))
    return MiddlewareContext(
        method=request["method"],
        params=dict(request.get("params") or {}),
        name=request.get("name"),
        protocol_version=request.get("protocolVersion", ""),
        auth=auth,
        client_info=request.get("clientInfo"),
        session_id=request.get("sessionId"),
        request_id=request.get("id"),
        ctx=ctx,
    )


def _result(value: Any) -> Any:
    """A middleware's return value as a result dict (pydantic models and the official SDK's
    result objects are dumped as they go on the wire)."""
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(by_alias=True, exclude_none=True, mode="json")
    if not isinstance(value, dict):
        raise TypeError(f"a middleware returned {type(value).__name__}; return the result dict call_next gave")
    return value


def chain_starter(
    middlewares: List[MiddlewareFunction],
    loop_of: Callable[[], Any],
    fail: Callable[[BaseException], Outcome],
    make_context: Callable[[Any], Any],
) -> Callable[..., _AsyncCall]:
    """``start(request, native_next, native_ctx, completer)``: the engine's entry into the
    chain ``middlewares`` (outermost first), run as one coroutine on the server's loop;
    ``fail`` answers an exception a middleware raised, ``make_context`` makes the request's
    ``Context`` of its native context."""
    chain = tuple(middlewares)

    def start(request: Dict[str, Any], native_next: Any, native_ctx: Any, completer: Callable[[Outcome], None]) -> _AsyncCall:
        loop = loop_of()
        ctx = None if native_ctx is None else make_context(native_ctx)

        async def engine(context: MiddlewareContext) -> Any:
            future = loop.create_future()
            native_next.run(context.params, resolver(loop, future))
            return await future

        def link(i: int) -> CallNext:
            if i == len(chain):
                return engine
            middleware, rest = chain[i], link(i + 1)

            async def call(context: MiddlewareContext) -> Any:
                return await middleware(context, rest)

            return call

        async def run() -> Outcome:
            import asyncio  # loaded on use (already loaded: this runs on an asyncio loop)

            try:
                return (RESULT, _result(await link(0)(_context(request, ctx))))
            except InputRequired:
                return (PROTOCOL_ERROR, (INTERNAL_ERROR, "a middleware cannot ask the client for input", None))
            except asyncio.CancelledError:
                raise
            except BaseException as e:  # noqa: BLE001 - reported to the client and the server's error hook
                return fail(e)

        handle = _AsyncCall(loop, run, completer)
        loop.call_soon_threadsafe(handle.start)
        return handle

    return start

"""``MCPServer(extensions=[...])``: the official 2.x ``Extension`` objects, or mcpforge's own
(``mcpforge.extension``), applied to a server (``settings`` before the engine is made, the
rest once it is).

``settings(extensions)`` checks each identifier (``TypeError`` when missing or malformed,
``ValueError`` when two are the same) and gives the 2026 ``extensions`` capability the
engine advertises. ``install(server, extensions)`` registers their tools, resources and
request methods (a method bound twice is a ``ValueError``; one limited to some protocol
versions is unknown, -32601, on the others) and, when one of them overrides
``intercept_tool_call``, wraps ``tools/call``: the interceptors run first-outermost around the
engine's own call, each seeing the call's params and the official handler's ``ctx``.
``require_client_extension(ctx, identifier)`` refuses a request whose client did not declare
the extension (-32021 with the ``requiredCapabilities`` it lacks)."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Sequence

from ..errors import METHOD_NOT_FOUND, MISSING_REQUIRED_CLIENT_CAPABILITY, McpError
from ..extension import validate_extension_identifier
from ..middleware import CallNext, MiddlewareContext
from .direct import typed
from .handlers import dumped, handler_context

__all__ = ["settings", "install", "require_client_extension"]


def settings(extensions: Sequence[Any]) -> Dict[str, Any]:
    """The ``extensions`` capability: identifier -> settings (see the module documentation)."""
    advertised: Dict[str, Any] = {}
    for extension in extensions:
        identifier = getattr(extension, "identifier", None)
        validate_extension_identifier(identifier, owner=type(extension).__name__)
        assert isinstance(identifier, str)  # what the check above makes sure of
        if identifier in advertised:
            raise ValueError(f"Extension {identifier!r} is already registered")
        advertised[identifier] = extension.settings()
    return advertised


def _version_gated(binding: Any) -> Callable[..., Awaitable[Any]]:
    versions = binding.protocol_versions

    async def handler(ctx: Any, params: Any) -> Any:
        if ctx.protocol_version not in versions:
            raise McpError(METHOD_NOT_FOUND, "Method not found", binding.method)
        return await binding.handler(ctx, params)

    return handler


def _intercepts(extension: Any) -> bool:
    """Whether the extension's class overrides the base ``intercept_tool_call``."""
    method = getattr(type(extension), "intercept_tool_call", None)
    return method is not None and getattr(method, "__qualname__", "") != "Extension.intercept_tool_call"


def install(server: Any, extensions: Sequence[Any]) -> Optional[Callable[..., Awaitable[Any]]]:
    """Registers the extensions' contributions on ``server``; returns the ``tools/call``
    middleware of their interceptors, or None when none intercepts."""
    table = server._lowlevel_server
    for extension in extensions:
        for tool in extension.tools():
            server.add_tool(tool.fn, meta=tool.meta, **tool.kwargs)
        for resource in extension.resources():
            server.add_resource(resource.resource)
        for binding in extension.methods():
            if table.get_request_handler(binding.method) is not None:
                raise ValueError(
                    f"Extension {extension.identifier!r} binds method {binding.method!r}, which is already "
                    "registered; extension methods are additive and cannot replace another handler"
                )
            handler = binding.handler if binding.protocol_versions is None else _version_gated(binding)
            table.add_request_handler(binding.method, binding.params_type, handler)
    chain = list(extensions)
    if not any(_intercepts(e) for e in chain):
        return None

    async def intercept(context: MiddlewareContext, call_next: CallNext) -> Any:
        if context.method != "tools/call":
            return await call_next(context)
        params = typed("CallToolRequestParams", context.params)

        async def innermost(ctx: Any) -> Any:
            return typed("CallToolResult", await call_next(context))

        step: Callable[[Any], Awaitable[Any]] = innermost
        for extension in reversed(chain):
            step = _bound(extension, params, step)
        return dumped(await step(handler_context(context, server, context.meta)))

    return intercept


def _bound(extension: Any, params: Any, call_next: Callable[[Any], Awaitable[Any]]) -> Callable[[Any], Awaitable[Any]]:
    async def call(ctx: Any) -> Any:
        return await extension.intercept_tool_call(params, ctx, call_next)

    return call


def require_client_extension(ctx: Any, identifier: str) -> None:
    """Raises -32021 unless the client of the request ``ctx`` (a request context: the
    official handler's ``ctx`` or ``Context.request_context``) declared ``identifier``."""
    capabilities = ctx.session.client_capabilities
    declared = capabilities.get("extensions") if isinstance(capabilities, dict) else getattr(capabilities, "extensions", None)
    if not declared or identifier not in declared:
        data: Dict[str, Any] = {"requiredCapabilities": {"extensions": {identifier: {}}}}
        raise McpError(MISSING_REQUIRED_CLIENT_CAPABILITY, f"Client did not declare required extension {identifier!r}", data)

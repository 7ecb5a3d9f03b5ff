"""``Server``: the official SDK 2.x's low-level server (``mcp.server.Server``,
``mcp.server.lowlevel.Server``), whose handlers are given to the constructor
(``on_list_tools=``, ``on_call_tool=``, ...), on the engine.

Each ``on_*`` handler is ``async def handler(ctx, params)`` for its method, registered in a
``HandlerTable`` with the official params model of that method; ``add_request_handler`` adds
others. The engine frames, checks and dispatches every message, and one middleware at the
inner end of the chain (``server.middleware`` is the chain) hands a request with a handler to
it; what the handler returns (the official result model) is the answer. ``run(read, write,
options)`` serves the official streams (``stdio_server()``'s, or memory streams);
``create_initialization_options()`` and ``get_capabilities()`` give the official objects,
and the engine claims what they say: tools, resources and prompts for their list handlers,
list changes as the ``NotificationOptions`` say, resource subscriptions for a subscription
handler, completions for a completion handler (which is the engine's completion provider for
every reference). ``streamable_http_app()`` serves the engine over Streamable HTTP in an ASGI
application, as the official one does.

A handler's ``ctx.session`` is bound to its request (``sdk/lowlevel.py``: log messages,
progress, sampling, elicitation, roots and notifications go to that request's client).

What differs: the capabilities claim ``logging`` (the engine's rule), notification handlers (``on_roots_list_changed``,
``on_progress``, ``add_notification_handler``) are not offered (the engine takes the client's
notifications itself; giving one raises ``NotImplementedError``), and ``cache_hints`` are
the engine's (``Server(cache_ttl=...)``)."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, List, Optional

from ..context import Context
from ..server import Server as _Engine
from .handlers import HandlerContext, HandlerTable
from .lowlevel import NotificationOptions, _Quiet, complete_params, request_session

__all__ = ["Server", "NotificationOptions"]

Handler = Callable[..., Awaitable[Any]]

# Each constructor handler: its method and the name of its params model in ``mcp.types``.
_REQUESTS = {
    "on_list_tools": ("tools/list", "PaginatedRequestParams"),
    "on_call_tool": ("tools/call", "CallToolRequestParams"),
    "on_list_resources": ("resources/list", "PaginatedRequestParams"),
    "on_list_resource_templates": ("resources/templates/list", "PaginatedRequestParams"),
    "on_read_resource": ("resources/read", "ReadResourceRequestParams"),
    "on_subscribe_resource": ("resources/subscribe", "SubscribeRequestParams"),
    "on_unsubscribe_resource": ("resources/unsubscribe", "UnsubscribeRequestParams"),
    "on_subscriptions_listen": ("subscriptions/listen", "SubscriptionsListenRequestParams"),
    "on_list_prompts": ("prompts/list", "PaginatedRequestParams"),
    "on_get_prompt": ("prompts/get", "GetPromptRequestParams"),
    "on_completion": ("completion/complete", "CompleteRequestParams"),
    "on_set_logging_level": ("logging/setLevel", "SetLevelRequestParams"),
    "on_ping": ("ping", "RequestParams"),
}


# The methods of the lists, reads, calls and prompts: without a handler, unknown (-32601).
_OWNED = frozenset(m for m, _ in _REQUESTS.values() if m.split("/")[0] in ("tools", "resources", "prompts") and not m.endswith("subscribe"))


class Server:
    """The official 2.x low-level ``Server`` (see the module documentation)."""

    def __init__(
        self,
        name: str,
        *,
        version: str = "",
        title: Optional[str] = None,
        description: Optional[str] = None,
        instructions: Optional[str] = None,
        website_url: Optional[str] = None,
        icons: Optional[List[Any]] = None,
        cache_hints: Any = None,
        lifespan: Optional[Callable[[Any], Any]] = None,
        get_tool_input_schema: Optional[Callable[[str], Any]] = None,
        on_roots_list_changed: Optional[Handler] = None,
        on_progress: Optional[Handler] = None,
        **handlers: Optional[Handler],
    ) -> None:
        from mcp import types  # type: ignore[import-not-found, unused-ignore]  # optional dependency: a program on this API has it

        unknown = set(handlers) - set(_REQUESTS)
        if unknown:
            raise TypeError(f"Server() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
        for option, value in (("on_roots_list_changed", on_roots_list_changed), ("on_progress", on_progress)):
            if value is not None:
                raise NotImplementedError(f"{option}: the engine takes the client's notifications itself and hands none to Python")
        if cache_hints:
            raise NotImplementedError("cache_hints: use the engine's Server(cache_ttl=..., cache_scope=...)")
        self.name, self.version, self.title, self.description = name, version, title, description
        self.instructions, self.website_url, self.icons = instructions, website_url, icons
        self.lifespan = lifespan
        self.get_tool_input_schema = get_tool_input_schema
        self.extensions: Dict[str, Dict[str, Any]] = {}
        self.middleware: List[Any] = []
        self._engine: Optional[_Engine] = None
        self._table = HandlerTable(self._built, _OWNED)
        for option, handler in handlers.items():
            if handler is not None:
                method, params = _REQUESTS[option]
                self._table.register(method, getattr(types, params), handler)

    def add_request_handler(self, method: str, params_type: Any, handler: Handler) -> None:
        """Registers ``handler`` for ``method`` (before the server runs)."""
        self._table.register(method, params_type, handler)

    def add_notification_handler(self, method: str, params_type: Any, handler: Any) -> None:
        """Not offered (see the module documentation)."""
        self._table.add_notification_handler(method, params_type, handler)

    def get_request_handler(self, method: str) -> Any:
        """The entry registered for ``method`` (``params_type``, ``handler``), or None."""
        return self._table.get_request_handler(method)

    def get_notification_handler(self, method: str) -> None:
        """Always None (see the module documentation)."""
        return None

    # ----- options ------------------------------------------------------------------------

    def get_capabilities(self, notification_options: Optional[NotificationOptions] = None, experimental_capabilities: Optional[Dict[str, Any]] = None, extensions: Optional[Dict[str, Any]] = None, **_: Any) -> Any:
        """The official ``ServerCapabilities`` of the handlers registered."""
        from mcp import types  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        options = notification_options or NotificationOptions()
        has = self._table.__contains__
        return types.ServerCapabilities(
            prompts=types.PromptsCapability(list_changed=options.prompts_changed) if has("prompts/list") else None,
            resources=types.ResourcesCapability(subscribe=has("resources/subscribe"), list_changed=options.resources_changed) if has("resources/list") else None,
            tools=types.ToolsCapability(list_changed=options.tools_changed) if has("tools/list") else None,
            logging=types.LoggingCapability() if has("logging/setLevel") else None,
            completions=types.CompletionsCapability() if has("completion/complete") else None,
            experimental=experimental_capabilities,
            extensions=extensions if extensions is not None else (self.extensions or None),
        )

    def create_initialization_options(self, notification_options: Optional[NotificationOptions] = None, experimental_capabilities: Optional[Dict[str, Any]] = None, extensions: Optional[Dict[str, Any]] = None) -> Any:
        """The official ``InitializationOptions`` for ``run``."""
        from mcp.server.models import InitializationOptions  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        return InitializationOptions(
            server_name=self.name,
            server_version=self.version,
            title=self.title,
            description=self.description,
            capabilities=self.get_capabilities(notification_options, experimental_capabilities, extensions),
            instructions=self.instructions,
            website_url=self.website_url,
            icons=self.icons,
        )

    # ----- serving ------------------------------------------------------------------------

    def _built(self, options: Any = None) -> _Engine:
        """The engine, made once, named and claiming what ``options`` (the official
        ``InitializationOptions`` given to ``run``, else this server's) say."""
        if self._engine is None:
            if options is None:
                options = self.create_initialization_options()
            caps = options.capabilities
            resources = caps.resources
            changes = [bool(getattr(getattr(caps, kind), "list_changed", False)) for kind in ("tools", "resources", "prompts") if getattr(caps, kind) is not None]
            engine = _Served(
                self._table,
                any(changes),
                bool(getattr(resources, "subscribe", False)),
                "subscriptions/listen" in self._table,
                options.server_name,
                options.server_version or "",
                options.instructions,
                title=getattr(options, "title", None),
                description=getattr(options, "description", None),
                website_url=self.website_url,
                lifespan=(lambda _: self.lifespan(self)) if self.lifespan is not None else None,
                experimental=caps.experimental,
                enable_tools=caps.tools is not None or None,
                enable_resources=resources is not None or None,
                enable_prompts=caps.prompts is not None or None,
            )
            if caps.completions is not None and "completion/complete" in self._table:
                engine.completion()(self._completer(engine))
            engine.middleware.extend(self.middleware)
            engine._install_middleware()
            self.middleware = engine.middleware
            self._engine = engine
        return self._engine

    def _completer(self, engine: _Engine) -> Callable[..., Awaitable[Any]]:
        """The engine's completion provider for every reference: the program's handler,
        given the official params."""
        entry = self._table.get_request_handler("completion/complete")
        assert entry is not None

        async def complete(ref: Dict[str, Any], argument: str, value: str, context: Dict[str, str], ctx: Context) -> Any:
            params = complete_params(ref, argument, value, context)
            request = entry.params_type.model_validate(params)
            handler_ctx = HandlerContext(request_session(ctx, engine), engine.lifespan_context, ctx.protocol_version, "completion/complete", params, ctx.request_id, request.meta)
            result = await entry.handler(handler_ctx, request)
            return [] if result is None else result.completion

        return complete

    async def run(self, read_stream: Any, write_stream: Any, initialization_options: Any = None, raise_exceptions: bool = False, stateless: bool = False) -> None:
        """Serves one connection over the official streams until the client's stream ends."""
        from .streams import serve_streams  # loaded on use: asyncio and the official package

        async with write_stream:
            await serve_streams(self._built(initialization_options), read_stream, write_stream)

    def streamable_http_app(self, **http_options: Any) -> Any:
        """A Starlette application serving the engine over Streamable HTTP at ``/mcp`` (the
        official keywords taken as ``MCPServer``'s are)."""
        return self._built().streamable_http_app(**http_options)


class _Served(_Quiet):
    """The engine under a 2.x low-level server: claims as the program's options say, and
    answers with its handler table at the inner end of the middleware chain."""

    def __init__(self, table: HandlerTable, list_changed: bool, subscribe: bool, listen: bool, *args: Any, **kwargs: Any) -> None:
        self._table = table
        super().__init__(list_changed, subscribe, *args, listen=listen, **kwargs)

    def _inner_middleware(self) -> List[Any]:
        return self._table.inner()

"""``Server``: the official SDK's low-level server (1.x ``mcp.server.lowlevel.Server``, the API
of most servers published before the high-level one) on the engine.

A program registers one handler per method with the official decorators (``list_tools``,
``call_tool``, ``list_resources``, ``list_resource_templates``, ``read_resource``,
``list_prompts``, ``get_prompt``, ``completion``, ``subscribe_resource``,
``unsubscribe_resource``, ``set_logging_level``), then awaits ``run(read, write, options)``
with the official ``stdio_server()`` streams. Here the handlers are answered through one
mcpforge middleware (``route``): the engine frames, validates and dispatches every message,
and a request whose method has a handler is answered by it, with the handler's official
objects turned into their wire form and back as the official server does (a tool's input
checked against the schema its list gave, its result normalised: content blocks, a dict as
structured content with its JSON text, both as a pair, or a ``CallToolResult``; a failure an
``isError`` result with its text; a read's ``str``/``bytes`` or ``ReadResourceContents``).
``request_context`` is the request being answered (``request_id``, ``meta``, ``session``,
``lifespan_context``). The official package is imported on use: a program on this API has it.

``request_context.session`` is bound to that request, as the official ``ServerSession`` is to
its connection: ``send_log_message`` and ``send_progress_notification`` go with the request,
``create_message``, ``elicit`` (``elicit_form``, ``elicit_url``), ``list_roots`` and
``send_ping`` ask its client, ``send_resource_updated`` and ``send_*_list_changed`` tell that
client (subscribed or not). A subscription (and a log level) the handler accepted is kept by the engine too, so that
the engine's own ``notify_resource_updated(uri)`` reaches the clients subscribed to ``uri``.

A completion handler is the engine's completion provider for every reference, so that
``completions`` is claimed. What differs: the capabilities claim ``logging`` (the engine's
rule), and ``related_request_id`` is not needed (a session's messages go with the request it
was given for)."""

from __future__ import annotations

import contextvars
import inspect
import json
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional

from .._convert import wire
from ..content import ResourceContents
from ..errors import METHOD_NOT_FOUND, McpError
from ..middleware import CallNext, MiddlewareContext
from ..context import Context
from ..server import Server as _Engine

__all__ = ["Server", "NotificationOptions", "RequestContext"]

_current: "contextvars.ContextVar[RequestContext]" = contextvars.ContextVar("mcpforge_lowlevel_request")

Handler = Callable[..., Awaitable[Any]]


class NotificationOptions:
    """The official ``NotificationOptions``: which list changes the capabilities claim."""

    def __init__(self, prompts_changed: bool = False, resources_changed: bool = False, tools_changed: bool = False) -> None:
        self.prompts_changed = prompts_changed
        self.resources_changed = resources_changed
        self.tools_changed = tools_changed


class Session:
    """The official session's notifications, sent by the engine to every client it tells:
    the session of a request whose context the engine did not give (a ``MiddlewareContext``
    made by hand)."""

    def __init__(self, engine: _Engine) -> None:
        self._engine = engine

    async def send_resource_updated(self, uri: Any) -> None:
        self._engine.notify_resource_updated(str(uri))

    async def send_resource_list_changed(self) -> None:
        self._engine.notify_resources_changed()

    async def send_tool_list_changed(self) -> None:
        self._engine.notify_tools_changed()

    async def send_prompt_list_changed(self) -> None:
        self._engine.notify_prompts_changed()


def request_session(ctx: Optional[Context], engine: _Engine) -> Any:
    """The official session of the request whose ``Context`` is ``ctx``: bound to that
    request (``mcpforge.session.Session``), or the engine's ``Session`` without one."""
    return Session(engine) if ctx is None else ctx.session


@dataclass
class RequestContext:
    """The request a handler answers (the official ``request_context``)."""

    request_id: Any
    meta: Any
    session: Session
    lifespan_context: Any
    request: Any = None


class Server:
    """The official low-level ``Server`` (see the module documentation)."""

    def __init__(
        self,
        name: str,
        version: Optional[str] = None,
        instructions: Optional[str] = None,
        website_url: Optional[str] = None,
        icons: Optional[List[Any]] = None,
        lifespan: Optional[Callable[[Any], Any]] = None,
        **_: Any,
    ) -> None:
        self.name, self.version, self.instructions = name, version, instructions
        self.website_url, self.icons = website_url, icons
        self.lifespan = lifespan
        self._handlers: Dict[str, Handler] = {}
        self._tools: Dict[str, Any] = {}
        self._validate_input = True
        self._engine: Optional[_Engine] = None

    # ----- the official decorators ---------------------------------------------------------

    def _on(self, method: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self._handlers[method] = fn
            return fn

        return register

    def list_tools(self) -> Callable[[Handler], Handler]:
        return self._on("tools/list")

    def call_tool(self, *, validate_input: bool = True) -> Callable[[Handler], Handler]:
        self._validate_input = validate_input
        return self._on("tools/call")

    def list_resources(self) -> Callable[[Handler], Handler]:
        return self._on("resources/list")

    def list_resource_templates(self) -> Callable[[Handler], Handler]:
        return self._on("resources/templates/list")

    def read_resource(self) -> Callable[[Handler], Handler]:
        return self._on("resources/read")

    def list_prompts(self) -> Callable[[Handler], Handler]:
        return self._on("prompts/list")

    def get_prompt(self) -> Callable[[Handler], Handler]:
        return self._on("prompts/get")

    def completion(self) -> Callable[[Handler], Handler]:
        return self._on("completion/complete")

    def subscribe_resource(self) -> Callable[[Handler], Handler]:
        return self._on("resources/subscribe")

    def unsubscribe_resource(self) -> Callable[[Handler], Handler]:
        return self._on("resources/unsubscribe")

    def set_logging_level(self) -> Callable[[Handler], Handler]:
        return self._on("logging/setLevel")

    @property
    def request_context(self) -> RequestContext:
        """The request being answered; ``LookupError`` outside one, as the official one."""
        return _current.get()

    # ----- options and serving -------------------------------------------------------------

    def get_capabilities(self, notification_options: Optional[NotificationOptions] = None, experimental_capabilities: Optional[Dict[str, Any]] = None) -> Any:
        """The official ``ServerCapabilities`` of the handlers registered."""
        from mcp import types  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        options = notification_options or NotificationOptions()
        has = self._handlers.__contains__
        return types.ServerCapabilities(
            prompts=types.PromptsCapability(listChanged=options.prompts_changed) if has("prompts/list") else None,
            resources=types.ResourcesCapability(subscribe=has("resources/subscribe"), listChanged=options.resources_changed) if has("resources/list") else None,
            tools=types.ToolsCapability(listChanged=options.tools_changed) if has("tools/list") else None,
            logging=types.LoggingCapability() if has("logging/setLevel") else None,
            completions=types.CompletionsCapability() if has("completion/complete") else None,
            experimental=experimental_capabilities or {},
        )

    def create_initialization_options(self, notification_options: Optional[NotificationOptions] = None, experimental_capabilities: Optional[Dict[str, Any]] = None) -> Any:
        """The official ``InitializationOptions`` for ``run``."""
        from mcp.server.models import InitializationOptions  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        return InitializationOptions(
            server_name=self.name,
            server_version=self.version or "",
            capabilities=self.get_capabilities(notification_options, experimental_capabilities),
            instructions=self.instructions,
        )

    def _built(self, options: Any = None) -> _Engine:
        """The engine, made once: named, and its capabilities claimed, as ``options`` (the
        official ``InitializationOptions`` given to ``run``) say, else as this server's."""
        if self._engine is None:
            if options is None:
                options = self.create_initialization_options()
            caps = options.capabilities
            changes = [getattr(getattr(caps, kind, None), "listChanged", False) for kind in ("tools", "resources", "prompts")]
            resources = getattr(caps, "resources", None)
            engine = _Quiet(
                any(changes),
                bool(getattr(resources, "subscribe", False)),
                options.server_name,
                options.server_version or "",
                getattr(options, "instructions", None) or self.instructions,
                website_url=self.website_url,
                lifespan=(lambda _: self.lifespan(self)) if self.lifespan is not None else None,
                experimental=getattr(caps, "experimental", None),
                enable_tools=caps.tools is not None or None,
                enable_resources=resources is not None or None,
                enable_prompts=caps.prompts is not None or None,
            )
            engine.add_middleware(self.route)
            if "completion/complete" in self._handlers:
                # A provider for every reference: the engine claims `completions` and calls it.
                engine.completion()(self._completer(engine))
            self._engine = engine
        return self._engine

    async def run(self, read_stream: Any, write_stream: Any, initialization_options: Any = None, raise_exceptions: bool = False, stateless: bool = False) -> None:
        """Serves one connection over the official streams (``stdio_server()``'s, or memory
        streams) until the client's stream ends."""
        from .streams import serve_streams  # loaded on use: asyncio and the official package

        async with write_stream:
            await serve_streams(self._built(initialization_options), read_stream, write_stream)

    # ----- answering ----------------------------------------------------------------------

    def _completer(self, engine: _Engine) -> Callable[..., Awaitable[Any]]:
        """The engine's completion provider for every reference: the program's handler,
        given the official types, with ``request_context`` set."""

        async def complete(ref: Dict[str, Any], argument: str, value: str, context: Dict[str, str], ctx: Context) -> Any:
            from mcp import types  # type: ignore[import-not-found, unused-ignore]  # optional dependency

            request = types.CompleteRequestParams.model_validate(complete_params(ref, argument, value, context))
            token = _current.set(RequestContext(ctx.request_id, ctx.meta, request_session(ctx, engine), engine.lifespan_context))
            try:
                completion = await self._handlers["completion/complete"](request.ref, request.argument, request.context)
            finally:
                _current.reset(token)
            return [] if completion is None else completion

        return complete

    async def route(self, context: MiddlewareContext, call_next: CallNext) -> Any:
        """The engine's middleware: a request with a handler is answered by it (a
        completion by the provider ``_completer`` registers)."""
        handler = None if context.method == "completion/complete" else self._handlers.get(context.method)
        if handler is None:
            if context.method in _ANSWERS:  # a method of this API without a handler
                raise McpError(METHOD_NOT_FOUND, "Method not found")
            return await call_next(context)
        engine = self._built()
        request = RequestContext(context.request_id, context.meta, request_session(context.ctx, engine), engine.lifespan_context)
        token = _current.set(request)
        try:
            answer = _ANSWERS[context.method]
            result = await answer(self, handler, context.params)
            if context.method in ENGINE_TOO:
                # The engine keeps the subscription (so updates reach this client) or the level.
                return await call_next(context)
            return result
        except McpError:
            raise
        except Exception as e:  # noqa: BLE001 - the official server answers a handler's failure so
            if type(e).__module__.partition(".")[0] == "mcp" and hasattr(e, "error"):
                raise  # the official McpError: its own code and message
            raise McpError(0, str(e)) from e  # the official low-level server's code for it
        finally:
            _current.reset(token)

    async def _list(self, handler: Handler, field: str) -> Dict[str, Any]:
        result = await (handler(None) if _takes_request(handler) else handler())
        items: Any = getattr(result, field, result)
        if field == "tools":
            self._tools = {t.name: t for t in items}
        return {field: wire(list(items))}

    async def _call(self, handler: Handler, params: Dict[str, Any]) -> Dict[str, Any]:
        name, arguments = params.get("name", ""), params.get("arguments") or {}
        if name not in self._tools and "tools/list" in self._handlers:
            await self._list(self._handlers["tools/list"], "tools")
        tool = self._tools.get(name)
        try:
            if self._validate_input and tool is not None:
                import jsonschema  # type: ignore[import-untyped, import-not-found, unused-ignore]  # optional dependency: the official package's

                try:
                    jsonschema.validate(instance=arguments, schema=_schema(tool, "input"))
                except jsonschema.ValidationError as e:
                    return _tool_error(f"Input validation error: {e.message}")
            results = await handler(name, arguments)
            content: Any
            structured: Any
            if type(results).__name__ == "CallToolResult":
                return wire(results)  # type: ignore[no-any-return]
            if isinstance(results, tuple) and len(results) == 2:
                content, structured = results
            elif isinstance(results, dict):
                content, structured = [{"type": "text", "text": json.dumps(results, indent=2)}], results
            elif hasattr(results, "__iter__"):
                content, structured = results, None
            else:
                return _tool_error(f"Unexpected return type from tool: {type(results).__name__}")
            schema = _schema(tool, "output")
            if schema is not None:
                if structured is None:
                    return _tool_error("Output validation error: outputSchema defined but no structured output returned")
                import jsonschema  # type: ignore[import-untyped, import-not-found, unused-ignore]  # optional dependency: the official package's

                try:
                    jsonschema.validate(instance=structured, schema=schema)
                except jsonschema.ValidationError as e:
                    return _tool_error(f"Output validation error: {e.message}")
            out: Dict[str, Any] = {"content": wire(list(content)), "isError": False}
            if structured is not None:
                out["structuredContent"] = structured
            return out
        except Exception as e:  # noqa: BLE001 - the tool's failure is its result, as the official server answers
            return _tool_error(str(e))

    async def _read(self, handler: Handler, params: Dict[str, Any]) -> Dict[str, Any]:
        from pydantic import AnyUrl  # optional dependency: the official package's

        uri = params.get("uri", "")
        result = await handler(AnyUrl(uri))
        if isinstance(result, (str, bytes)):
            return {"contents": [_contents(uri, result, None, None)]}
        return {"contents": [_contents(uri, c.content, c.mime_type, getattr(c, "meta", None)) for c in result]}

    async def _prompt(self, handler: Handler, params: Dict[str, Any]) -> Dict[str, Any]:
        return wire(await handler(params.get("name", ""), params.get("arguments")))  # type: ignore[no-any-return]

    async def _subscription(self, handler: Handler, params: Dict[str, Any]) -> Dict[str, Any]:
        from pydantic import AnyUrl  # optional dependency: the official package's

        await handler(AnyUrl(params.get("uri", "")))
        return {}

    async def _level(self, handler: Handler, params: Dict[str, Any]) -> Dict[str, Any]:
        await handler(params.get("level"))
        return {}


class _Quiet(_Engine):
    """The engine under a low-level server: it claims list changes and resource
    subscriptions as the program's options say, and serves ``subscriptions/listen`` (2026-07-28)
    unless ``listen`` is off."""

    def __init__(self, list_changed: bool, subscribe: bool, *args: Any, listen: bool = True, **kwargs: Any) -> None:
        self._engine_options = {"legacy_list_changed": list_changed, "resource_subscriptions": subscribe, "listen": listen}
        super().__init__(*args, **kwargs)


def complete_params(ref: Dict[str, Any], argument: str, value: str, context: Dict[str, str]) -> Dict[str, Any]:
    """The wire params of ``completion/complete`` from what the engine hands a completion
    provider (the reference, the argument's name and value, the other arguments)."""
    params: Dict[str, Any] = {"ref": ref, "argument": {"name": argument, "value": value}}
    if context:
        params["context"] = {"arguments": context}
    return params


def _takes_request(handler: Handler) -> bool:
    """Whether a list handler takes the request (the official new style) or nothing."""
    try:
        return len(inspect.signature(handler).parameters) > 0
    except (TypeError, ValueError):
        return False


def _schema(tool: Any, kind: str) -> Any:
    """A tool's ``inputSchema`` or ``outputSchema``: the 1.x types' attribute, or the 2.x
    types' (``input_schema``), whichever official package the program has."""
    if tool is None:
        return None
    found = getattr(tool, f"{kind}Schema", None)
    return found if found is not None else getattr(tool, f"{kind}_schema", None)


def _tool_error(text: str) -> Dict[str, Any]:
    return {"content": [{"type": "text", "text": text}], "isError": True}


def _contents(uri: str, data: Any, mime_type: Optional[str], meta: Any) -> Dict[str, Any]:
    """One read's contents as the official server writes them (its default MIME types)."""
    if isinstance(data, bytes):
        return ResourceContents(uri, blob=data, mime_type=mime_type or "application/octet-stream", meta=meta).to_mcp()
    return ResourceContents(uri, text=data, mime_type=mime_type or "text/plain", meta=meta).to_mcp()


# The methods the engine serves too once the handler accepted them.
ENGINE_TOO = frozenset({"resources/subscribe", "resources/unsubscribe", "logging/setLevel"})

# How each method's handler is called and its answer written.
_ANSWERS: Dict[str, Callable[[Server, Handler, Dict[str, Any]], Awaitable[Dict[str, Any]]]] = {
    "tools/list": lambda s, h, p: s._list(h, "tools"),
    "resources/list": lambda s, h, p: s._list(h, "resources"),
    "resources/templates/list": lambda s, h, p: s._list(h, "resourceTemplates"),
    "prompts/list": lambda s, h, p: s._list(h, "prompts"),
    "tools/call": lambda s, h, p: s._call(h, p),
    "resources/read": lambda s, h, p: s._read(h, p),
    "prompts/get": lambda s, h, p: s._prompt(h, p),
    "resources/subscribe": lambda s, h, p: s._subscription(h, p),
    "resources/unsubscribe": lambda s, h, p: s._subscription(h, p),
    "logging/setLevel": lambda s, h, p: s._level(h, p),
}

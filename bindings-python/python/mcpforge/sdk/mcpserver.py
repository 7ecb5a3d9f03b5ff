"""``MCPServer`` and ``FastMCP`` (the drop-in layer, ``mcpforge.sdk``, published as
``mcpforge.MCPServer`` and by ``mcpforge.mcpserver``): ``Server`` under the names and
constructor signatures of the official SDK's high-level servers
(``mcp.server.mcpserver.MCPServer`` in 2.x, ``mcp.server.fastmcp.FastMCP`` in 1.x), so
that changing the import line is the whole migration::

    from mcpforge import MCPServer, Context     # was: from mcp.server.mcpserver import ...

Everything else is ``Server``'s. What differs from ``Server``, on purpose, to answer as the
official SDK does: tool errors read ``Error executing tool NAME: message``; a tool annotated
to return ``str``, ``Optional[str]`` or ``None`` has the output schema ``{"result": ...}``
(and its results ``structuredContent``), and a returned list is one content block per item;
``MCPServer`` masks the text of unexpected exceptions by default (2.x does), ``FastMCP``
does not (1.x does not); ``remove_tool`` of an unknown name raises ``ToolError`` and
``remove_prompt`` ``ValueError``; ``add_prompt`` and ``add_resource`` also take the official
``Prompt`` and ``Resource`` objects; a resource's MIME type defaults to ``text/plain``, the
2026-07-28 cache scope to ``private`` and ``MCPServer``'s version to ``""``; tools,
resources and prompts are served (empty lists) with nothing of their kind registered; the
official client connects in-process (``Client(server)``, ``streams``); a call of an
unknown tool is an ``isError`` result; a function without a docstring has the description
``""``; tool schemas are written as pydantic writes them (``titles``, unions as ``anyOf``);
capabilities claim list changes only where the official servers do; the decorators refuse a bare use and check a resource's template against its
reader (``checks``); the direct calls ``await server.call_tool(...)``,
``list_tools()``, ``read_resource(...)``, ... exist (``direct``); failure records go
to the official server's logger (``log``); handlers get ``SdkContext``
(``context``); the HTTP apps take the official keywords and the last Streamable HTTP
app's ``session_manager`` is there (``http``), and ``settings`` holds what the
constructor was given (``settings``). docs/python.md lists the remaining differences.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable, Dict, Generic, List, Optional, Sequence, TypeVar

from .. import _serving
from .. import server as _server_module
from ..auth import from_sdk
from ..errors import InvalidSignature, ToolError
from ..server import Server
from .checks import check_reader, header_refusal, refuse_bare, resource_variables
from .completions import official_completion_finish
from .context import SdkContext
from .direct import DirectCalls, Witnessed, typed as _typed
from .duplicates import kept
from .handlers import LowLevelHandlers
from .http import SdkHttpApps
from .log import SdkLog
from .managers import PromptManager, ResourceManager, ToolManager
from .options import sdk_options
from .request_state import RequestStateSecurity, official_state
from .extensions import install as install_extensions, settings as extension_settings
from .resolve import Resolve, with_resolvers
from .resources import FunctionResource
from .templates import DEFAULT_RESOURCE_SECURITY, ResourceSecurity
from .settings import DEFAULT_MAX_REQUEST_BODY_SIZE, DEFAULT_MAX_SESSIONS, DEFAULT_SESSION_IDLE_TIMEOUT, ServerSettings, Settings, for_host

if TYPE_CHECKING:  # the in-process streams load asyncio: imported when a test connects, not by every server
    from .streams import InMemoryTransport, LowLevel

__all__ = ["MCPServer", "FastMCP", "RequestStateSecurity", "Resolve", "ResourceSecurity", "settings_class"]

# Every server's ``run``, ``run_async`` and ASGI apps take the official SDK's HTTP option
# names too (``streamable_http_path``, ``transport_security``, ...; docs/python.md lists them):
# this layer installs them, so that the native server never imports it.
_serving.accept_option_names(sdk_options)

# Options of the official constructors that mcpforge has no counterpart for; giving one
# raises instead of being ignored.
_UNSUPPORTED = {
    "auth_server_provider": "mcpforge verifies bearer tokens (token_verifier) but is not an OAuth authorization server",
    "subscriptions": "the engine delivers subscriptions itself, across replicas through the `shared_store` serving option; only the in-process bus, or False, is taken",
    "cache_hints": "use Server(cache_ttl=..., cache_scope=...)",
}


def _custom_bus(subscriptions: Any) -> Any:
    """``subscriptions=`` when it is a bus other than the official in-process one (the
    engine's own delivery does what that one does); None for None, False and that bus."""
    if subscriptions is None or subscriptions is False or type(subscriptions).__name__ == "InMemorySubscriptionBus":
        return None
    return subscriptions


def _seal_with(policy: Any, server_options: Dict[str, Any]) -> Optional[RequestStateSecurity]:
    """``request_state_security=``: the policy, its state lifetime put into ``server_options``."""
    if policy is None:
        return None
    if not isinstance(policy, RequestStateSecurity):
        raise NotImplementedError(
            "request_state_security: give mcpforge's RequestStateSecurity (the official one keeps no key the engine can take)"
        )
    server_options["limits"] = {"request_state_ttl": policy.ttl, **(server_options.get("limits") or {})}
    return policy


def _refuse_unsupported(options: Dict[str, Any]) -> None:
    for key, value in options.items():
        if value is not None and key in _UNSUPPORTED:
            raise NotImplementedError(f"{key}: {_UNSUPPORTED[key]}")



# What the server's ``lifespan`` yields: ``MCPServer[AppState]`` in annotations, as the
# official class is generic over it.
LifespanResultT = TypeVar("LifespanResultT")


class MCPServer(DirectCalls, SdkHttpApps, Server, Generic[LifespanResultT]):
    """``Server`` with the official 2.x ``MCPServer`` constructor (see the module
    documentation). ``server_options`` are ``Server``'s own keywords (``max_workers``,
    ``limits``, ...). Its handlers' ``Context`` is ``SdkContext``."""

    _sdk_error_wording = True
    _sdk_results = True
    _sdk_definitions = True
    _sdk_unknown_tool_result = True
    _context_type = SdkContext
    _completion_finish = staticmethod(official_completion_finish)
    # The official release this class stands for: its registration checks' wording and the
    # logger its failure records go to (``checks``, ``log``).
    _sdk_release = "2.x"
    _sdk_logger = "mcp.server.mcpserver.server"
    # As the official SDK answers: an unknown resource is -32602 `Unknown resource: URI`, and
    # a failed read names its URI in `data` (the engine's `sdk_resource_errors`); a result
    # failing the tool's output schema is an `isError` result (`invalid_output_result`);
    # JSON text sent for a parameter that is not a plain string is read as the list, object,
    # boolean or null it holds (`json_text_arguments`, the official `pre_parse_json`).
    # Change notices are claimed as the official servers claim them: not on the handshake
    # versions (nor `resources.subscribe`, which they do not serve), and on 2026-07-28 while
    # `subscriptions/listen` is served (``subscriptions=False`` turns it off).
    _engine_options = {
        "sdk_resource_errors": True,
        "invalid_output_result": True,
        "json_text_arguments": True,
        "resource_meta_in_contents": True,
        "legacy_list_changed": False,
        "resource_subscriptions": False,
    }

    def __init__(
        self,
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        instructions: Optional[str] = None,
        website_url: Optional[str] = None,
        icons: Optional[List[Any]] = None,
        version: str = "",
        auth_server_provider: Any = None,
        token_verifier: Any = None,
        *,
        tools: Optional[Sequence[Any]] = None,
        resources: Optional[Sequence[Any]] = None,
        debug: bool = False,
        log_level: str = "INFO",
        warn_on_duplicate_resources: bool = True,
        warn_on_duplicate_tools: bool = True,
        warn_on_duplicate_prompts: bool = True,
        dependencies: Optional[Sequence[str]] = None,
        lifespan: Optional[Callable[[Any], Any]] = None,
        auth: Any = None,
        mask_error_details: bool = True,
        extensions: Any = None,
        resource_security: ResourceSecurity = DEFAULT_RESOURCE_SECURITY,
        request_state_security: Any = None,
        cache_hints: Any = None,
        subscriptions: Any = None,
        middleware: Any = None,
        **server_options: Any,
    ) -> None:
        _refuse_unsupported(
            {
                "auth_server_provider": auth_server_provider,
                "subscriptions": _custom_bus(subscriptions),
                "cache_hints": cache_hints,
            }
        )
        server_options.setdefault("cache_scope", "private")  # the official default
        extensions = list(extensions or ())
        # The path rules of this server's templates (2.x; 1.x's templates keep the engine's).
        self._resource_security = resource_security
        if extensions:
            server_options["extensions"] = {**server_options.get("extensions", {}), **extension_settings(extensions)}
        # requestState sealed in the official format, under this server's name as audience.
        state = official_state(_seal_with(request_state_security, server_options), name or "mcp-server")
        self._engine_options = {**self._engine_options, "official_state": state}
        if subscriptions is False:
            self._engine_options = {**self._engine_options, "listen": False}
        # The official high-level servers serve tools, resources and prompts (empty lists)
        # even with nothing of a kind registered.
        for kind in ("enable_tools", "enable_resources", "enable_prompts"):
            server_options.setdefault(kind, True)
        self._witness = Witnessed()
        self._lowlevel_server = LowLevelHandlers(self)
        # The function of each tool, prompt and resource by name or URI, for the official
        # managers' views (``managers``).
        self._functions: Dict[str, Dict[str, Any]] = {"tool": {}, "prompt": {}, "resource": {}}
        super().__init__(
            name or "mcp-server",
            version,  # the official default is "" (serverInfo.version)
            instructions,
            title=title,
            description=description,
            website_url=website_url,
            icons=icons,
            lifespan=lifespan,
            mask_error_details=mask_error_details,
            **server_options,
        )
        self.settings = ServerSettings(
            debug=debug,
            log_level=log_level,
            warn_on_duplicate_resources=warn_on_duplicate_resources,
            warn_on_duplicate_tools=warn_on_duplicate_tools,
            warn_on_duplicate_prompts=warn_on_duplicate_prompts,
            dependencies=dependencies or (),
            lifespan=lifespan,
            auth=auth,
        )
        self.dependencies = self.settings.dependencies
        self._transports: List["InMemoryTransport"] = []
        self._auth = from_sdk(token_verifier, auth) if token_verifier is not None or auth is not None else None
        self._errors.log = SdkLog(self._sdk_logger, self._sdk_release, self._witness.internal)
        logging.getLogger("mcpforge").setLevel("DEBUG" if debug else log_level)
        for tool in tools or ():
            self.add_tool(tool.fn, name=tool.name, title=tool.title, description=tool.description, annotations=tool.annotations, icons=tool.icons, meta=tool.meta)
        for resource in resources or ():
            self.add_resource(resource)
        # The official middleware (``ServerMiddleware``) has the shape of mcpforge's: it reads
        # ``ctx.method`` and the raw ``ctx.params``, and awaits ``call_next(ctx)``.
        self.middleware.extend(middleware or ())
        self._interceptor = install_extensions(self, extensions)
        if self._interceptor is not None:
            self._install_middleware()

    def _inner_middleware(self) -> List[Any]:
        # The official low-level handler table answers inside the application's middleware,
        # after the extensions' tools/call interceptors.
        interceptor = getattr(self, "_interceptor", None)
        return ([interceptor] if interceptor is not None else []) + self._lowlevel_server.inner()

    def _defaults(self) -> Dict[str, Any]:
        # The official 2.x serves the HTTP+SSE transport's messages at `/messages/`.
        defaults: Dict[str, Any] = {"options": {"message_path": "/messages/"}}
        if self._auth is not None:
            defaults["auth"] = self._auth
        return defaults

    # The official SDK's in-process connections (``streams``): 2.x's ``Client(server)``
    # enters the server as its transport; 1.x's tests connect to ``server._mcp_server``.
    async def __aenter__(self) -> Any:
        from .streams import InMemoryTransport  # loaded on use

        transport = InMemoryTransport(self)
        self._transports.append(transport)
        return await transport.__aenter__()

    async def __aexit__(self, *exc: Any) -> None:
        await self._transports.pop().__aexit__(*exc)

    # The official in-memory transport (``mcp.client.InMemoryTransport(server)``) runs a server
    # it does not know as a low-level one: ``run(read, write, create_initialization_options())``.
    def create_initialization_options(self, notification_options: Any = None, experimental_capabilities: Any = None) -> Any:
        """The official low-level server's method, for ``run(read, write, options)``: nothing
        to give, the engine makes its own."""
        return self._lowlevel_server.create_initialization_options()

    def run(self, transport: Any = "stdio", *args: Any, **kwargs: Any) -> Any:
        """``Server.run``; given the official streams in place of a transport name
        (``run(read_stream, write_stream, options)``), serves that one connection: awaitable."""
        if isinstance(transport, str):
            return super().run(transport, *args, **kwargs)
        return self._lowlevel_server.run(transport, *args, **kwargs)

    @property
    def _mcp_server(self) -> "LowLevel":
        from .streams import LowLevel  # loaded on use

        return LowLevel(self)

    # The official decorators refuse a bare use (``@mcp.tool`` without parentheses) and check a
    # resource's URI and reader when they run (``checks``).
    def tool(self, name: Any = None, **options: Any) -> Any:
        """``Server.tool``, called: ``@mcp.tool()`` (a bare ``@mcp.tool`` raises ``TypeError``)."""
        refuse_bare("tool", name)
        return super().tool(name, **options)

    def prompt(self, name: Any = None, **options: Any) -> Any:
        """``Server.prompt``, called: ``@mcp.prompt()`` (a bare ``@mcp.prompt`` raises ``TypeError``)."""
        refuse_bare("prompt", name)
        return super().prompt(name, **options)

    def resource(self, uri: str, **options: Any) -> Any:
        """``Server.resource`` with the official checks: a malformed template raises
        ``InvalidUriTemplate`` here, and a reader whose parameters are not the template's
        variables ``ValueError`` when decorated. A template's values are held to its
        ``security`` (``ResourceSecurity``), else to the server's ``resource_security``."""
        refuse_bare("resource", uri)
        variables = resource_variables(uri)
        security = options.pop("security", None)
        if security is not None:  # this template's own path rules (the server's otherwise)
            options["path_policy"] = security.engine_policy()
        decorate = super().resource(uri, **options)

        def checked(fn: Any) -> Any:
            check_reader(uri, variables, fn, static_context=self._sdk_release == "2.x", wording=self._sdk_release)
            return decorate(fn)

        return checked

    def remove_tool(self, name: str) -> bool:
        """Removes a tool; an unknown name raises ``ToolError`` (as the official SDK)."""
        if name not in self._tools:
            raise ToolError(f"Unknown tool: {name}")
        self._functions["tool"].pop(name, None)
        return super().remove_tool(name)

    def remove_prompt(self, name: str) -> bool:
        """Removes a prompt; an unknown name raises ``ValueError`` (as the official SDK)."""
        if name not in self._prompts:
            raise ValueError(f"Unknown prompt: {name}")
        self._functions["prompt"].pop(name, None)
        return super().remove_prompt(name)

    def add_tool(self, fn: Any, **options: Any) -> Dict[str, Any]:
        """``Server.add_tool``; a name already registered keeps its first tool and logs a
        warning, as the official SDK does (``duplicates``)."""
        existing = kept(self, "tool", options.get("name") or getattr(fn, "__name__", None))
        if existing is not None:
            return existing
        try:
            definition = super().add_tool(with_resolvers(fn), **options)
        except ValueError as e:
            official = header_refusal(str(options.get("name") or getattr(fn, "__name__", "")), str(e))
            if official is None:
                raise
            raise InvalidSignature(official) from None
        self._functions["tool"][definition["name"]] = fn
        return definition

    def _set_input_schema(self, name: str, schema: Dict[str, Any]) -> None:
        """Serves the tool ``name`` with the input schema ``schema`` (the official
        ``_tool_manager._tools[name].parameters = schema``), its other fields kept."""
        definition = dict(self.tools[name])
        fn = self._functions["tool"][name]
        Server.remove_tool(self, name)
        fields = {"title": "title", "description": "description", "annotations": "annotations", "icons": "icons", "meta": "_meta", "output_schema": "outputSchema"}
        given = {option: definition[key] for option, key in fields.items() if key in definition}
        Server.add_tool(self, with_resolvers(fn), name=name, input_schema=schema, **given)

    @property
    def _tool_manager(self) -> ToolManager:
        """The official ``ToolManager``, as a view over this server's tools (``managers``)."""
        return ToolManager(self)

    @property
    def _prompt_manager(self) -> PromptManager:
        """The official ``PromptManager``, as a view over this server's prompts (``managers``)."""
        return PromptManager(self)

    @property
    def _resource_manager(self) -> ResourceManager:
        """The official ``ResourceManager``, as a view over this server's resources and
        templates (``managers``)."""
        return ResourceManager(self)

    def add_prompt(self, fn: Any, **options: Any) -> Dict[str, Any]:
        """Registers a prompt function (``Server.add_prompt``) or an official ``Prompt``
        object (its ``fn``, ``name``, ``title``, ``description`` and ``icons``). A name
        already registered keeps its first prompt and logs a warning (``duplicates``)."""
        name = (options.get("name") or getattr(fn, "__name__", None)) if callable(fn) else fn.name
        existing = kept(self, "prompt", name)
        if existing is not None:
            return existing
        if callable(fn):
            definition = super().add_prompt(fn, **options)
        else:
            definition = super().add_prompt(fn.fn, name=fn.name, title=fn.title, description=fn.description, icons=fn.icons)
        self._functions["prompt"][definition["name"]] = fn if callable(fn) else fn.fn
        return definition

    def add_resource(self, fn: Any, uri: Optional[str] = None, **options: Any) -> Dict[str, Any]:
        """Registers a reader function for ``uri`` (``Server.add_resource``) or an official
        ``Resource`` object (``TextResource``, ``FunctionResource``, ...: its ``read()``
        gives the contents, text or bytes as the official contract says: anything else is
        a crash, ``TypeError``; a ``FunctionResource`` reads its function's other values as
        their JSON text, as the official one does). A URI already registered keeps its first resource and
        logs a warning; a template registered again replaces the first (``duplicates``)."""
        existing = kept(self, "resource", uri if uri is not None else str(fn.uri))
        if existing is not None:
            return existing
        if uri is not None:
            if options.get("mime_type") is None:
                options["mime_type"] = "text/plain"  # the official default
            security = options.pop("security", None) or self._resource_security
            if "{" in uri and self._sdk_release == "2.x" and options.get("path_policy") is None:
                options["path_policy"] = security.engine_policy()
            self._functions["resource"][uri] = fn
            return super().add_resource(fn, uri, **options)
        resource = fn
        self._functions["resource"][str(resource.uri)] = getattr(resource, "fn", None)
        checked = not isinstance(resource, FunctionResource)

        async def read() -> Any:
            contents = await resource.read()
            if checked and not isinstance(contents, (str, bytes)):
                # The official contract of ``Resource.read()``: a server bug, not content.
                raise TypeError(f"Resource.read() must return str or bytes, not {type(contents).__name__}")
            return contents

        read.__doc__ = resource.description
        read.undescribed = resource.description is None  # type: ignore[attr-defined]  # listed without one, as the official object is
        return super().add_resource(
            read,
            str(resource.uri),
            name=resource.name,
            title=resource.title,
            description=resource.description,
            mime_type=resource.mime_type,
            annotations=resource.annotations,
            icons=resource.icons,
            meta=resource.meta,
        )


class FastMCP(MCPServer[LifespanResultT]):
    """``Server`` with the official 1.x ``FastMCP`` constructor, whose HTTP settings (``host``,
    ``port``, ``streamable_http_path``, ``transport_security``, ...) are ``run``'s defaults
    and stay readable and writable as ``server.settings``. Unexpected exceptions keep their
    text (``mask_error_details=False``), as in 1.x."""

    _sdk_release = "1.x"
    _sdk_logger = "mcp.server.fastmcp.server"

    def __init__(
        self,
        name: Optional[str] = None,
        instructions: Optional[str] = None,
        website_url: Optional[str] = None,
        icons: Optional[List[Any]] = None,
        auth_server_provider: Any = None,
        token_verifier: Any = None,
        event_store: Any = None,
        retry_interval: Optional[int] = None,
        *,
        tools: Optional[Sequence[Any]] = None,
        debug: bool = False,
        log_level: str = "INFO",
        host: str = "127.0.0.1",
        port: int = 8000,
        mount_path: str = "/",
        sse_path: str = "/sse",
        message_path: str = "/messages/",
        streamable_http_path: str = "/mcp",
        json_response: bool = False,
        stateless_http: bool = False,
        max_request_body_size: Optional[int] = DEFAULT_MAX_REQUEST_BODY_SIZE,
        session_idle_timeout: Optional[float] = DEFAULT_SESSION_IDLE_TIMEOUT,
        max_sessions: Optional[int] = DEFAULT_MAX_SESSIONS,
        warn_on_duplicate_resources: bool = True,
        warn_on_duplicate_tools: bool = True,
        warn_on_duplicate_prompts: bool = True,
        dependencies: Sequence[str] = (),
        lifespan: Optional[Callable[[Any], Any]] = None,
        auth: Any = None,
        transport_security: Any = None,
        mask_error_details: bool = False,
        **server_options: Any,
    ) -> None:
        super().__init__(
            name or "FastMCP",
            None,
            None,
            instructions,
            website_url,
            icons,
            "1.0.0",
            auth_server_provider,
            token_verifier,
            tools=tools,
            debug=debug,
            log_level=log_level,
            warn_on_duplicate_resources=warn_on_duplicate_resources,
            warn_on_duplicate_tools=warn_on_duplicate_tools,
            warn_on_duplicate_prompts=warn_on_duplicate_prompts,
            dependencies=dependencies,
            lifespan=lifespan,
            auth=auth,
            mask_error_details=mask_error_details,
            **server_options,
        )
        self.settings: Settings = settings_class()(
            host=host,
            port=port,
            mount_path=mount_path,
            sse_path=sse_path,
            message_path=message_path,
            streamable_http_path=streamable_http_path,
            json_response=json_response,
            stateless_http=stateless_http,
            max_request_body_size=max_request_body_size,
            session_idle_timeout=session_idle_timeout,
            max_sessions=max_sessions,
            transport_security=for_host(host, transport_security),
            debug=debug,
            log_level=log_level,
            warn_on_duplicate_resources=warn_on_duplicate_resources,
            warn_on_duplicate_tools=warn_on_duplicate_tools,
            warn_on_duplicate_prompts=warn_on_duplicate_prompts,
            dependencies=list(dependencies),
            lifespan=lifespan,
            auth=auth,
        )
        self.dependencies = self.settings.dependencies

    def get_context(self) -> SdkContext:
        """1.x's ``get_context()``: a ``Context`` of this server outside any request (its
        ``request_context`` raises ``ValueError``), as the official one is outside a request;
        a handler gets the context of its request by declaring a ``Context`` parameter."""
        return SdkContext(fastmcp=self)

    def _tool_result(self, result: Dict[str, Any]) -> Any:
        """1.x's direct ``call_tool`` returns the content blocks, paired with the structured
        content when there is some."""
        content = [_typed("ContentBlock", block) for block in result.get("content", [])]
        if "structuredContent" in result:
            return content, result["structuredContent"]
        return content

    def _defaults(self) -> Dict[str, Any]:
        s = self.settings
        options = {
            "sse_path": s.sse_path,
            "message_path": s.message_path,
            "transport_security": s.transport_security,
            "max_request_body_size": s.max_request_body_size,
            "session_idle_timeout": s.session_idle_timeout,
            "max_sessions": s.max_sessions,
        }
        return {**super()._defaults(), "host": s.host, "port": s.port, "path": s.streamable_http_path, "options": options}


def settings_class() -> Any:
    """1.x's ``Settings``: the pydantic-settings model (``settings_model``) where
    pydantic-settings is installed, as the official class is; else the plain class."""
    try:
        from .settings_model import Settings as model  # optional dependency: pydantic-settings
    except ImportError:
        return Settings
    return model


def _settings_attribute(name: str) -> Any:
    if name == "Settings":
        return settings_class()
    raise AttributeError(f"module 'mcpforge.server' has no attribute {name!r}")


# The official 1.x module path of ``Settings`` (``mcpforge.server.Settings``), looked up when
# read so that ``import mcpforge`` does not load pydantic; the native module does not import
# this layer.
_server_module.__getattr__ = _settings_attribute  # type: ignore[method-assign, attr-defined, unused-ignore]

"""``Server``: registers tools, resources, prompts and completions with decorators and serves
them through the Rust engine over stdio or Streamable HTTP, or to an in-memory test client.

Sync handlers run on a bounded pool of worker threads (``max_workers``, default 64: sync
tools mostly wait on I/O with the interpreter released), holding the interpreter only while
Python runs; ``async def`` handlers run on an asyncio
loop: the caller's under ``await server.run_async()`` or ``server.test_client()``, else a
dedicated loop thread started on first use.
"""

from __future__ import annotations

import inspect
import json
import sys
import threading
import weakref
from contextlib import contextmanager
from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Tuple, TypeVar, overload

from . import _catalogue, _invoke
from ._announce import announcing
from . import middleware as _middleware
from ._components import Components, TagFilter, tag_set, tagged_meta
from ._convert import wire
from ._futures import resolver
from ._lifespan import Lifespan
from ._loopback import Loopback
from ._native import NativeServer, default_max_workers, http_option_names, init_logging
from .auth import AuthSettings
from .errors import ErrorInfo
from .schema import function_spec

__all__ = ["Server"]

F = TypeVar("F", bound=Callable[..., Any])

_ANNOTATION_KEYS = {
    "title": "title",
    "read_only_hint": "readOnlyHint",
    "destructive_hint": "destructiveHint",
    "idempotent_hint": "idempotentHint",
    "open_world_hint": "openWorldHint",
}
# The keywords of ``run("http", ...)``: the engine's HTTP option names (durations in
# seconds), so that a misspelled one raises TypeError before anything starts.
_HTTP_OPTIONS = frozenset(http_option_names())


def _annotations(value: Any) -> Optional[Dict[str, Any]]:
    if value is None:
        return None
    return {_ANNOTATION_KEYS.get(k, k): v for k, v in wire(value).items()}


def _wired(value: Any) -> Any:
    return None if value is None else wire(value)


def _drop_none(d: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def _decorator(register: Callable[..., Any], name: Any, options: Dict[str, Any]) -> Any:
    """``@server.x`` (``name`` is the function) or ``@server.x(name, **options)``."""
    if callable(name):
        register(name)
        return name

    def decorate(fn: F) -> F:
        register(fn, name=name, **options)
        return fn

    return decorate


def _excluded_args(fn: Callable[..., Any], names: Optional[Sequence[str]]) -> FrozenSet[str]:
    """The parameters of ``fn`` named in ``exclude_args``, checked: each must be a named
    parameter with a default, because the client never fills it."""
    if not names:
        return frozenset()
    if isinstance(names, str):
        raise TypeError(f"exclude_args is a list of parameter names (e.g. [{names!r}]), not a single string")
    params = inspect.signature(fn).parameters
    where = getattr(fn, "__qualname__", repr(fn))
    for name in names:
        p = params.get(name)
        if p is None:
            raise ValueError(f"exclude_args: {where} has no parameter {name!r}")
        if p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            raise ValueError(f"exclude_args: {name!r} of {where} is a variadic parameter; only a named parameter with a default can be excluded")
        if p.default is inspect.Parameter.empty:
            raise ValueError(f"exclude_args: parameter {name!r} of {where} must have a default value (an excluded parameter is never filled by the client)")
    return frozenset(names)


def _without(bind: Callable[..., Dict[str, Any]], names: FrozenSet[str]) -> Callable[..., Dict[str, Any]]:
    """``bind`` that first drops the arguments ``names`` sent by the client, so excluded
    parameters keep their defaults (also when the function takes ``**kwargs``)."""

    def bind_without(args: Dict[str, Any], native: Any) -> Dict[str, Any]:
        if not names.isdisjoint(args):
            args = {k: v for k, v in args.items() if k not in names}
        return bind(args, native)

    return bind_without


@contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """While serving stdio the engine points fd 1 at stderr; this also sends Python's
    ``sys.stdout`` (and its buffer) there, so ``print()`` cannot reach the protocol stream."""
    saved = sys.stdout
    try:
        if saved is not None:
            saved.flush()
    except (OSError, ValueError):
        pass
    sys.stdout = sys.stderr
    try:
        yield
    finally:
        sys.stdout = saved


class Server:
    """An MCP server.

    ``Server(name, version="1.0.0", instructions=None, *, title=None, description=None,
    website_url=None, icons=None, lifespan=None, mask_error_details=False, error_handler=None, max_workers=None, limits=None, rate_limits=None, metrics=False,
    metrics_address=None, logging=True, cache_ttl=None, cache_scope="public", state_key=None, protocol_versions=None, tasks=None,
    experimental=None, extensions=None, enable_tools=None, enable_resources=None,
    enable_prompts=None, include_tags=None, exclude_tags=None)``

    ``limits`` is a dict of ``max_message_size``, ``max_in_flight_per_connection``,
    ``max_in_flight``, ``request_timeout`` (seconds or None), ``shutdown_grace``,
    ``page_size``, ``request_state_ttl``, ``max_queued_messages``, ``max_session_backlog``
    (an unknown key raises ``ValueError``). ``rate_limits`` sets token buckets:
    ``{"per_client": {"requests": 60, "per": 60}, "tools": {"search": {"requests": 5, "per": 60,
    "burst": 2}}}`` (``per`` in seconds; ``"*"`` for every tool without its own entry); a
    client is its verified token's subject, else (an HTTP request without a session) its
    address, else its session, else its connection, and a refused request gets the error ``RATE_LIMITED`` with ``data["retryAfterMs"]``. ``metrics=True``
    keeps request metrics per method, tool/prompt/resource name and outcome, over every
    transport (read them with ``metrics()`` or ``metrics_text()``; HTTP serves them at
    ``/metrics`` with ``run(..., metrics=True)``); ``metrics_address="127.0.0.1:9464"`` also
    serves ``GET /metrics`` there while the server serves stdio. ``cache_ttl`` (seconds) and ``cache_scope`` are the
    caching hints of 2026-07-28 list and read results. ``state_key`` is shared by several
    instances that must resume each other's multi-round-trip requests.

    ``tasks`` configures the Tasks extension (``ttl`` and ``poll_interval`` in seconds,
    ``max_tasks``) and advertises it before any task tool is registered. ``experimental``
    and ``extensions`` are advertised as the ``experimental`` and 2026 ``extensions``
    capabilities (name -> settings). ``enable_tools=True`` (``enable_resources``,
    ``enable_prompts``) advertises that capability before anything of its kind is
    registered. Every option goes to the engine's one server-option form, which refuses what it
    does not know.

    ``include_tags`` and ``exclude_tags`` (sets of strings, as in FastMCP) choose which of
    the tools, prompts and resources registered afterwards are served: a component with
    one of the excluded tags is not, and when ``include_tags`` is given (and not empty),
    only components with at least one of those tags are. Exclusion wins. A component left
    out is still registered (``tools``, ``prompts``, ``resources``) but never reaches the
    engine, and cannot be enabled.

    ``error_handler(exception, info)`` is the error hook (see ``on_error``).

    ``lifespan(server)`` is an async context manager entered before serving and exited after,
    on the loop async handlers run on; what it yields is ``lifespan_context``. With
    ``mask_error_details``, the text of an unexpected exception in a handler stays in the
    server's log (logger ``mcpforge``, with its traceback) and the client reads only that the
    tool failed. ``icons`` (``Icon`` objects, the official ``mcp.types.Icon`` or dicts with
    ``src``) are sent in ``serverInfo`` to clients of 2025-11-25 and later.
    """

    # Tool errors read "Error executing tool NAME: message", as in the official SDK
    # (``MCPServer`` and ``FastMCP`` set this).
    _sdk_error_wording = False

    def __init__(
        self,
        name: str,
        version: str = "1.0.0",
        instructions: Optional[str] = None,
        *,
        title: Optional[str] = None,
        description: Optional[str] = None,
        website_url: Optional[str] = None,
        icons: Optional[List[Any]] = None,
        lifespan: Optional[Callable[[Any], Any]] = None,
        mask_error_details: bool = False,
        error_handler: Optional[Callable[[BaseException, ErrorInfo], Any]] = None,
        max_workers: Optional[int] = None,
        limits: Optional[Dict[str, Any]] = None,
        rate_limits: Optional[Dict[str, Any]] = None,
        metrics: bool = False,
        metrics_address: Optional[str] = None,
        logging: bool = True,
        cache_ttl: Optional[float] = None,
        cache_scope: str = "public",
        state_key: Optional[str] = None,
        protocol_versions: Optional[Sequence[str]] = None,
        tasks: Optional[Dict[str, Any]] = None,
        experimental: Optional[Dict[str, Any]] = None,
        extensions: Optional[Dict[str, Any]] = None,
        enable_tools: Optional[bool] = None,
        enable_resources: Optional[bool] = None,
        enable_prompts: Optional[bool] = None,
        include_tags: Optional[Iterable[str]] = None,
        exclude_tags: Optional[Iterable[str]] = None,
    ) -> None:
        if max_workers is not None and max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        tag_filter = TagFilter(include_tags, exclude_tags)
        options = _drop_none(
            {
                "instructions": instructions,
                "title": title,
                "description": description,
                "website_url": website_url,
                "icons": wire(icons) if icons is not None else None,
                "max_workers": max_workers,
                "limits": limits,
                "rate_limits": rate_limits,
                "metrics": metrics or None,
                "metrics_address": metrics_address,
                "logging": logging,
                "cache_ttl": cache_ttl,
                "cache_scope": cache_scope,
                "state_key": state_key,
                "protocol_versions": list(protocol_versions) if protocol_versions is not None else None,
                "tasks": tasks,
                "experimental": experimental,
                "extensions": extensions,
                "enable_tools": enable_tools,
                "enable_resources": enable_resources,
                "enable_prompts": enable_prompts,
            }
        )
        self.name = name
        self.version = version
        self.title, self.description, self.instructions = title, description, instructions
        self.website_url = website_url
        self.icons = icons
        self.max_workers = max_workers or default_max_workers()
        self._lifespan = Lifespan(lifespan)
        self._custom_routes: List[Any] = []
        self._errors = _invoke.ErrorReporter(mask_error_details)
        self._error_style = _invoke.ErrorStyle(prefix=self._sdk_error_wording, reporter=self._errors)
        if error_handler is not None:
            self.on_error(error_handler)
        self._self_client: Optional[Loopback] = None
        self._native = NativeServer(name, version, options)
        self.include_tags: Optional[FrozenSet[str]] = tag_filter.include or None
        self.exclude_tags: Optional[FrozenSet[str]] = tag_filter.exclude or None
        self._tools = Components("tool", tag_filter)
        self._resources = Components("resource", tag_filter)
        self._prompts = Components("prompt", tag_filter)
        self._lock = threading.Lock()
        self._caller_loop: Any = None
        self._own_loop: Any = None
        self._ref = weakref.ref(self)
        self._middleware: List[Any] = []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, version={self.version!r})"

    @property
    def lifespan_context(self) -> Any:
        """What the ``lifespan`` yielded while the server serves (an empty dict otherwise)."""
        return self._lifespan.context

    def _defaults(self) -> Dict[str, Any]:
        """Serving settings given at construction (``FastMCP``'s host, port, path, options and
        auth); ``run`` arguments override them."""
        return {}

    def _loopback(self) -> Loopback:
        """This server's own in-memory connection (``ctx.read_resource``)."""
        with self._lock:
            if self._self_client is None:
                self._self_client = Loopback(self._native)
            return self._self_client

    # ----- asyncio -------------------------------------------------------------------------

    def _async_loop(self) -> Any:
        """The loop async handlers run on: the caller's while ``run_async``/``test_client``
        is active, else this server's own loop thread (started on first use)."""
        loop = self._caller_loop
        if loop is not None and not loop.is_closed():
            return loop
        with self._lock:
            if self._own_loop is None:
                import asyncio

                own = asyncio.new_event_loop()
                threading.Thread(target=own.run_forever, name=f"mcpforge-{self.name}-asyncio", daemon=True).start()
                weakref.finalize(self, own.call_soon_threadsafe, own.stop)
                self._own_loop = own
            return self._own_loop

    def _loop_of(self) -> Callable[[], Any]:
        ref = self._ref

        def loop_of() -> Any:
            server = ref()
            if server is None:
                raise RuntimeError("the server was garbage-collected")
            return server._async_loop()

        return loop_of

    # ----- middleware ----------------------------------------------------------------------

    def add_middleware(self, middleware: Any) -> None:
        """Adds ``middleware`` (an ``async def mw(context, call_next)``, or a
        :class:`~mcpforge.middleware.Middleware` instance) at the inner end of the chain
        around every request: the first added sees a request first and its answer last.
        Requests that start afterwards pass through it. See :mod:`mcpforge.middleware`."""
        if isinstance(middleware, type):
            raise TypeError(f"add_middleware takes an instance, not the class {middleware.__name__}")
        if not _invoke.is_async(middleware):
            raise TypeError("a middleware is an async callable taking (context, call_next)")
        with self._lock:
            self._middleware.append(middleware)
            # One engine middleware runs the whole Python chain; it is swapped at once, so no
            # request runs without the middleware added before.
            fail = _invoke.reported_failure(self._errors, ErrorInfo("middleware"))
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
        fail = _invoke.reported_failure(self._errors, ErrorInfo("catalogue"))
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

    # ----- tools ---------------------------------------------------------------------------

    @overload
    def tool(self, name: F) -> F: ...

    @overload
    def tool(
        self,
        name: Optional[str] = None,
        *,
        title: Optional[str] = None,
        description: Optional[str] = None,
        annotations: Any = None,
        input_schema: Optional[Dict[str, Any]] = None,
        output_schema: Optional[Dict[str, Any]] = None,
        structured_output: Optional[bool] = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        task_support: Optional[str] = None,
        defer_task: bool = False,
        tags: Optional[Iterable[str]] = None,
        enabled: bool = True,
        exclude_args: Optional[Sequence[str]] = None,
    ) -> Callable[[F], F]: ...

    def tool(self, name: Any = None, **options: Any) -> Any:
        """Registers a function as a tool (``@server.tool()`` or ``@server.tool``).

        The input schema comes from the type hints (or ``input_schema``), the description
        from the docstring (or ``description``), the output schema and
        ``structuredContent`` from the return annotation (or ``output_schema``;
        ``structured_output=False`` turns it off). ``annotations`` takes the MCP hints
        (``readOnlyHint`` or ``read_only_hint``, ...). ``task_support`` is ``"optional"`` or
        ``"required"`` to let the tool run as a task; with ``defer_task=True`` it gathers
        client input first and becomes a task when it calls ``ctx.start_task()``.

        ``tags`` (a set of strings) are sent in the definition's ``_meta`` as
        ``{"_fastmcp": {"tags": [...]}}`` and matched by the server's ``include_tags`` and
        ``exclude_tags``. ``enabled=False`` registers the tool without serving it until
        ``enable_tool(name)``. ``exclude_args`` names parameters, each with a default, that
        are left out of the input schema and always get their default: an argument of that
        name sent by a client is dropped."""
        return _decorator(self.add_tool, name, options)

    def add_tool(
        self,
        fn: Callable[..., Any],
        *,
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        annotations: Any = None,
        input_schema: Optional[Dict[str, Any]] = None,
        output_schema: Optional[Dict[str, Any]] = None,
        structured_output: Optional[bool] = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        task_support: Optional[str] = None,
        defer_task: bool = False,
        tags: Optional[Iterable[str]] = None,
        enabled: bool = True,
        exclude_args: Optional[Sequence[str]] = None,
    ) -> Dict[str, Any]:
        """Registers ``fn`` as a tool (see ``tool``) and returns its definition."""
        name = name or fn.__name__
        tag_names = tag_set(tags)
        excluded = _excluded_args(fn, exclude_args)
        explicit_output = output_schema is not None
        spec = function_spec(fn, structured_output=False if explicit_output else structured_output, skip=tuple(sorted(excluded)))
        definition = _drop_none(
            {
                "name": name,
                "title": title,
                "description": description if description is not None else spec.description,
                "inputSchema": input_schema if input_schema is not None else spec.input_schema,
                "outputSchema": output_schema if explicit_output else spec.output_schema,
                "annotations": _annotations(annotations),
                "icons": _wired(icons),
                "execution": {"taskSupport": task_support} if task_support is not None else None,
                "_meta": tagged_meta(meta, tag_names),
            }
        )
        is_async = _invoke.is_async(fn)
        bind = _invoke.bind_tool(spec, self._ref)
        if excluded:
            bind = _without(bind, excluded)
        finish = _invoke.tool_finish(spec, explicit_output)
        fail = _invoke.tool_failure(name, self._error_style)
        invoker = _invoke.wrapper(fn, is_async, bind, finish, self._loop_of(), fail)
        native = self._native
        self._tools.add(
            name,
            definition,
            tag_names,
            enabled,
            lambda: native.add_tool(definition, invoker, is_async, defer_task),
            lambda: native.remove_tool(name),
            f"a tool named {name!r} is already registered (remove_tool it first)",
        )
        return definition

    def remove_tool(self, name: str) -> bool:
        """Removes a tool (clients are told the list changed); True if it existed."""
        return self._tools.remove(name)

    def enable_tool(self, name: str) -> None:
        """Serves a tool registered with ``enabled=False`` or disabled (clients are told the
        list changed). An unknown name, or a tool the server's tags exclude, raises
        ``ValueError``; an enabled tool stays as it is."""
        self._tools.set_enabled(name, True)

    def disable_tool(self, name: str) -> None:
        """Stops serving a tool but keeps it registered: it is not listed, and calling it is
        answered as for an unknown tool, until ``enable_tool(name)`` (clients are told the
        list changed). An unknown name raises ``ValueError``."""
        self._tools.set_enabled(name, False)

    @property
    def tools(self) -> Dict[str, Dict[str, Any]]:
        """The registered tool definitions, by name, disabled ones and ones the server's tags
        exclude included."""
        return self._tools.definitions()

    # ----- resources -----------------------------------------------------------------------

    def resource(
        self,
        uri: str,
        *,
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        mime_type: Optional[str] = None,
        size: Optional[int] = None,
        annotations: Any = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        tags: Optional[Iterable[str]] = None,
        enabled: bool = True,
        list_resources: Optional[Callable[..., Any]] = None,
    ) -> Callable[[F], F]:
        """Registers a resource reader for ``uri``, or for a URI template (RFC 6570 level-1
        variables such as ``file:///{path}``) whose variables fill the parameters of the same
        names. A parameter named ``uri`` gets the URI read. Return str (text), bytes (blob),
        ``ResourceContents`` (or a list of them), another JSON value (sent as JSON text), or
        None for "not found". ``tags`` and ``enabled`` as for ``tool`` (``enable_resource``
        and ``disable_resource`` take the URI or the template). For a template,
        ``list_resources`` (a function, sync or async, that may take a ``Context``) returns the
        resources it stands for now, as dicts with ``uri`` and ``name`` (or the official SDK's
        ``Resource`` objects): ``resources/list`` adds them after the concrete resources, each
        taking the template's metadata for what it leaves out."""

        def decorate(fn: F) -> F:
            self.add_resource(
                fn,
                uri,
                list_resources=list_resources,
                name=name,
                title=title,
                description=description,
                mime_type=mime_type,
                size=size,
                annotations=annotations,
                icons=icons,
                meta=meta,
                tags=tags,
                enabled=enabled,
            )
            return fn

        return decorate

    def add_resource(
        self,
        fn: Callable[..., Any],
        uri: str,
        *,
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        mime_type: Optional[str] = None,
        size: Optional[int] = None,
        annotations: Any = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        tags: Optional[Iterable[str]] = None,
        enabled: bool = True,
        list_resources: Optional[Callable[..., Any]] = None,
    ) -> Dict[str, Any]:
        """Registers ``fn`` as the reader of ``uri`` (see ``resource``)."""
        tag_names = tag_set(tags)
        spec = function_spec(fn, structured_output=False)
        template = "{" in uri
        if list_resources is not None and not template:
            raise ValueError(f"list_resources lists the resources of a URI template; {uri!r} is a concrete resource")
        key = "uriTemplate" if template else "uri"
        definition = _drop_none(
            {
                key: uri,
                "name": name or fn.__name__,
                "title": title,
                "description": description if description is not None else spec.description,
                "mimeType": mime_type,
                "size": None if template else size,
                "annotations": _wired(annotations),
                "icons": _wired(icons),
                "_meta": tagged_meta(meta, tag_names),
            }
        )
        is_async = _invoke.is_async(fn)
        bind = _invoke.bind_strings(spec, self._ref, uri_param=True)
        finish = _invoke.resource_finish(mime_type)
        fail = _invoke.reported_failure(self._errors, ErrorInfo("resource", uri))
        invoker = _invoke.wrapper(fn, is_async, bind, finish, self._loop_of(), fail)
        native = self._native
        add: Callable[[], None]
        remove: Callable[[str], bool]
        if template:
            lister, lister_async = self._lister(list_resources)
            add = lambda: native.add_template(definition, invoker, is_async, lister, lister_async)  # noqa: E731
            remove = native.remove_resource_template
        else:
            add = lambda: native.add_resource(definition, invoker, is_async)  # noqa: E731
            remove = native.remove_resource
        self._resources.add(
            uri,
            definition,
            tag_names,
            enabled,
            add,
            lambda: remove(uri),
            f"a resource {uri!r} is already registered",
        )
        return definition

    def _lister(self, list_resources: Optional[Callable[..., Any]]) -> Tuple[Optional[Callable[..., Any]], bool]:
        """The engine's wrapper of a template's ``list_resources`` function, and whether it is async."""
        if list_resources is None:
            return None, False
        spec = function_spec(list_resources, structured_output=False)
        is_async = _invoke.is_async(list_resources)
        bind = _invoke.bind_context_only(spec, self._ref)
        fail = _invoke.reported_failure(self._errors, ErrorInfo("resource_list"))
        return _invoke.wrapper(list_resources, is_async, bind, _invoke.listed_finish, self._loop_of(), fail), is_async

    def remove_resource(self, uri: str) -> bool:
        """Removes a concrete resource; True if it existed."""
        return "{" not in uri and self._resources.remove(uri)

    def enable_resource(self, uri: str) -> None:
        """Serves a resource or template (``uri`` is the URI or the template as registered)
        registered with ``enabled=False`` or disabled; as ``enable_tool``."""
        self._resources.set_enabled(uri, True)

    def disable_resource(self, uri: str) -> None:
        """Stops serving a resource or template but keeps it registered: it is not listed,
        and reading it is answered as for an unknown resource; as ``disable_tool``."""
        self._resources.set_enabled(uri, False)

    def worker_stats(self) -> Dict[str, int]:
        """The worker pool of synchronous handlers: ``workers`` (threads alive), ``idle``,
        ``queued`` (calls waiting for a worker), ``stuck`` (workers held by handlers that
        still run after their request was cancelled; the pool grows past them, by at most
        ``max_workers``), ``stuck_total`` and ``refused`` (calls refused because stuck
        handlers held every worker)."""
        keys = ("workers", "idle", "queued", "stuck", "stuck_total", "refused")
        return dict(zip(keys, self._native.worker_stats()))

    def metrics(self) -> Optional[Dict[str, Any]]:
        """The request metrics (``metrics=True``), or None when the server keeps none:
        ``{"series": [{"method", "name", "outcomes": {"ok", "tool_error", "error",
        "internal_error", "rate_limited", "timeout", "cancelled"}, "inFlight", "count",
        "sumSeconds", "buckets": [{"le", "count"}]}]}``. ``name`` is the tool or prompt, the
        resource URI or the template that matched it, ``unknown`` for a name not registered
        and empty for methods that name nothing; buckets are cumulative, as in Prometheus."""
        text = self._native.metrics()
        return None if text is None else json.loads(text)

    def metrics_text(self) -> Optional[str]:
        """The request metrics in the Prometheus text format (what ``/metrics`` serves), or
        None when the server keeps none."""
        return self._native.metrics_text()

    def remove_resource_template(self, uri_template: str) -> bool:
        """Removes a resource template; True if it existed."""
        return "{" in uri_template and self._resources.remove(uri_template)

    @property
    def resources(self) -> Dict[str, Dict[str, Any]]:
        """The registered resource and template definitions, by URI or template, disabled
        ones and ones the server's tags exclude included."""
        return self._resources.definitions()

    # ----- prompts -------------------------------------------------------------------------

    @overload
    def prompt(self, name: F) -> F: ...

    @overload
    def prompt(
        self,
        name: Optional[str] = None,
        *,
        title: Optional[str] = None,
        description: Optional[str] = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        tags: Optional[Iterable[str]] = None,
        enabled: bool = True,
    ) -> Callable[[F], F]: ...

    def prompt(self, name: Any = None, **options: Any) -> Any:
        """Registers a prompt (``@server.prompt()`` or ``@server.prompt``): its parameters
        are the prompt's arguments (required unless they have a default; values arrive as
        strings and are converted to int, float, bool or JSON per annotation). Return a str
        (one user message), a ``Message``, a list of them (or of strs and content), or a
        ``GetPromptResult`` dict. ``meta`` is the definition's ``_meta``; ``tags`` and
        ``enabled`` as for ``tool``."""
        return _decorator(self.add_prompt, name, options)

    def add_prompt(
        self,
        fn: Callable[..., Any],
        *,
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        tags: Optional[Iterable[str]] = None,
        enabled: bool = True,
    ) -> Dict[str, Any]:
        """Registers ``fn`` as a prompt (see ``prompt``)."""
        name = name or fn.__name__
        tag_names = tag_set(tags)
        spec = function_spec(fn, structured_output=False)
        arguments = [
            _drop_none({"name": p.name, "description": spec.input_schema["properties"][p.name].get("description"), "required": p.required or None})
            for p in spec.params
        ]
        description = description if description is not None else spec.description
        definition = _drop_none(
            {
                "name": name,
                "title": title,
                "description": description,
                "arguments": arguments,
                "icons": _wired(icons),
                "_meta": tagged_meta(meta, tag_names),
            }
        )
        is_async = _invoke.is_async(fn)
        bind = _invoke.bind_strings(spec, self._ref, uri_param=False)
        finish = _invoke.prompt_finish(description)
        fail = _invoke.reported_failure(self._errors, ErrorInfo("prompt", name))
        invoker = _invoke.wrapper(fn, is_async, bind, finish, self._loop_of(), fail)
        native = self._native
        self._prompts.add(
            name,
            definition,
            tag_names,
            enabled,
            lambda: native.add_prompt(definition, invoker, is_async),
            lambda: native.remove_prompt(name),
            f"a prompt named {name!r} is already registered",
        )
        return definition

    def remove_prompt(self, name: str) -> bool:
        """Removes a prompt; True if it existed."""
        return self._prompts.remove(name)

    def enable_prompt(self, name: str) -> None:
        """Serves a prompt registered with ``enabled=False`` or disabled; as ``enable_tool``."""
        self._prompts.set_enabled(name, True)

    def disable_prompt(self, name: str) -> None:
        """Stops serving a prompt but keeps it registered: it is not listed, and getting it is
        answered as for an unknown prompt; as ``disable_tool``."""
        self._prompts.set_enabled(name, False)

    @property
    def prompts(self) -> Dict[str, Dict[str, Any]]:
        """The registered prompt definitions, by name, disabled ones and ones the server's
        tags exclude included."""
        return self._prompts.definitions()

    # ----- completions ---------------------------------------------------------------------

    def completion(self, *, prompt: Optional[str] = None, resource: Optional[str] = None) -> Callable[[F], F]:
        """Registers a completion provider for a prompt's arguments (``prompt=name``), a
        template's variables (``resource=template``), or every reference without its own
        provider (neither). The function takes any of ``argument`` (name), ``value`` (typed
        so far), ``context`` (other arguments' values), ``ref`` and a ``Context``, and returns
        a list of strings or a ``Completion``."""
        if prompt is not None and resource is not None:
            raise ValueError("a completion provider is for a prompt or a resource template, not both")
        reference = (
            {"type": "ref/prompt", "name": prompt}
            if prompt is not None
            else {"type": "ref/resource", "uri": resource}
            if resource is not None
            else None
        )

        def decorate(fn: F) -> F:
            spec = function_spec(fn, structured_output=False)
            is_async = _invoke.is_async(fn)
            bind = _invoke.bind_completion(spec, self._ref)
            fail = _invoke.reported_failure(self._errors, ErrorInfo("completion"))
            invoker = _invoke.wrapper(fn, is_async, bind, _invoke.completion_finish, self._loop_of(), fail)
            self._native.add_completion(reference, invoker, is_async)
            return fn

        return decorate

    # ----- notifications -------------------------------------------------------------------

    def notify_tools_changed(self) -> None:
        """Tells clients the tool list changed."""
        self._native.notify_tools_changed()

    def notify_prompts_changed(self) -> None:
        """Tells clients the prompt list changed."""
        self._native.notify_prompts_changed()

    def notify_resources_changed(self) -> None:
        """Tells clients the resource list changed."""
        self._native.notify_resources_changed()

    def notify_resource_updated(self, uri: str) -> None:
        """Tells subscribers the resource ``uri`` changed."""
        self._native.notify_resource_updated(uri)

    # ----- serving -------------------------------------------------------------------------

    def _http(self, host: str, port: int, path: str, auth: Optional[AuthSettings], options: Dict[str, Any]) -> Tuple[Dict[str, Any], Any]:
        unknown = set(options) - _HTTP_OPTIONS
        if unknown:
            raise TypeError(f"unknown HTTP options: {', '.join(sorted(unknown))}")
        settings = {"host": host, "port": port, "path": path, **_drop_none(options)}
        verifier = None
        if auth is not None:
            settings["auth"] = auth.options()
            fn = auth.verifier
            is_async = _invoke.is_async(fn)
            params = [p for p in inspect.signature(fn).parameters]
            if len(params) != 1:
                raise TypeError("the token verifier takes exactly one argument, the token")
            bind = _invoke.bind_verifier(params[0])
            invoker = _invoke.wrapper(fn, is_async, bind, _invoke.verifier_finish, self._loop_of(), _invoke.verifier_failure)
            verifier = (invoker, is_async)
        return settings, verifier

    def _transport(self, transport: str, host: Optional[str], port: Optional[int], path: Optional[str], options: Dict[str, Any]) -> Tuple[str, str, int, str, Dict[str, Any]]:
        """Resolves a ``run`` call: the transport (``stdio`` or ``http``), the address, and the
        HTTP options, with the official SDK's option names translated (``sdk_options``) and
        the constructor's HTTP settings as defaults."""
        from ._sdk_options import sdk_options

        if transport not in ("stdio", "http", "streamable-http", "sse"):
            raise ValueError(f"unknown transport {transport!r} (use 'stdio', 'http', 'streamable-http' or 'sse')")
        defaults = self._defaults()
        # The constructor's HTTP options (FastMCP's sse_path, ...) are defaults for HTTP only.
        translated = sdk_options(transport, {**(defaults.get("options", {}) if transport != "stdio" else {}), **options})
        path = path if path is not None else translated.pop("path", defaults.get("path", "/mcp"))
        translated.pop("path", None)
        if transport == "sse":
            translated["legacy_sse"] = True
        kind = "stdio" if transport == "stdio" else "http"
        if kind == "stdio" and translated:
            raise TypeError("HTTP options given for the stdio transport")
        return kind, host or defaults.get("host", "127.0.0.1"), defaults.get("port", 8000) if port is None else port, path, translated

    def run(
        self,
        transport: str = "stdio",
        *,
        host: Optional[str] = None,
        port: Optional[int] = None,
        path: Optional[str] = None,
        auth: Optional[AuthSettings] = None,
        on_ready: Optional[Callable[[str, int], None]] = None,
        **http_options: Any,
    ) -> None:
        """Serves until stdin closes (stdio) or Ctrl-C, which raises ``KeyboardInterrupt``
        after a graceful shutdown. The ``lifespan`` runs around serving.

        ``transport="http"`` (or ``"streamable-http"``) serves Streamable HTTP (both eras) at
        ``path`` (default ``/mcp``) on ``host:port`` (default 127.0.0.1:8000; ``port=0``: any
        free port; ``on_ready(host, port)`` is called once bound); ``"sse"`` serves it too, with
        the 2024-11-05 HTTP+SSE endpoints (``/sse`` and ``/messages``) on. Once bound it says
        where on stderr (``mcpforge: serving MCP on http://127.0.0.1:8000/mcp (Ctrl-C to
        stop)``), through logger ``mcpforge`` when logging is configured; setting that
        logger's level above INFO silences it. HTTP options:
        ``allowed_hosts``, ``allowed_origins`` (DNS-rebinding protection; default loopback
        only), ``max_body``, ``legacy_sessions``, ``sessionless`` (legacy requests without a
        session: each stands alone), ``session_idle_timeout``,
        ``max_sessions``, ``max_sessions_per_client``, ``sse_keepalive``, ``legacy_sse``, ``sse_path``, ``messages_path``, ``metrics`` (Prometheus
        ``/metrics``), ``websocket`` (MCP over WebSocket at ``path`` too), the connection
        limits ``max_connections``, ``header_timeout``, ``idle_timeout`` and
        ``body_timeout`` (seconds; docs/SECURITY.md), ``shared_store`` (``"redis://host:port/db"``:
        the instances of a server given the same store share their legacy sessions; default:
        the environment variable ``MCPFORGE_SHARED_STORE``), and ``auth`` (``AuthSettings`` with
        your token verifier). The official SDK's names are accepted as well
        (``streamable_http_path``, ``max_request_body_size``, ``transport_security``, ...;
        docs/python.md lists them)."""
        init_logging()
        kind, host, port, path, options = self._transport(transport, host, port, path, http_options)
        if kind == "stdio":
            if auth is not None:
                raise TypeError("auth given for the stdio transport")
            with self._lifespan.on_loop(self, self._async_loop), _stdout_to_stderr(), self._ctrl_c():
                self._native.serve_stdio()
        else:
            auth = auth if auth is not None else self._defaults().get("auth")
            settings, verifier = self._http(host, port, path, auth, options)
            with self._lifespan.on_loop(self, self._async_loop), self._ctrl_c():
                self._native.serve_http(settings, verifier, announcing(path, on_ready))

    def serve(self, http: Optional[str] = None, **http_options: Any) -> None:
        """The usual ``main`` of a server program: serves stdio, or Streamable HTTP at
        ``http`` (``"HOST:PORT"``, e.g. the value of a ``--http`` flag; ``[::1]:3000`` for
        IPv6) with ``http_options`` as for ``run``, until stdin closes, Ctrl-C or SIGTERM
        (what container runtimes send), then returns after a graceful shutdown instead of
        raising ``KeyboardInterrupt``. From the main thread, SIGTERM is ignored once serving
        has ended, so a repeated one cannot kill the process while it exits."""
        import signal

        address = None if http is None else _http_address(http)
        main = threading.current_thread() is threading.main_thread()
        if main:
            native = self._native
            signal.signal(signal.SIGTERM, lambda *_: native.shutdown())
        try:
            if address is None:
                self.run(**http_options)
            else:
                self.run("http", host=address[0], port=address[1], **http_options)
        except KeyboardInterrupt:
            pass
        finally:
            if main:
                signal.signal(signal.SIGTERM, signal.SIG_IGN)

    @contextmanager
    def _ctrl_c(self) -> Iterator[None]:
        """While serving from the main thread: with Python's default Ctrl-C handling, SIGINT
        starts a graceful shutdown and ``KeyboardInterrupt`` is raised once it is done (the
        default handler would raise wherever the main thread happens to run Python, e.g. in
        a finalizer, where the exception is lost); with SIGTERM's default action (the process
        dies at once), SIGTERM starts a graceful shutdown, after which serving returns."""
        import signal

        if threading.current_thread() is not threading.main_thread():
            yield
            return
        interrupted: List[int] = []
        native = self._native

        def on_sigint(signum: int, frame: Any) -> None:
            interrupted.append(signum)
            native.shutdown()

        def on_sigterm(signum: int, frame: Any) -> None:
            native.shutdown()

        own_int = signal.getsignal(signal.SIGINT) is signal.default_int_handler
        own_term = signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
        previous_int = signal.signal(signal.SIGINT, on_sigint) if own_int else None
        previous_term = signal.signal(signal.SIGTERM, on_sigterm) if own_term else None
        try:
            yield
        finally:
            if own_int:
                signal.signal(signal.SIGINT, previous_int)
            if own_term:
                signal.signal(signal.SIGTERM, previous_term)
        if interrupted:
            raise KeyboardInterrupt

    async def run_async(
        self,
        transport: str = "stdio",
        *,
        host: Optional[str] = None,
        port: Optional[int] = None,
        path: Optional[str] = None,
        auth: Optional[AuthSettings] = None,
        on_ready: Optional[Callable[[str, int], None]] = None,
        **http_options: Any,
    ) -> None:
        """``run`` on the caller's asyncio loop: async handlers and the ``lifespan`` run on
        this loop; cancelling this coroutine shuts the server down gracefully."""
        import asyncio

        init_logging()
        kind, host, port, path, options = self._transport(transport, host, port, path, http_options)
        auth = auth if auth is not None else self._defaults().get("auth")
        loop = asyncio.get_running_loop()
        finished: "asyncio.Future[Any]" = loop.create_future()
        done = resolver(loop, finished)

        self._caller_loop = loop
        started = False
        try:
            started = await self._lifespan.start(self)
            if kind == "stdio":
                with _stdout_to_stderr():
                    self._native.start_stdio(done)
                    await self._wait(finished)
            else:
                settings, verifier = self._http(host, port, path, auth, options)
                bound = self._native.start_http(settings, done, verifier)
                announcing(path, on_ready)(*bound)
                await self._wait(finished)
        finally:
            if started:
                await self._lifespan.stop()
            self._caller_loop = None

    async def run_stdio_async(self) -> None:
        """``run_async("stdio")`` (the official SDK's name)."""
        await self.run_async("stdio")

    async def run_streamable_http_async(self, **options: Any) -> None:
        """``run_async("streamable-http", **options)`` (the official SDK's name; its option
        names are accepted)."""
        await self.run_async("streamable-http", **options)

    async def run_sse_async(self, **options: Any) -> None:
        """``run_async("sse", **options)`` (the official SDK's name)."""
        await self.run_async("sse", **options)

    def asgi_app(self, *, path: Optional[str] = None, auth: Optional[AuthSettings] = None, **http_options: Any) -> Any:
        """The MCP endpoint as an ASGI application (``mcpforge.asgi.McpAsgiApp``), to mount in
        Starlette or FastAPI (``app.mount("/", server.asgi_app())``) or to run under uvicorn.
        The engine answers every request, as on its own listener; ``path`` (default ``/mcp``,
        or the constructor's ``streamable_http_path``) is relative to the mount point. HTTP
        options as for ``run``, official names included (the connection limits are the ASGI
        server's, so they are not used). ``allowed_hosts`` defaults to loopback names: name
        the hosts clients use when the app is reachable under another name. Routes added with
        ``custom_route`` are served beside the endpoint. Async handlers and the ``lifespan``
        run on the ASGI server's event loop. Frameworks do not pass their lifespan on to
        mounted applications: give the app's ``lifespan`` to yours (``FastAPI(lifespan=
        mcp.lifespan)``) so that the server's lifespan runs and stopping the application
        drains running requests."""
        return self._asgi("streamable-http", path, auth, http_options)

    def streamable_http_app(self, **http_options: Any) -> Any:
        """``asgi_app()`` under the official SDK's name."""
        return self._asgi("streamable-http", None, None, http_options)

    def sse_app(self, **http_options: Any) -> Any:
        """``asgi_app()`` with the 2024-11-05 HTTP+SSE endpoints (``/sse`` and ``/messages``)
        on, under the official SDK's name."""
        return self._asgi("sse", None, None, http_options)

    def custom_route(self, path: str, methods: List[str], name: Optional[str] = None, include_in_schema: bool = True) -> Callable[[Any], Any]:
        """Adds a route of your own to the ASGI apps made afterwards (``asgi_app``,
        ``streamable_http_app``, ``sse_app``), as the official SDK's decorator does: the
        handler is ``async def handler(request: starlette.requests.Request) -> Response``.
        Needs ``starlette``."""

        def register(handler: Any) -> Any:
            self._custom_routes.append((path, list(methods), name, include_in_schema, handler))
            return handler

        return register

    def _asgi(self, transport: str, path: Optional[str], auth: Optional[AuthSettings], options: Dict[str, Any]) -> Any:
        from .asgi import McpAsgiApp

        _, _, _, path, translated = self._transport(transport, None, None, path, options)
        auth = auth if auth is not None else self._defaults().get("auth")
        settings, verifier = self._http("127.0.0.1", 0, path, auth, translated)
        native = self._native.http_app(settings, verifier)
        ref = self._ref

        def on_call(loop: Any) -> None:
            server = ref()
            if server is not None and server._caller_loop is None:
                server._caller_loop = loop

        async def start() -> None:
            import asyncio

            server = ref()
            if server is not None:
                server._caller_loop = server._caller_loop or asyncio.get_running_loop()
                await server._lifespan.start(server)

        async def stop() -> None:
            server = ref()
            if server is not None:
                await server._lifespan.stop()

        app = McpAsgiApp(native, on_call, start, stop)
        return app.with_routes(self._custom_routes) if self._custom_routes else app

    async def _wait(self, finished: Any) -> None:
        import asyncio

        try:
            await asyncio.shield(finished)
        except asyncio.CancelledError:
            self._native.shutdown()
            await asyncio.wait([finished], timeout=10)
            raise

    def shutdown(self) -> None:
        """Stops serving gracefully (in-flight requests finish up to the grace period). Final:
        the server cannot serve again."""
        self._native.shutdown()

    def test_client(self, **options: Any) -> Any:
        """An in-memory client through the real engine: ``async with server.test_client()
        as client: await client.call_tool("add", {"a": 1, "b": 2})``. Options as
        ``mcpforge.testing.TestClient``."""
        from .testing import TestClient

        return TestClient(self, **options)


def _http_address(text: str) -> Tuple[str, int]:
    """``"HOST:PORT"`` (``"[::1]:PORT"``, or ``":PORT"`` for 127.0.0.1) as ``(host, port)``."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"expected HOST:PORT for the HTTP address, not {text!r}")
    return host.strip("[]") or "127.0.0.1", int(port)

"""``Server``: registers tools, resources, prompts and completions with decorators and serves
them through the Rust engine over stdio or Streamable HTTP, or to an in-memory test client.

Sync handlers run on a bounded pool of worker threads (``max_workers``, default 64: sync
tools mostly wait on I/O with the interpreter released), holding the interpreter only while
Python runs; ``async def`` handlers run on an asyncio
loop: the caller's under ``await server.run_async()`` or ``server.test_client()``, else a
dedicated loop thread started on first use.

``Server`` is put together from one class per job (``_core.py`` lists them): registering
(``_registering``, with MCP Apps and skills in ``_apps_skills``), the registered components (``_component_controls``), hooks (``_hooks``),
mounting other servers (``_composition``), serving (``_serving``), ASGI (``_asgi_apps``) and metrics (``_metrics``). This module holds
the constructor, which takes every server option.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence

from ._apps_skills import AppsSkills
from ._asgi_apps import AsgiApps
from ._component_controls import ComponentControls
from ._composition import Composition
from ._components import Components, TagFilter
from ._convert import wire
from ._core import drop_none
from ._hooks import Hooks
from ._invoke import failures
from ._lifespan import Lifespan
from ._metrics import Metrics
from ._native import NativeServer, default_max_workers
from ._serving import Serving
from .errors import ErrorInfo

__all__ = ["Server"]


class Server(AppsSkills, ComponentControls, Hooks, Composition, AsgiApps, Serving, Metrics):
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
    # A call of an unknown tool is an `isError` result, not -32602 (the engine's
    # ``unknown_tool_result``; ``MCPServer`` and ``FastMCP`` set this).
    _sdk_unknown_tool_result = False
    # Engine options of the compatibility classes (``MCPServer`` sets the official SDK's
    # resource errors), under the user's own.
    _engine_options: Dict[str, Any] = {}

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
        options = drop_none(
            {
                **self._engine_options,
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
                "unknown_tool_result": self._sdk_unknown_tool_result or None,
            }
        )
        self.name = name
        self.version = version
        self.title, self.description, self.instructions = title, description, instructions
        self.website_url = website_url
        self.icons = icons
        self.max_workers = max_workers or default_max_workers()
        self._lifespan = Lifespan(lifespan)
        self._custom_routes = []
        self._errors = failures.ErrorReporter(mask_error_details)
        self._error_style = failures.ErrorStyle(prefix=self._sdk_error_wording, reporter=self._errors)
        if error_handler is not None:
            self.on_error(error_handler)
        self._self_client = None
        self._native = NativeServer(name, version, options)
        self.include_tags: Optional[FrozenSet[str]] = tag_filter.include or None
        self.exclude_tags: Optional[FrozenSet[str]] = tag_filter.exclude or None
        self._tools = Components("tool", tag_filter)
        self._resources = Components("resource", tag_filter)
        self._prompts = Components("prompt", tag_filter)
        self._lock = threading.Lock()
        self._caller_loop = None
        self._own_loop = None
        self._ref = weakref.ref(self)
        self._middleware = []
        self._mounted = []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, version={self.version!r})"

    @property
    def lifespan_context(self) -> Any:
        """What the ``lifespan`` yielded while the server serves (an empty dict otherwise)."""
        return self._lifespan.context

    def test_client(self, **options: Any) -> Any:
        """An in-memory client through the real engine: ``async with server.test_client()
        as client: await client.call_tool("add", {"a": 1, "b": 2})``. Options as
        ``mcpforge.testing.TestClient``."""
        from .testing import TestClient  # loaded on use

        return TestClient(self, **options)

"""``ServerCore``: what every part of ``Server`` shares. ``Server`` (server.py) is put
together from one class per job, each a subclass of this one:

- ``_registering.Registering``: the tool, resource, prompt and completion decorators;
- ``_apps_skills.AppsSkills`` (on top of it): MCP Apps and skills;
- ``_component_controls.ComponentControls``: removing, enabling and disabling what is
  registered, reading its definitions, and telling clients that a list changed;
- ``_hooks.Hooks``: the middleware chain, the catalogue hook and the error hook;
- ``_composition.Composition``: mounting other servers and upstreams, and ``as_proxy``;
- ``_serving.Serving``: serving over stdio or HTTP until stopped, Ctrl-C and SIGTERM;
- ``_asgi_apps.AsgiApps``: the MCP endpoint as an ASGI application;
- ``_metrics.Metrics``: the request metrics and the worker pool's figures.

This class declares the state they read (``Server.__init__`` sets it), the serving defaults
a subclass may give (``_defaults``), the event loop async handlers run on, and the server's
own in-memory connection."""

from __future__ import annotations

import threading
import weakref
from typing import Any, Callable, Dict, List, Optional

from ._components import Components
from ._invoke import failures, results
from ._lifespan import Lifespan
from ._loopback import Loopback
from ._native import NativeServer
from .context import Context

__all__ = ["ServerCore", "drop_none"]


def drop_none(d: Dict[str, Any]) -> Dict[str, Any]:
    """``d`` without its None values (options and definition fields left unset)."""
    return {k: v for k, v in d.items() if v is not None}


def _serve_until_stopped(loop: Any) -> None:
    """A server's own loop thread: runs ``loop`` until the server is collected (which stops
    it), then closes it, releasing its selector and self-pipe."""
    try:
        loop.run_forever()
    finally:
        loop.close()


class ServerCore:
    """The state the parts of ``Server`` share (see the module documentation)."""

    name: str
    # The engine's server: every registration, hook and transport goes to it.
    _native: NativeServer
    # Guards what is made on first use (the loop thread, the loopback) and the middleware chain.
    _lock: threading.Lock
    # This server, weakly: what handlers' contexts hold, so a server whose handlers refer to
    # it can still be collected.
    _ref: "weakref.ReferenceType[Any]"
    # Where unexpected handler exceptions are logged and reported, and how tool errors read.
    _errors: failures.ErrorReporter
    _error_style: failures.ErrorStyle
    # Tool results as the official SDK's MCPServer writes them (``MCPServer`` and ``FastMCP``
    # set this): a tool annotated to return str, Optional[str] or None gets the output schema
    # {"result": ...} and structuredContent; a returned list is one content block per item
    # and None no block (the engine's ValueContent::PerItem).
    _sdk_results: bool = False
    # Definitions as the official SDK's high-level servers write them (``MCPServer`` and
    # ``FastMCP`` set this): a tool, resource, template or prompt whose function has no
    # docstring (and no ``description=``) has the description ``""``, and a tool's input
    # schema has the titles pydantic writes (``getWeatherArguments``, ``City``).
    _sdk_definitions: bool = False
    # The official release whose reading of return annotations tools follow where 1.x and
    # 2.x differ (``function_spec``'s ``release``): ``"1.x"`` for ``FastMCP``, ``"2.x"`` for
    # ``MCPServer``; None for mcpforge's own ``Server``.
    _sdk_release: Optional[str] = None
    # How a completion function's return value becomes the engine's answer (the drop-in
    # classes hold it to the official ``Completion`` shape, ``sdk.completions``).
    _completion_finish: Callable[[Any], Any] = staticmethod(results.completion_finish)
    # Told what a tool's or resource's handler raised, with its request (``witness(native_ctx,
    # exception)``): the drop-in classes' direct calls read it (``sdk.direct``); None here.
    _witness: Optional[Callable[[Any, BaseException], None]] = None
    # The class of the ``Context`` handlers get (``MCPServer`` has its own, ``sdk.context``).
    _context_type: Callable[..., Any] = Context
    _lifespan: Lifespan
    # The component mirror: every registered tool, resource (and template) and prompt.
    _tools: Components
    _resources: Components
    _prompts: Components
    # The middleware chain, outermost first.
    _middleware: List[Any]
    # The routes ``custom_route`` added to the ASGI apps.
    _custom_routes: List[Any]
    # The caller's loop while ``run_async``, ``test_client`` or an ASGI app runs, and this
    # server's own loop thread (made on first use otherwise).
    _caller_loop: Any
    _own_loop: Any
    _self_client: Optional[Loopback]

    def _sdk_label(self, label: Callable[..., str]) -> Optional[Callable[..., str]]:
        """``label`` (how a handler's unexpected exception reads, from the call's inputs) on a
        server with the official SDK's error wording (``_error_style.prefix``), else None."""
        return label if self._error_style.prefix else None

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
                import asyncio  # loaded on use

                own = asyncio.new_event_loop()
                threading.Thread(target=_serve_until_stopped, args=(own,), name=f"mcpforge-{self.name}-asyncio", daemon=True).start()
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

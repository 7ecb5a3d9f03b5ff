"""``AsgiApps``: the MCP endpoint of a ``Server`` as an ASGI application to mount in
Starlette or FastAPI or to run under uvicorn (``asgi_app``, and the official SDK's
``streamable_http_app`` and ``sse_app``, Starlette applications as there when Starlette is
installed: ``_starlette_app``), with routes of the application's own beside it
(``custom_route``). The engine answers every request, as on its own listener
(``mcpforge.asgi.McpAsgiApp`` adapts it to ASGI); the settings are resolved as ``run``'s are
(``_serving``), and the server's ``lifespan`` runs on the ASGI server's event loop."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

from ._serving import Serving
from ._starlette_app import starlette_app
from .auth import AuthSettings

if TYPE_CHECKING:
    from .asgi import McpAsgiApp

__all__ = ["AsgiApps"]


class AsgiApps(Serving):
    """The ASGI applications of a server (see the module documentation)."""

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
        drains running requests. With custom routes the app is a Starlette application
        (``_starlette_app``)."""
        engine = self._asgi("streamable-http", path, auth, http_options)
        return starlette_app(engine, "streamable-http", self._custom_routes) if self._custom_routes else engine

    def streamable_http_app(self, **http_options: Any) -> Any:
        """The official SDK's name for the endpoint as an ASGI app: a Starlette application
        as there, whose ``Route`` at the endpoint's path (and default) hands each request to
        ``asgi_app()``'s engine app (``_starlette_app``); the engine app itself when Starlette
        is not installed. Options as for ``asgi_app``."""
        return self._official_app("streamable-http", http_options)[1]

    def sse_app(self, **http_options: Any) -> Any:
        """``streamable_http_app()`` with the 2024-11-05 HTTP+SSE endpoints (``/sse`` and
        ``/messages``) on, routed as the official SDK's (``Route`` for the stream, ``Mount``
        for the messages), under the official SDK's name."""
        return self._official_app("sse", http_options)[1]

    def _official_app(self, transport: str, options: Dict[str, Any]) -> "Tuple[McpAsgiApp, Any]":
        """The engine app for ``transport`` and what the official names return: it in a
        Starlette application, or alone without Starlette."""
        engine = self._asgi(transport, None, None, options)
        framed = starlette_app(engine, transport, self._custom_routes)
        return engine, framed if framed is not None else engine

    def custom_route(self, path: str, methods: List[str], name: Optional[str] = None, include_in_schema: bool = True) -> Callable[[Any], Any]:
        """Adds a route of your own to the ASGI apps made afterwards (``asgi_app``,
        ``streamable_http_app``, ``sse_app``), as the official SDK's decorator does: the
        handler is ``async def handler(request: starlette.requests.Request) -> Response``.
        Needs ``starlette``."""

        def register(handler: Any) -> Any:
            self._custom_routes.append((path, list(methods), name, include_in_schema, handler))
            return handler

        return register

    def _asgi(self, transport: str, path: Optional[str], auth: Optional[AuthSettings], options: Dict[str, Any]) -> "McpAsgiApp":
        from .asgi import McpAsgiApp  # loaded on use

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
            import asyncio  # loaded on use

            server = ref()
            if server is not None:
                server._caller_loop = server._caller_loop or asyncio.get_running_loop()
                await server._lifespan.start(server)

        async def stop() -> None:
            server = ref()
            if server is not None:
                await server._lifespan.stop()

        return McpAsgiApp(native, on_call, start, stop)

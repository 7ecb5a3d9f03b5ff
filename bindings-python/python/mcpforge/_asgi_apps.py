"""``AsgiApps``: the MCP endpoint of a ``Server`` as an ASGI application to mount in
Starlette or FastAPI or to run under uvicorn (``asgi_app``, and the official SDK's
``streamable_http_app`` and ``sse_app``), with routes of the application's own beside it
(``custom_route``). The engine answers every request, as on its own listener
(``mcpforge.asgi.McpAsgiApp`` adapts it to ASGI); the settings are resolved as ``run``'s are
(``_serving``), and the server's ``lifespan`` runs on the ASGI server's event loop."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from ._serving import Serving
from .auth import AuthSettings

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

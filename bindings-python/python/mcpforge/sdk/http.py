"""The official high-level servers' HTTP apps, as ``MCPServer`` and ``FastMCP`` have them:
``streamable_http_app()`` and ``sse_app()`` take the official keywords (``host`` too) and
are Starlette applications when Starlette is installed (``_starlette_app``), and
``session_manager`` stands for the official ``StreamableHTTPSessionManager`` of the last
``streamable_http_app()``: its settings as the engine applies them
(``max_request_body_size``, ``session_idle_timeout``, ``max_sessions``), ``run()`` (the
app's lifespan, for a host application that mounts several servers) and
``handle_request``. Part of the drop-in layer.

``host`` only chooses, in the official SDK, whether its DNS-rebinding protection is on by
default (on for a loopback host, off for any other); mcpforge's engine keeps its loopback
allow-lists on by default whatever the host, and ``transport_security`` (or
``allowed_hosts``/``allowed_origins``) sets them, as for ``run``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, AsyncContextManager, Callable, Dict, Optional, Tuple

if TYPE_CHECKING:
    from ..asgi import McpAsgiApp, Receive, Scope, Send

__all__ = ["SdkHttpApps", "SessionManager"]


class SessionManager:
    """The official ``StreamableHTTPSessionManager``'s part that programs use, over the
    engine app of one ``streamable_http_app()``; the engine keeps the sessions."""

    def __init__(self, engine: "McpAsgiApp") -> None:
        self._engine = engine

    @property
    def max_request_body_size(self) -> int:
        """The request body cap in bytes (413 past it)."""
        return self._engine.max_body

    @property
    def session_idle_timeout(self) -> float:
        """Seconds a session may stay idle before the engine closes it."""
        return self._engine.session_idle_timeout

    @property
    def max_sessions(self) -> int:
        """The most sessions the engine keeps at once."""
        return self._engine.max_sessions

    def run(self) -> AsyncContextManager[None]:
        """The app's lifespan (the server's ``lifespan`` entered; on the way out the running
        requests drain): ``async with mcp.session_manager.run(): ...`` in the lifespan of an
        application that mounts the app, as with the official SDK."""
        return self._engine.lifespan()

    async def handle_request(self, scope: "Scope", receive: "Receive", send: "Send") -> None:
        """Answers one ASGI request with the engine app."""
        await self._engine(scope, receive, send)


class SdkHttpApps:
    """The official HTTP app methods (see the module documentation), for ``MCPServer``."""

    _session_manager: Optional[SessionManager] = None
    # ``AsgiApps._official_app``: the engine app for a transport, and it as the official
    # names return it.
    _official_app: "Callable[[str, Dict[str, Any]], Tuple[McpAsgiApp, Any]]"

    def streamable_http_app(self, *, host: Optional[str] = None, **http_options: Any) -> Any:
        """The Streamable HTTP app (``Server.streamable_http_app``) with the official
        keywords; ``host`` is taken, the engine's allow-lists apply (see the module
        documentation). Its session manager becomes ``session_manager``."""
        engine, app = self._official_app("streamable-http", http_options)
        self._session_manager = SessionManager(engine)
        return app

    def sse_app(self, *, host: Optional[str] = None, **http_options: Any) -> Any:
        """The HTTP+SSE app (``Server.sse_app``) with the official keywords; ``host`` as for
        ``streamable_http_app``."""
        return self._official_app("sse", http_options)[1]

    @property
    def session_manager(self) -> SessionManager:
        """The session manager of the last ``streamable_http_app()``; ``RuntimeError``
        before one was made, as with the official SDK."""
        if self._session_manager is None:
            raise RuntimeError("Session manager can only be accessed after calling streamable_http_app()")
        return self._session_manager

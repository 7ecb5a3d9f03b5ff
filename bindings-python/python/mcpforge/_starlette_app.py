"""``starlette_app``: a server's HTTP app as a Starlette application, as the official SDK's
``streamable_http_app()`` and ``sse_app()`` are, so that programs reading them as such
(``app.routes``, ``Mount``ing them, adding middleware) keep working.

The application only routes: the engine's ASGI app (``mcpforge.asgi.McpAsgiApp``) answers
every MCP request, as on its own listener. Its routes are the endpoints of the transport
asked for, at the paths the engine serves them (``Route("/mcp")``; for the HTTP+SSE
transport ``Route("/sse")`` for GET and ``Mount("/messages")``), then the routes added with
``custom_route``; any other path (``/healthz``, the OAuth metadata, the other transport's
endpoints) goes to the engine app too, as the router's default, without Starlette's
trailing-slash redirects: the engine decides what each path is. The engine app's lifespan
is the application's, also offered as ``.lifespan`` (with ``.shutdown``) for a host
application that mounts it. While no middleware was added to the application, a request for
the Streamable HTTP endpoint goes straight to the engine app, as its route would send it,
without the routing and error middleware's cost per request.

Starlette is not a dependency of mcpforge (it is one of the official SDK's, so a program
moving from it has it): ``starlette_app`` returns None when it cannot be imported, and the
caller serves the engine app alone. Custom routes need it, as their handlers take
Starlette requests."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, List, Optional

if TYPE_CHECKING:
    from .asgi import McpAsgiApp, Receive, Scope, Send

__all__ = ["starlette_app"]


def starlette_app(engine: McpAsgiApp, transport: str, custom_routes: List[Any]) -> Optional[Any]:
    """The Starlette application around ``engine`` for ``transport`` (``"streamable-http"``
    or ``"sse"``) with ``custom_routes`` (``custom_route``'s ``(path, methods, name,
    include_in_schema, handler)``), or None without Starlette and custom routes (see the
    module documentation)."""
    try:
        from starlette.applications import Starlette  # type: ignore[import-not-found, unused-ignore]  # optional dependency
        from starlette.routing import Mount, Route  # type: ignore[import-not-found, unused-ignore]  # optional dependency
    except ImportError:
        if custom_routes:
            raise
        return None
    routes: List[Any] = []
    legacy = engine.legacy_sse_paths
    if transport == "sse" and legacy is not None:
        stream, messages = legacy
        prefix = messages.rstrip("/")
        routes.append(Route(stream, endpoint=engine, methods=["GET"]))
        routes.append(Mount(prefix, app=_Unmounted(engine, prefix)))
    else:
        routes.append(Route(engine.path, endpoint=engine))
    routes += [Route(p, h, methods=m, name=n, include_in_schema=i) for p, m, n, i, h in custom_routes]
    app: Any = _routed(Starlette)(routes=routes, lifespan=engine.lifespan)
    app.engine_path = None if transport == "sse" else engine.path
    app.router.default = engine
    app.router.redirect_slashes = False
    app.lifespan = engine.lifespan
    app.shutdown = engine.shutdown
    return app


@functools.lru_cache(maxsize=None)
def _routed(starlette: Any) -> Any:
    """The Starlette application class with the endpoint's direct way (see the module
    documentation), made once Starlette is imported."""

    class Routed(starlette):  # type: ignore[misc]
        """A Starlette application whose requests for ``engine_path`` (when not None) go to
        the router's default, the engine app, while no middleware was added."""

        engine_path: Optional[str] = None

        async def __call__(self, scope: "Scope", receive: "Receive", send: "Send") -> None:
            if scope["type"] == "http" and not self.user_middleware and self.engine_path is not None:
                path: str = scope["path"]
                root: str = scope.get("root_path") or ""
                if (path[len(root) :] if root and path.startswith(root) else path) == self.engine_path:
                    scope["app"] = self
                    await self.router.default(scope, receive, send)
                    return
            await super().__call__(scope, receive, send)

    return Routed


class _Unmounted:
    """The engine app under a ``Mount``: Starlette adds the mount's prefix to ``root_path``
    (older releases also cut it from ``path``), and the engine reads paths relative to the
    Starlette application's own mount point, so the prefix is given back."""

    def __init__(self, app: McpAsgiApp, prefix: str) -> None:
        self._app = app
        self._prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        root: str = scope.get("root_path") or ""
        if self._prefix and root.endswith(self._prefix):
            path: str = scope.get("path") or "/"
            scope = {**scope, "root_path": root[: -len(self._prefix)]}
            if not path.startswith(root):  # the prefix was cut from the path
                scope["path"] = self._prefix + path
        await self._app(scope, receive, send)

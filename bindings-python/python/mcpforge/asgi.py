"""ASGI: a server's MCP endpoint as an ASGI application, to mount in Starlette or FastAPI or
to run under any ASGI server (uvicorn, hypercorn).

The engine does the work, as for its own listener: both protocol eras, SSE streaming,
sessions and ``Last-Event-ID`` resumption, the ``Host``/``Origin`` allow-lists, bearer tokens
and the body cap. This module only moves bytes between ASGI messages and the engine: it
collects the request body (up to ``max_body``), hands the request over, then sends the
answer's head and each chunk of its body as the engine produces it. A client that
disconnects cancels its request, as it does on the engine's listener. The client's address
(``scope["client"]``, the TCP peer the ASGI server saw) goes with each request, so the bounds
kept per client (sessions, the rate limit of requests without a session) count clients as on
the engine's listener. Async handlers run on the ASGI server's event loop.

The application serves the MCP path it was made with (``/mcp`` by default) relative to where
it is mounted, plus ``/healthz`` and ``/readyz``; other paths get 404. WebSocket is not served
through ASGI (use the engine's own listener with ``websocket=True``).
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable, List, MutableMapping, Optional, Tuple

from ._futures import resolver
from ._native import NativeExchange, NativeHttpApp

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class McpAsgiApp:
    """An ASGI 3 application answering MCP requests with the engine (made by
    ``Server.asgi_app``; see the module's documentation)."""

    def __init__(
        self,
        native: NativeHttpApp,
        on_call: Callable[[Any], None],
        start: Callable[[], Awaitable[None]],
        stop: Callable[[], Awaitable[None]],
    ) -> None:
        self._native = native
        self._on_call = on_call
        self._start = start
        self._stop = stop

    # ----- what the engine serves (read by the Starlette apps, ``_starlette_app``) ----------

    @property
    def path(self) -> str:
        """The Streamable HTTP endpoint's path, relative to the mount point."""
        return self._native.path

    @property
    def legacy_sse_paths(self) -> Optional[Tuple[str, str]]:
        """The HTTP+SSE transport's stream and message paths, or None when it is off."""
        return self._native.legacy_sse_paths

    @property
    def max_body(self) -> int:
        """The request body cap, in bytes (larger bodies are answered 413)."""
        return self._native.max_body

    @property
    def session_idle_timeout(self) -> float:
        """Seconds a session may stay idle before the engine closes it."""
        return self._native.session_idle_timeout

    @property
    def max_sessions(self) -> int:
        """The most sessions the engine keeps at once."""
        return self._native.max_sessions

    async def shutdown(self) -> None:
        """Stops the server gracefully and returns once its running requests have finished,
        or been cancelled and answered after the grace period."""
        loop = asyncio.get_running_loop()
        drained: "asyncio.Future[Any]" = loop.create_future()
        self._native.shutdown(resolver(loop, drained))
        await drained

    @asynccontextmanager
    async def lifespan(self, app: Any = None) -> AsyncIterator[None]:
        """For the host application's lifespan, which frameworks do not pass on to mounted
        applications: ``FastAPI(lifespan=mcp.lifespan)``, or ``async with
        mcp.lifespan():`` inside a lifespan of your own. The server's own ``lifespan`` is
        entered on the way in; on the way out the server drains, then it is exited."""
        await self._start()
        try:
            yield
        finally:
            try:
                await self.shutdown()
            finally:
                await self._stop()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            self._on_call(asyncio.get_running_loop())
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1003, "reason": "MCP over WebSocket is not served here"})
        else:
            raise ValueError(f"unsupported ASGI scope type {kind!r}")

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        """Run as the top-level application: the server's ``lifespan`` is entered at startup
        (a failure fails the startup); at shutdown the server drains (see ``shutdown``),
        then the lifespan is exited."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self._start()
                except Exception as e:
                    await send({"type": "lifespan.startup.failed", "message": str(e)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                try:
                    await self.shutdown()
                finally:
                    await self._stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await _read_body(receive, self._native.max_body)
        if body is None:
            return  # the client left before sending its request
        loop = asyncio.get_running_loop()
        head: "asyncio.Future[Any]" = loop.create_future()
        exchange = self._native.handle(scope["method"], _target(scope), _headers(scope), body, resolver(loop, head), _client(scope))
        # The client going away cancels the exchange, which then answers None to what is
        # awaited below: no waiting on two things at once per step.
        left = loop.create_task(_disconnected(receive))

        def gone(_: "asyncio.Future[None]") -> None:
            exchange.cancel()

        left.add_done_callback(gone)
        try:
            try:
                answered = await head
            except ValueError as e:  # not a request the engine can take (a bad method or path)
                await _plain(send, 400, str(e))
                return
            if answered is None:
                return
            status, headers, whole = answered
            if whole is not None:
                # A JSON (or empty) answer, complete: one piece with its length.
                if not any(name == b"content-length" for name, _ in headers):
                    headers.append((b"content-length", str(len(whole)).encode()))
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": whole})
                return
            await send({"type": "http.response.start", "status": status, "headers": headers})
            while True:
                chunk = await _next_chunk(exchange, loop)
                if chunk is None:
                    break
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            if not left.done():
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            left.remove_done_callback(gone)
            left.cancel()
            exchange.cancel()  # finished, or abandoned (this task was cancelled)


async def _plain(send: Send, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": text.encode()})


def _target(scope: Scope) -> str:
    """The path relative to the mount point, with the query string."""
    path: str = scope.get("path") or "/"
    root: str = scope.get("root_path") or ""
    if root and path.startswith(root):
        # Starlette's Mount keeps the full path and names the mount point in root_path.
        path = path[len(root) :] or "/"
    query: bytes = scope.get("query_string") or b""
    return path + ("?" + query.decode("latin-1") if query else "")


def _client(scope: Scope) -> Optional[Tuple[str, int]]:
    """The client's address as the ASGI server gives it (``scope["client"]``, the TCP peer):
    ``(host, port)``, or None when the server gives none; the engine ignores a host that is
    not an IP address (a unix socket's path)."""
    client = scope.get("client")
    if not client or len(client) != 2 or not isinstance(client[0], str):
        return None
    port = client[1]
    return client[0], port if isinstance(port, int) and 0 <= port <= 65535 else 0


def _headers(scope: Scope) -> List[Tuple[bytes, bytes]]:
    return [(bytes(name), bytes(value)) for name, value in scope.get("headers") or []]


async def _read_body(receive: Receive, limit: int) -> Optional[bytes]:
    """The request body, collected up to ``limit + 1`` bytes (the engine answers 413 past
    ``limit``; the rest is read and dropped); ``None`` if the client disconnected."""
    parts: List[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk: bytes = message.get("body") or b""
        if size <= limit:
            parts.append(chunk[: limit + 1 - size])
            size += len(parts[-1])
        if not message.get("more_body", False):
            return b"".join(parts)


async def _disconnected(receive: Receive) -> None:
    """Returns when the client disconnects."""
    while (await receive())["type"] != "http.disconnect":
        pass


def _next_chunk(exchange: NativeExchange, loop: asyncio.AbstractEventLoop) -> "asyncio.Future[Any]":
    future: "asyncio.Future[Any]" = loop.create_future()
    exchange.next_chunk(resolver(loop, future))
    return future

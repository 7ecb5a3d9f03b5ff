"""``Serving``: a ``Server`` serving until it stops: ``run`` (stdio or Streamable HTTP),
``serve`` (a program's ``main``: SIGTERM too, and no ``KeyboardInterrupt``), ``run_async`` on
the caller's loop (and the official SDK's ``run_*_async`` names), ``shutdown``, and Ctrl-C.

Also how the arguments of a ``run`` call (and of the ASGI apps, ``_asgi_apps``) become the
engine's HTTP settings: the constructor's defaults (``_defaults``), the option names the
engine knows, and the option names of a drop-in layer, which that layer installs here with
``accept_option_names`` (``mcpforge.sdk.mcpserver`` installs the official SDK's), so that this
module never imports it."""

from __future__ import annotations

import inspect
import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from ._announce import announcing
from ._core import ServerCore, drop_none
from ._futures import resolver
from ._invoke import binding, failures, results, wrappers
from ._served import Served
from ._native import http_option_names, init_logging
from .auth import AuthSettings

__all__ = ["Serving", "accept_option_names"]

# The keywords of ``run("http", ...)``: the engine's HTTP option names (durations in
# seconds), so that a misspelled one raises TypeError before anything starts.
_HTTP_OPTIONS = frozenset(http_option_names())

OptionNames = Callable[[str, Dict[str, Any]], Dict[str, Any]]


def _own_names(transport: str, options: Dict[str, Any]) -> Dict[str, Any]:
    return dict(options)


# Reads the keywords of a ``run`` call before they are checked against ``_HTTP_OPTIONS``:
# mcpforge's own names as they are, unless a drop-in layer installed its names.
_option_names: OptionNames = _own_names


def accept_option_names(translate: OptionNames) -> None:
    """Makes every server's ``run``, ``run_async`` and ASGI apps (and a constructor's HTTP
    defaults) accept other option names: ``translate(transport, options)`` returns the
    options under mcpforge's names. The drop-in layer calls it once, when imported."""
    global _option_names
    _option_names = translate


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


class Serving(ServerCore):
    """Serving until stopped, and the settings a ``run`` call resolves to (see the module
    documentation)."""

    def _http(self, host: str, port: int, path: str, auth: Optional[AuthSettings], options: Dict[str, Any]) -> Tuple[Dict[str, Any], Any]:
        unknown = set(options) - _HTTP_OPTIONS
        if unknown:
            raise TypeError(f"unknown HTTP options: {', '.join(sorted(unknown))}")
        settings = {"host": host, "port": port, "path": path, **drop_none(options)}
        for name in ("tls_cert", "tls_key"):
            if name in settings:  # a pathlib.Path is welcome
                settings[name] = os.fspath(settings[name])
        verifier = None
        if auth is not None:
            settings["auth"] = auth.options()
        if auth is not None and auth.verifier is not None:
            fn = auth.verifier
            is_async = wrappers.is_async(fn)
            params = [p for p in inspect.signature(fn).parameters]
            if len(params) != 1:
                raise TypeError("the token verifier takes exactly one argument, the token")
            bind = binding.bind_verifier(params[0])
            invoker = wrappers.wrapper(fn, is_async, bind, results.verifier_finish, self._loop_of(), failures.verifier_failure)
            verifier = (invoker, is_async)
        return settings, verifier

    def _transport(self, transport: str, host: Optional[str], port: Optional[int], path: Optional[str], options: Dict[str, Any]) -> Tuple[str, str, int, str, Dict[str, Any]]:
        """Resolves a ``run`` call: the transport (``stdio`` or ``http``), the address, and the
        HTTP options, with a drop-in layer's option names translated (``accept_option_names``)
        and the constructor's HTTP settings as defaults."""
        if transport not in ("stdio", "http", "streamable-http", "sse"):
            raise ValueError(f"unknown transport {transport!r} (use 'stdio', 'http', 'streamable-http' or 'sse')")
        defaults = self._defaults()
        # The constructor's HTTP options (FastMCP's sse_path, ...) are defaults for HTTP only.
        translated = _option_names(transport, {**(defaults.get("options", {}) if transport != "stdio" else {}), **options})
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
    ) -> Served:
        """Serves until stdin closes (stdio) or Ctrl-C, which raises ``KeyboardInterrupt``
        after a graceful shutdown. The ``lifespan`` runs around serving. Returns a finished
        coroutine (``Served``), so that ``asyncio.run(server.run())`` ends cleanly too.

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
        ``max_sessions``, ``max_sessions_per_client``, ``sse_keepalive``, ``cancel_on_disconnect``
        (``"unresumable"``, ``"never"`` or ``"always"``: when a legacy session's request is
        cancelled by its client closing the connection), ``legacy_sse``, ``sse_path``, ``messages_path``, ``metrics`` (Prometheus
        ``/metrics``), ``websocket`` (MCP over WebSocket at ``path`` too), the connection
        limits ``max_connections``, ``header_timeout``, ``idle_timeout`` and
        ``body_timeout`` (seconds; docs/SECURITY.md), ``shared_store`` (``"redis://host:port/db"``:
        the instances of a server given the same store share their legacy sessions; default:
        the environment variable ``MCPFORGE_SHARED_STORE``), ``tls_cert`` and ``tls_key`` (PEM
        files: serve HTTPS; docs/http.md), and ``auth`` (``AuthSettings`` with
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
                self._native.serve_http(settings, verifier, announcing(path, on_ready, _scheme(settings)))
        return Served()

    def serve(self, http: Optional[str] = None, **http_options: Any) -> None:
        """The usual ``main`` of a server program: serves stdio, or Streamable HTTP at
        ``http`` (``"HOST:PORT"``, e.g. the value of a ``--http`` flag; ``[::1]:3000`` for
        IPv6) with ``http_options`` as for ``run``, until stdin closes, Ctrl-C or SIGTERM
        (what container runtimes send), then returns after a graceful shutdown instead of
        raising ``KeyboardInterrupt``. From the main thread, SIGTERM is ignored once serving
        has ended, so a repeated one cannot kill the process while it exits."""
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
        import asyncio  # loaded on use

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
                announcing(path, on_ready, _scheme(settings))(*bound)
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

    async def _wait(self, finished: Any) -> None:
        import asyncio  # loaded on use

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


def _scheme(settings: Dict[str, Any]) -> str:
    """``https`` when the settings (or the environment, as the engine reads it) give the
    listener a certificate, else ``http``."""
    from_env = bool(os.environ.get("MCPFORGE_TLS_CERT")) and bool(os.environ.get("MCPFORGE_TLS_KEY"))
    return "https" if settings.get("tls_cert") is not None or from_env else "http"


def _http_address(text: str) -> Tuple[str, int]:
    """``"HOST:PORT"`` (``"[::1]:PORT"``, or ``":PORT"`` for 127.0.0.1) as ``(host, port)``."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"expected HOST:PORT for the HTTP address, not {text!r}")
    return host.strip("[]") or "127.0.0.1", int(port)

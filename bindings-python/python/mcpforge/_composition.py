"""``Composition``: mounting other MCP servers into a ``Server`` (``mount``) and a server
that serves another's catalogue (``as_proxy``). The engine does the work
(``mcpforge::proxy``): a mounted server of this process is reached in memory, as
``Client(server)`` reaches it; an ``Upstream`` through the engine's client. Mounted tools
and prompts are served as ``PREFIX_NAME``, resource URIs as ``SCHEME://PREFIX/REST``, with
this server's catalogue, scopes, rate limits and middleware (docs/gateway.md)."""

from __future__ import annotations

from typing import Any, List, Optional, Type, TypeVar, Union

from ._core import ServerCore
from .upstream import Upstream

__all__ = ["Composition"]

S = TypeVar("S", bound="Composition")


class Composition(ServerCore):
    """``mount`` and ``as_proxy`` (see the module documentation)."""

    # The servers of this process mounted here, kept alive as long as this server is.
    _mounted: List[Any]

    def mount(
        self,
        server: Any = None,
        prefix: Optional[str] = None,
        *,
        mode: Optional[str] = None,
        name: Optional[str] = None,
    ) -> None:
        """Serves ``server``'s tools, prompts, resources, templates and completions beside
        this server's own: ``server`` is a ``Server`` (or ``MCPServer``) of this process or
        an ``Upstream`` (a command or a URL). With ``prefix``, its tool and prompt ``x`` is
        served as ``PREFIX_x`` and its resource ``scheme://rest`` as
        ``scheme://PREFIX/rest``. Both orders are taken: ``mount(server, prefix="p")`` and
        ``mount("p", server)``. ``mode`` overrides the upstream's: ``"shared"`` (one connection
        for every client; the default for a server of this process) or ``"per-session"``
        (one per client session; the default for an ``Upstream``, refused to requests
        without a session, the 2026-07-28 wire over HTTP); ``name`` names it in errors and
        logs.

        Waits for the mounted server's first catalogue (at most 10 seconds for a command or
        URL; one not up by then keeps being started, and its items appear when it is). A
        mounted server's list changes reach this server's clients; a command's child is
        stopped when this server shuts down."""
        if isinstance(server, str) and not isinstance(prefix, str) and prefix is not None:
            server, prefix = prefix, server
        if isinstance(server, Upstream):
            entry = dict(server.entry)
            native = None
            label = name or prefix or server.name
        elif isinstance(server, ServerCore):
            entry = {}
            native = server._native
            label = name or prefix or server.name
            self._mounted.append(server)
        else:
            raise TypeError(f"mount takes a Server or an Upstream, not {type(server).__name__}")
        if prefix is not None:
            entry["prefix"] = prefix
        if mode is not None:
            entry["mode"] = mode
        self._native.mount(label, entry, native)

    @classmethod
    def as_proxy(
        cls: Type[S], upstream: Union[Upstream, "ServerCore", str], name: Optional[str] = None, **options: Any
    ) -> S:
        """A server whose catalogue is ``upstream``'s, every request forwarded to it:
        ``Server.as_proxy(Upstream.command(["uvx", "mcp-server-time"]), name="time")``. A
        string is a Streamable HTTP URL. ``options`` are the constructor's (limits, rate
        limits, metrics, ...); serve the result as any server."""
        if isinstance(upstream, str):
            upstream = Upstream.url(upstream)
        label = name or upstream.name
        for kind in ("enable_tools", "enable_resources", "enable_prompts"):
            options.setdefault(kind, True)
        server = cls(label, **options)  # type: ignore[call-arg]
        server.mount(upstream)
        return server

"""The official high-level servers' ``settings``: what the constructor was given, readable
and writable as ``server.settings``. ``ServerSettings`` is ``MCPServer``'s (2.x: ``debug``,
``log_level``, the ``warn_on_duplicate_*`` flags, ``dependencies``, ``lifespan``,
``auth``); ``Settings`` is ``FastMCP``'s (1.x), with its HTTP settings too, which are
``run``'s and the HTTP apps' defaults. As in 1.x, a loopback ``host`` without
``transport_security`` gets the loopback DNS-rebinding protection filled in
(``TransportSecurity``, read by the engine as the official ``TransportSecuritySettings``;
``for_host``). Plain classes, not pydantic models: mcpforge does not depend on pydantic;
where pydantic-settings is installed, ``FastMCP`` makes its settings with the pydantic model
of ``settings_model`` instead, as 1.x's are. Part of the drop-in layer."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, List, Optional, Sequence

__all__ = ["ServerSettings", "Settings", "TransportSecurity", "LOOPBACK_HOSTS", "for_host"]

# The hosts 1.x fills the loopback protection in for.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# The official defaults of 1.x's HTTP settings that the engine's differ from.
DEFAULT_SESSION_IDLE_TIMEOUT = 30 * 60.0
DEFAULT_MAX_SESSIONS = 10_000
DEFAULT_MAX_REQUEST_BODY_SIZE = 4 * 1024 * 1024


@dataclasses.dataclass
class TransportSecurity:
    """The official ``TransportSecuritySettings``' fields (``host:port`` patterns, ``*`` for
    any port; the engine compares names only)."""

    enable_dns_rebinding_protection: bool = True
    allowed_hosts: List[str] = dataclasses.field(default_factory=list)
    allowed_origins: List[str] = dataclasses.field(default_factory=list)

    @classmethod
    def loopback(cls) -> "TransportSecurity":
        """What 1.x fills in for a loopback host."""
        return cls(
            True,
            ["127.0.0.1:*", "localhost:*", "[::1]:*"],
            ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
        )


class ServerSettings:
    """``MCPServer``'s settings (2.x)."""

    def __init__(
        self,
        *,
        debug: bool = False,
        log_level: str = "INFO",
        warn_on_duplicate_resources: bool = True,
        warn_on_duplicate_tools: bool = True,
        warn_on_duplicate_prompts: bool = True,
        dependencies: Sequence[str] = (),
        lifespan: Optional[Callable[[Any], Any]] = None,
        auth: Any = None,
    ) -> None:
        self.debug, self.log_level = debug, log_level
        self.warn_on_duplicate_resources = warn_on_duplicate_resources
        self.warn_on_duplicate_tools = warn_on_duplicate_tools
        self.warn_on_duplicate_prompts = warn_on_duplicate_prompts
        # Read by `mcp install` / `mcp dev` in the official SDK; mcpforge keeps it.
        self.dependencies = list(dependencies)
        self.lifespan = lifespan
        self.auth = auth


class Settings(ServerSettings):
    """``FastMCP``'s settings (1.x): ``ServerSettings`` and the HTTP settings, the defaults of
    ``run`` and of the HTTP apps; also ``mcpforge.server.Settings``, the official module path
    (set by ``mcpforge.sdk.mcpserver``). ``session_idle_timeout`` and ``max_sessions`` of None
    leave the engine's bounds (10 minutes idle, 10 000 sessions): the engine always bounds
    sessions, where 1.x takes None for no bound."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        mount_path: str = "/",
        sse_path: str = "/sse",
        message_path: str = "/messages/",
        streamable_http_path: str = "/mcp",
        json_response: bool = False,
        stateless_http: bool = False,
        max_request_body_size: Optional[int] = DEFAULT_MAX_REQUEST_BODY_SIZE,
        session_idle_timeout: Optional[float] = DEFAULT_SESSION_IDLE_TIMEOUT,
        max_sessions: Optional[int] = DEFAULT_MAX_SESSIONS,
        transport_security: Any = None,
        **server: Any,
    ) -> None:
        super().__init__(**server)
        self.host, self.port, self.mount_path = host, port, mount_path
        self.streamable_http_path, self.sse_path, self.message_path = streamable_http_path, sse_path, message_path
        # Accepted, as the engine decides: JSON or SSE per answer, and the stateless wire
        # next to sessions.
        self.json_response, self.stateless_http = json_response, stateless_http
        # The request body cap of the HTTP apps and `run`, in bytes.
        self.max_request_body_size = max_request_body_size
        self.session_idle_timeout, self.max_sessions = session_idle_timeout, max_sessions
        self.transport_security = for_host(host, transport_security)


def for_host(host: str, transport_security: Any) -> Any:
    """``transport_security`` as given, or, when None and ``host`` is a loopback host, the
    loopback protection 1.x fills in."""
    if transport_security is None and host in LOOPBACK_HOSTS:
        return TransportSecurity.loopback()
    return transport_security

"""1.x's ``FastMCP`` ``Settings`` as the official class is: a pydantic-settings model, so that
its fields are checked when it is made (``log_level`` one of the five names, ``port`` an
integer, ...), it is complete at import (``Settings.__pydantic_complete__``) and a field not
given is read from its ``FASTMCP_`` environment variable. Loaded on first use, where
pydantic-settings is installed (the official 1.x package brings it): ``FastMCP`` and
``mcpforge.server.Settings`` take it from ``mcpforge.sdk.mcpserver.settings_class``, and the
plain ``mcpforge.sdk.settings.Settings`` stands in without pydantic-settings. The defaults
are 1.x's. Part of the drop-in layer."""

from __future__ import annotations

from typing import Any, Generic, List, Literal, Optional, TypeVar

from pydantic_settings import BaseSettings, SettingsConfigDict  # type: ignore[import-not-found, unused-ignore]  # optional dependency: the official 1.x package brings it

from .settings import DEFAULT_MAX_REQUEST_BODY_SIZE, DEFAULT_MAX_SESSIONS, DEFAULT_SESSION_IDLE_TIMEOUT

__all__ = ["Settings"]

LifespanResultT = TypeVar("LifespanResultT")


class Settings(BaseSettings, Generic[LifespanResultT]):  # type: ignore[misc, unused-ignore]  # pydantic-settings may be untyped here
    """``FastMCP``'s settings (1.x), a pydantic-settings model (see the module)."""

    model_config = SettingsConfigDict(env_prefix="FASTMCP_", extra="ignore", arbitrary_types_allowed=True)

    debug: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    host: str = "127.0.0.1"
    port: int = 8000
    mount_path: str = "/"
    sse_path: str = "/sse"
    message_path: str = "/messages/"
    streamable_http_path: str = "/mcp"
    json_response: bool = False
    stateless_http: bool = False
    max_request_body_size: Optional[int] = DEFAULT_MAX_REQUEST_BODY_SIZE
    session_idle_timeout: Optional[float] = DEFAULT_SESSION_IDLE_TIMEOUT
    max_sessions: Optional[int] = DEFAULT_MAX_SESSIONS
    warn_on_duplicate_resources: bool = True
    warn_on_duplicate_tools: bool = True
    warn_on_duplicate_prompts: bool = True
    dependencies: List[str] = []
    lifespan: Any = None
    auth: Any = None
    transport_security: Any = None

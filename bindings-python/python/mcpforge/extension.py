"""Extensions (SEP-2133) as the official 2.x ``mcp.server.extension`` module offers them: an
``Extension`` is an opt-in bundle a server takes with ``MCPServer(extensions=[...])``,
identified by a ``vendor-prefix/name`` string and advertised under the 2026 ``extensions``
capability with its ``settings()``. It contributes tools (``ToolBinding``), resources
(``ResourceBinding``), request methods of its own (``MethodBinding``, optionally only on some
protocol versions) and one ``tools/call`` interceptor (``intercept_tool_call``).

``MCPServer`` takes these classes and the official package's alike (``mcpforge.sdk.extensions``
applies them); the subclass overrides only what it contributes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, FrozenSet, Optional, Sequence

__all__ = ["Extension", "MethodBinding", "ResourceBinding", "ToolBinding", "validate_extension_identifier", "SPEC_CLIENT_METHODS"]

# `vendor-prefix/name`: dot-separated labels (a letter first, a letter or digit last), a slash,
# then a name starting and ending with a letter or digit.
_LABEL = r"[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_IDENTIFIER = re.compile(rf"{_LABEL}(?:\.{_LABEL})*/{_NAME}")

# The requests of the protocol itself a client sends: an extension may not bind them.
SPEC_CLIENT_METHODS = frozenset({
    "completion/complete", "initialize", "logging/setLevel", "ping", "prompts/get", "prompts/list",
    "resources/list", "resources/read", "resources/subscribe", "resources/templates/list",
    "resources/unsubscribe", "server/discover", "subscriptions/listen", "tools/call", "tools/list",
})


def validate_extension_identifier(identifier: Any, *, owner: str) -> None:
    """Raises ``TypeError`` unless ``identifier`` is a ``vendor-prefix/name`` string."""
    if not isinstance(identifier, str) or not _IDENTIFIER.fullmatch(identifier):
        raise TypeError(f"{owner}.identifier must be a `vendor-prefix/name` string (reverse-DNS prefix required), got {identifier!r}")


@dataclass(frozen=True)
class ToolBinding:
    """A tool an extension contributes: its function, the ``_meta`` it carries, and other
    ``add_tool`` options."""

    fn: Callable[..., Any]
    meta: Optional[Dict[str, Any]] = None
    kwargs: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ResourceBinding:
    """A resource object (``TextResource``, ``FunctionResource``, ...) an extension contributes."""

    resource: Any


@dataclass(frozen=True)
class MethodBinding:
    """A request method an extension serves: ``await handler(ctx, params)`` with the params
    checked against ``params_type`` (a pydantic model). ``protocol_versions``, when given,
    serves it only on those protocol versions (elsewhere -32601, as an unknown method)."""

    method: str
    params_type: Any
    handler: Callable[..., Awaitable[Any]]
    protocol_versions: Optional[FrozenSet[str]] = None

    def __post_init__(self) -> None:
        if self.method in SPEC_CLIENT_METHODS:
            raise ValueError(
                f"MethodBinding cannot bind spec method {self.method!r}; extension methods are "
                "additive — use Extension.intercept_tool_call or Server.middleware to wrap core behaviour"
            )
        if self.protocol_versions is not None and not self.protocol_versions:
            raise ValueError(
                f"MethodBinding for {self.method!r} has an empty protocol_versions set, so it could "
                "never be served; use None to admit every version"
            )


class Extension:
    """An opt-in extension: set ``identifier`` and override what it contributes."""

    identifier: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        identifier = cls.__dict__.get("identifier")
        if identifier is not None:
            validate_extension_identifier(identifier, owner=cls.__name__)

    def settings(self) -> Dict[str, Any]:
        """What is advertised under ``capabilities.extensions[identifier]`` (nothing by default)."""
        return {}

    def tools(self) -> Sequence[ToolBinding]:
        """The tools it contributes."""
        return ()

    def resources(self) -> Sequence[ResourceBinding]:
        """The resources it contributes."""
        return ()

    def methods(self) -> Sequence[MethodBinding]:
        """The request methods it serves."""
        return ()

    async def intercept_tool_call(self, params: Any, ctx: Any, call_next: Callable[[Any], Awaitable[Any]]) -> Any:
        """Wraps ``tools/call``: return a result of its own, or ``await call_next(ctx)``
        (the default) for the tool's. ``params`` are the call's (name, arguments)."""
        return await call_next(ctx)

"""Bearer-token authorization for the HTTP transport: ``AuthSettings`` (this server as an
OAuth resource server, with a ``verifier`` you write or the engine's built-in ``jwt`` or
``introspection`` verifier) and ``AuthInfo`` (what a token
grants; handlers read it as ``ctx.auth``)."""

from __future__ import annotations

import dataclasses
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Union

__all__ = ["AuthInfo", "AuthSettings", "Verifier", "from_sdk"]


@dataclasses.dataclass
class AuthInfo:
    """What a verified token grants."""

    subject: Optional[str] = None
    scopes: List[str] = dataclasses.field(default_factory=list)
    client_id: Optional[str] = None
    extra: Any = None

    def has_scope(self, scope: str) -> bool:
        """True when the token grants ``scope``."""
        return scope in self.scopes


def grant_of(value: Any) -> Optional[AuthInfo]:
    """The grant in the engine's JSON form (``{subject, scopes, clientId, extra}``), or None."""
    if not isinstance(value, dict):
        return None
    return AuthInfo(value.get("subject"), list(value.get("scopes") or []), value.get("clientId"), value.get("extra"))


Verifier = Callable[[str], Union[Optional[AuthInfo], Awaitable[Optional[AuthInfo]]]]
"""``verifier(token)`` returns the grant, or None (or raises ``AuthError``) to refuse; a
plain function runs on the worker pool, a coroutine function on the asyncio loop. It must
check the signature or introspect the token, its expiry, issuer and audience."""


@dataclasses.dataclass
class AuthSettings:
    """Bearer authorization of every MCP request, with RFC 9728 metadata.

    ``resource`` is this server's URL as clients use it (e.g. ``http://127.0.0.1:8000/mcp``);
    ``authorization_servers`` the issuers clients get tokens from; ``required_scopes`` the
    scopes every request needs (403 without them). Tokens are checked by ``verifier``, or by
    the engine itself: ``jwt`` (signed tokens against the issuer's keys) or ``introspection``
    (opaque tokens, RFC 7662), or ``proxy`` (the server is the authorization server in front
    of an identity provider without registration, and checks its own tokens), whose options
    docs/auth.md lists; give one of these ways."""

    verifier: Optional[Verifier] = None
    resource: str = ""
    authorization_servers: Sequence[str] = ()
    scopes_supported: Sequence[str] = ()
    required_scopes: Sequence[str] = ()
    resource_name: Optional[str] = None
    jwt: Optional[Dict[str, Any]] = None
    introspection: Optional[Dict[str, Any]] = None
    proxy: Optional[Dict[str, Any]] = None

    def __post_init__(self) -> None:
        if not self.resource:
            raise ValueError("AuthSettings needs resource: this server's URL as clients use it")
        builtin = self.jwt is not None or self.introspection is not None or self.proxy is not None
        if self.verifier is None and not builtin:
            raise ValueError("AuthSettings needs a verifier, or jwt=, introspection= or proxy= options")
        if self.verifier is not None and builtin:
            raise ValueError("AuthSettings takes a verifier or jwt=/introspection=/proxy= options, not both")

    def options(self) -> Dict[str, Any]:
        """The settings the engine reads (everything but the verifier)."""
        return {
            "resource": self.resource,
            "authorization_servers": list(self.authorization_servers),
            "scopes_supported": list(self.scopes_supported),
            "required_scopes": list(self.required_scopes),
            "resource_name": self.resource_name,
            **({"jwt": self.jwt} if self.jwt is not None else {}),
            **({"introspection": self.introspection} if self.introspection is not None else {}),
            **({"proxy": self.proxy} if self.proxy is not None else {}),
        }


def from_sdk(token_verifier: Any, settings: Any) -> AuthSettings:
    """``AuthSettings`` from the official SDK's pair: a ``TokenVerifier`` (``async
    verify_token(token)`` returning an ``AccessToken`` with ``client_id``, ``scopes`` and
    ``subject``/``claims`` where present, or None) and its ``AuthSettings`` (``issuer_url``,
    ``resource_server_url``, ``required_scopes``, ``service_documentation_url`` unused)."""
    if token_verifier is None:
        raise ValueError("auth settings need a token_verifier: mcpforge verifies tokens but is not an authorization server")
    if settings is None or getattr(settings, "resource_server_url", None) is None:
        raise ValueError("a token_verifier needs auth=AuthSettings(issuer_url=..., resource_server_url=...)")

    async def verifier(token: str) -> Optional[AuthInfo]:
        access = await token_verifier.verify_token(token)
        if access is None:
            return None
        subject = getattr(access, "subject", None) or getattr(access, "client_id", None)
        return AuthInfo(subject, list(getattr(access, "scopes", None) or []), getattr(access, "client_id", None))

    issuer = getattr(settings, "issuer_url", None)
    return AuthSettings(
        verifier,
        resource=str(settings.resource_server_url),
        authorization_servers=[str(issuer)] if issuer is not None else [],
        required_scopes=list(getattr(settings, "required_scopes", None) or []),
    )

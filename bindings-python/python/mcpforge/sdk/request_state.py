"""``RequestStateSecurity``: the official 2.x policy for sealing ``requestState`` (2026-07-28's
multi-round-trip requests), taken by ``MCPServer(request_state_security=...)`` and turned into
the engine's own options.

``MCPServer`` has the engine seal ``requestState`` in the official format (AES-256-GCM under
keys derived with HKDF-SHA256, around the official envelope of claims: expiry, the request it
belongs to, the audience and the caller): a state sealed by an official server holding the
same keys and audience opens here, and the other way round. ``keys`` is the ring (the first
seals, every one opens), bytes or text as the official class takes them, text being its UTF-8
bytes, each at least 32 bytes; ``audience`` defaults to the server's name, as there; ``ttl``
is the state's lifetime. What the engine cannot do raises ``NotImplementedError`` when the
policy is made, so that a server relying on it does not start quietly without it: a codec of
the program's own (``codec=``: the engine seals, not Python code) and a principal binding
other than the official default (the engine binds state to the authenticated caller it
knows). ``codec`` is the official ``AESGCMRequestStateCodec`` over the same keys, for code
that opens or seals tokens itself (it needs the official package)."""

from __future__ import annotations

import math
import os
from typing import Any, Dict, List, Optional, Sequence, Union

__all__ = ["AESGCMRequestStateCodec", "RequestStateBoundary", "RequestStateSecurity", "official_state"]

Key = Union[bytes, bytearray, str]

# The official default for ``bind_principal`` is its ``authenticated_principal`` function;
# the engine's own binding stands for it, so only that default (or None) is taken.
_DEFAULT_BINDING = "authenticated_principal"


class RequestStateSecurity:
    """``RequestStateSecurity(keys=[secret], ttl=600.0, audience=None)`` (see the module
    documentation)."""

    def __init__(
        self,
        *,
        keys: Optional[Sequence[Key]] = None,
        codec: Any = None,
        ttl: float = 600.0,
        bind_principal: Any = _DEFAULT_BINDING,
        audience: Optional[str] = None,
    ) -> None:
        if (keys is None) == (codec is None):
            raise ValueError("RequestStateSecurity takes exactly one of keys= or codec=")
        if not (math.isfinite(ttl) and ttl > 0):
            raise ValueError(f"request-state ttl must be a positive finite number, got {ttl!r}")
        if codec is not None:
            raise NotImplementedError("RequestStateSecurity(codec=...): the engine seals requestState itself; give keys=[...]")
        assert keys is not None
        material = [_key_bytes(i, k) for i, k in enumerate(keys)]
        if not material:
            raise ValueError("RequestStateSecurity requires at least one key")
        if len(set(material)) != len(material):
            raise ValueError("RequestStateSecurity: a key of the ring repeats an earlier one")
        if bind_principal is not None and getattr(bind_principal, "__name__", bind_principal) != _DEFAULT_BINDING:
            raise NotImplementedError("RequestStateSecurity(bind_principal=...): the engine binds state to the authenticated caller")
        self.ttl = ttl
        self.bind_principal = bind_principal
        self.audience = audience
        self._keys: List[bytes] = material

    @classmethod
    def ephemeral(cls, *, ttl: float = 600.0, audience: Optional[str] = None) -> "RequestStateSecurity":
        """A key made now and held by this process only (the official default)."""
        return cls(keys=[os.urandom(32)], ttl=ttl, audience=audience)

    @property
    def codec(self) -> Any:
        """The official ``AESGCMRequestStateCodec`` over this ring (the engine's format)."""
        from mcp.server.request_state import AESGCMRequestStateCodec  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        return AESGCMRequestStateCodec(self._keys)

    def engine_state(self, default_audience: Optional[str]) -> Dict[str, Any]:
        """The engine's ``official_state`` option for this policy."""
        audience = self.audience if self.audience is not None else default_audience
        return {"keys": [k.hex() for k in self._keys], "audience": audience}


def official_state(policy: Optional[RequestStateSecurity], name: str) -> Dict[str, Any]:
    """The engine's ``official_state`` option of a server named ``name`` (the audience when
    the policy names none): the policy's keys, or, without a policy, a key made now for
    this process (the official default)."""
    if policy is None:
        return {"keys": [], "audience": name}
    return policy.engine_state(name)


def _key_bytes(index: int, key: Any) -> bytes:
    if not isinstance(key, (bytes, bytearray, str)):
        raise TypeError(f"request-state keys must be bytes, bytearray, or str; keys[{index}] is {type(key).__name__}")
    material = key.encode() if isinstance(key, str) else bytes(key)
    if len(material) < 32:
        raise ValueError(f"request-state keys must be at least 32 bytes of secret randomness; keys[{index}] is {len(material)} bytes")
    return material


class AESGCMRequestStateCodec:
    """The official ``AESGCMRequestStateCodec(keys)``, the codec of the format the engine
    seals in, for code that opens or seals tokens itself (made by the official package)."""

    def __new__(cls, keys: Sequence[Key]) -> Any:
        from mcp.server.request_state import AESGCMRequestStateCodec as Official  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        return Official(keys)


class RequestStateBoundary:
    """The official ``RequestStateBoundary(security, default_audience=...)``, the official
    low-level server's sealing middleware, over the same format (made by the official
    package; mcpforge's ``RequestStateSecurity`` is taken as the official policy of the same
    keys, lifetime and audience)."""

    def __new__(cls, security: Any, *, default_audience: Optional[str]) -> Any:
        from mcp.server import request_state as official  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        if isinstance(security, RequestStateSecurity):
            security = official.RequestStateSecurity(keys=security._keys, ttl=security.ttl, audience=security.audience)
        return official.RequestStateBoundary(security, default_audience=default_audience)

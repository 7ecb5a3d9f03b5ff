"""``RequestStateSecurity``: the official 2.x policy for sealing ``requestState`` (2026-07-28's
multi-round-trip requests), taken by ``MCPServer(request_state_security=...)`` and turned into
the engine's own options.

The engine seals and checks ``requestState`` itself (``Server(state_key=...)``): the first key of
the ring becomes its key and ``ttl`` its ``request_state_ttl``. A key is bytes or text as the
official class takes it, text being its UTF-8 bytes; at least 32 bytes, as the official class
asks. What the engine does not offer raises ``NotImplementedError`` when the policy is made, so
that a server relying on it does not start quietly without it: a codec of the program's own
(``codec=``), unsealing with the other keys of a rotation ring, an audience, and a principal
binding other than the official default (the engine binds state to the request it answers)."""

from __future__ import annotations

import math
import os
from typing import Any, Dict, Optional, Sequence, Union

__all__ = ["RequestStateSecurity"]

Key = Union[bytes, bytearray, str]

# The official default for ``bind_principal`` is its ``authenticated_principal`` function;
# the engine's own binding stands for it, so only that default (or None) is taken.
_DEFAULT_BINDING = "authenticated_principal"


class RequestStateSecurity:
    """``RequestStateSecurity(keys=[secret], ttl=600.0)`` (see the module documentation)."""

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
        if len(material) > 1:
            raise NotImplementedError("RequestStateSecurity(keys=[...]): the engine seals and unseals with one key; a rotation ring is not offered")
        if audience is not None:
            raise NotImplementedError("RequestStateSecurity(audience=...): the engine binds state to its own server, not to an audience")
        if bind_principal is not None and getattr(bind_principal, "__name__", bind_principal) != _DEFAULT_BINDING:
            raise NotImplementedError("RequestStateSecurity(bind_principal=...): the engine binds state to the request it answers")
        self.ttl = ttl
        self.bind_principal = bind_principal
        self.audience = audience
        self._key = material[0]

    @classmethod
    def ephemeral(cls, *, ttl: float = 600.0, audience: Optional[str] = None) -> "RequestStateSecurity":
        """A key made now and held by this process only (the official default)."""
        return cls(keys=[os.urandom(32)], ttl=ttl, audience=audience)

    def server_options(self) -> Dict[str, Any]:
        """``Server``'s keywords for this policy: ``state_key`` and the state's lifetime."""
        # The engine takes its key as text; bytes that are not UTF-8 are read as Latin-1, which
        # keeps distinct keys distinct.
        try:
            key = self._key.decode("utf-8")
        except UnicodeDecodeError:
            key = self._key.decode("latin-1")
        return {"state_key": key, "limits": {"request_state_ttl": self.ttl}}


def _key_bytes(index: int, key: Any) -> bytes:
    if not isinstance(key, (bytes, bytearray, str)):
        raise TypeError(f"request-state keys must be bytes, bytearray, or str; keys[{index}] is {type(key).__name__}")
    material = key.encode() if isinstance(key, str) else bytes(key)
    if len(material) < 32:
        raise ValueError(f"request-state keys must be at least 32 bytes of secret randomness; keys[{index}] is {len(material)} bytes")
    return material

"""The initialize hook's wrapper: ``hook(handshake)`` sees each client's ``initialize`` and
decides the answer (see ``Server.on_initialize``); the engine calls the wrapper once per
``initialize``, with the handshake as a dict."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Dict, Optional, Tuple

from ._invoke import outcomes, wrappers
from .auth import AuthInfo, grant_of


@dataclasses.dataclass
class Handshake:
    """One ``initialize`` request as the hook sees it."""

    params: Dict[str, Any]
    """What the client sent: ``protocolVersion``, ``capabilities``, ``clientInfo``, ..."""
    answer: Dict[str, Any]
    """The answer the engine would send (``protocolVersion``, ``capabilities``,
    ``serverInfo``, ``instructions``): return it, changed or not, or a dict of your own."""
    repeated: bool = False
    """True for an ``initialize`` sent again on an initialized session."""
    auth: Optional[AuthInfo] = None
    """The verified caller (HTTP bearer authorization), when there is one."""

    @property
    def client_info(self) -> Dict[str, Any]:
        """The client's ``clientInfo`` (``name``, ``version``, ...); empty when it sent none."""
        info = self.params.get("clientInfo")
        return info if isinstance(info, dict) else {}

    @property
    def protocol_version(self) -> Optional[str]:
        """The protocol version the client asked for."""
        version = self.params.get("protocolVersion")
        return version if isinstance(version, str) else None


InitializeHook = Callable[[Handshake], Any]
"""``hook(handshake) -> None | dict`` (or a coroutine of it)."""


def _bind(handshake: Dict[str, Any], _native: Any) -> Dict[str, Any]:
    given = Handshake(
        params=dict(handshake.get("params") or {}),
        answer=dict(handshake.get("answer") or {}),
        repeated=bool(handshake.get("repeated")),
        auth=grant_of(handshake.get("authInfo")),
    )
    return {"handshake": given}


def _finish(value: Any) -> outcomes.Outcome:
    if value is not None and not isinstance(value, dict):
        raise TypeError(f"an initialize hook returns a dict or None, not {type(value).__name__}")
    return (outcomes.VALUE, value)


def wrapper(hook: InitializeHook, loop_of: Callable[[], Any], fail: Callable[..., outcomes.Outcome]) -> Tuple[Any, bool]:
    """The engine's wrapper of ``hook`` and whether it is asynchronous."""
    if wrappers.is_async(hook):

        async def call_async(handshake: Handshake) -> Any:
            return await hook(handshake)

        return wrappers.wrapper(call_async, True, _bind, _finish, loop_of, fail), True

    def call(handshake: Handshake) -> Any:
        return hook(handshake)

    return wrappers.wrapper(call, False, _bind, _finish, loop_of, fail), False

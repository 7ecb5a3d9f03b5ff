"""``Subscription``: an open ``subscriptions/listen`` stream of a ``Client`` (2026-07-28).
Its notifications reach the client's ``message_handler`` (and ``logging_callback``) like
any other; closing it (or leaving its ``async with``) cancels the request on the server."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, List

from .._native import NativeListen

__all__ = ["Subscription"]


class Subscription:
    """One listen stream (see the module docs)."""

    def __init__(self, native: NativeListen, call: Callable[..., Awaitable[Any]]) -> None:
        self._native = native
        self._call = call

    @property
    def id(self) -> Any:
        """The stream's id: the ``subscriptionId`` in its notifications' ``_meta``."""
        return self._native.id()

    @property
    def honored(self) -> Dict[str, Any]:
        """What the server agreed to send (its acknowledgement's ``notifications``)."""
        return self._native.honored()

    @property
    def resources(self) -> List[str]:
        """The resource URIs the server agreed to report on."""
        return list(self.honored.get("resourceSubscriptions") or [])

    @property
    def is_open(self) -> bool:
        """Whether the stream is still open (the server may end it when it stops)."""
        return self._native.is_open()

    async def close(self) -> None:
        """Closes the stream; its later notifications are dropped."""
        await self._call(self._native.close)

    async def __aenter__(self) -> "Subscription":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

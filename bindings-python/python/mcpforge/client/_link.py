"""The loop's side of a client's native inbox: every call gets a token and a future; the
engine leaves each call's end (and each server request and notification) in the inbox and
wakes the loop through a socket the loop watches; ``Link`` then takes everything waiting at
once, settles the futures, and hands requests and notifications to the client's handlers.
Everything here runs on the event loop the client was entered on."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, List, Tuple

from .._native import NativeInbox, NativeReply
from ..errors import McpError

# What the inbox's tuples start with.
_DONE, _ASK, _NOTICE = 0, 1, 2


class Link:
    """One client's inbox on one loop (see the module docs)."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        on_ask: Callable[[str, Any, NativeReply], None],
        on_notice: Callable[[str, Any], None],
    ) -> None:
        self.loop = loop
        self.inbox = NativeInbox()
        self.waiting: Dict[int, "asyncio.Future[Any]"] = {}
        self._next = 0
        self._on_ask = on_ask
        self._on_notice = on_notice
        self._fd = self.inbox.fileno()
        loop.add_reader(self._fd, self._drain)

    def expect(self) -> Tuple[int, "asyncio.Future[Any]"]:
        """A new token and the future its outcome settles."""
        self._next += 1
        future = self.loop.create_future()
        self.waiting[self._next] = future
        return self._next, future

    def forget(self, token: int) -> None:
        """Stops waiting for ``token`` (its call was cancelled)."""
        self.waiting.pop(token, None)

    def _drain(self) -> None:
        self.dispatch(self.inbox.take())

    def dispatch(self, arrivals: List[Tuple[int, Any, Any, Any]]) -> None:
        """Settles the calls and hands on the requests and notifications among ``arrivals``."""
        waiting = self.waiting
        for kind, first, second, third in arrivals:
            if kind == _DONE:
                future = waiting.pop(first, None)
                if future is None or future.done():
                    continue
                if second:
                    future.set_result(third)
                else:
                    future.set_exception(McpError(*third))
            elif kind == _ASK:
                self._on_ask(first, second, third)
            elif kind == _NOTICE:
                self._on_notice(first, second)

    def close(self) -> None:
        """Stops watching the inbox; calls still waiting fail as on a closed connection."""
        self.loop.remove_reader(self._fd)
        self._drain()
        for future in self.waiting.values():
            if not future.done():
                future.set_exception(McpError(-32000, "Connection closed"))
        self.waiting.clear()

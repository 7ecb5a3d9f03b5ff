"""Resolving asyncio futures from engine threads: the native module reports results as
``callback(ok, value)`` from a worker thread; ``resolver`` turns that into the result or
exception of a future on its loop."""

from __future__ import annotations

from typing import Any, Callable


def resolver(loop: Any, future: Any) -> Callable[[bool, Any], None]:
    """A thread-safe ``callback(ok, value)`` that settles ``future`` on ``loop`` (once; a
    result arriving after the loop closed is dropped)."""

    def settle(ok: bool, value: Any) -> None:
        if future.done():
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def callback(ok: bool, value: Any) -> None:
        try:
            loop.call_soon_threadsafe(settle, ok, value)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    return callback

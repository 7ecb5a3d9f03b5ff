"""``Lifespan``: a server's ``lifespan(server)`` async context manager, entered before serving
and exited after, on the event loop the server's async handlers run on (so that clients,
pools and tasks made at startup are bound to that loop). What it yields is the server's
``lifespan_context`` (``ctx.request_context.lifespan_context``). A startup that raises stops
the server before it serves: ``run`` and ``run_async`` raise ``RuntimeError`` naming the
failure, with the original exception as its cause."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Optional

__all__ = ["Lifespan"]

_log = logging.getLogger("mcpforge")


class Lifespan:
    """One server's lifespan (see the module documentation); entered at most once at a time."""

    def __init__(self, factory: Optional[Callable[[Any], Any]]) -> None:
        self.factory = factory
        self.context: Any = {}
        self._manager: Any = None

    @property
    def active(self) -> bool:
        """True between a successful ``start`` and its ``stop``."""
        return self._manager is not None

    async def start(self, server: Any) -> bool:
        """Enters the lifespan on the running loop; False when there is none or it is already
        entered (then the caller must not ``stop`` it)."""
        if self.factory is None or self._manager is not None:
            return False
        manager = self.factory(server)
        try:
            self.context = await manager.__aenter__()
        except Exception as e:
            raise RuntimeError(f"the server's lifespan failed at startup: {type(e).__name__}: {e}") from e
        self._manager = manager
        return True

    async def stop(self) -> None:
        """Exits the lifespan (its shutdown code runs); a failure there is logged."""
        manager, self._manager = self._manager, None
        if manager is None:
            return
        try:
            await manager.__aexit__(None, None, None)
        except Exception:
            _log.exception("the server's lifespan failed at shutdown")
        finally:
            self.context = {}

    @contextmanager
    def on_loop(self, server: Any, loop_of: Callable[[], Any]) -> Iterator[None]:
        """``start`` and ``stop`` on the loop ``loop_of()`` gives (running in another thread)
        around the block. Without a lifespan no loop is asked for: a server whose handlers
        are all synchronous never starts one (nor imports asyncio)."""
        if self.factory is None:
            yield
            return
        import asyncio  # loaded on use

        loop = loop_of()
        started = asyncio.run_coroutine_threadsafe(self.start(server), loop).result()
        try:
            yield
        finally:
            if started:
                asyncio.run_coroutine_threadsafe(self.stop(), loop).result()

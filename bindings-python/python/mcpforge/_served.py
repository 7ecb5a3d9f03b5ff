"""``Served``: what ``Server.run`` returns once serving ended. ``run`` blocks while it serves,
yet programs (the seed documents among them) write ``asyncio.run(server.run())``; handing
``asyncio.run`` ``None`` at the end raised ``ValueError`` at every normal exit. A ``Served``
is a coroutine that is already finished: ``asyncio.run`` runs it at once and returns None,
``await`` of it returns None, and dropping it unawaited warns of nothing."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, Generator, NoReturn

__all__ = ["Served"]


class Served(Coroutine[Any, Any, None]):
    """A finished coroutine (see the module documentation)."""

    __slots__ = ()

    def send(self, value: Any) -> NoReturn:
        raise StopIteration(None)

    def throw(self, typ: Any, val: Any = None, tb: Any = None, /) -> NoReturn:
        raise val if isinstance(val, BaseException) else typ

    def close(self) -> None:
        pass

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield  # a generator that ends at once

    def __repr__(self) -> str:
        return "<served>"

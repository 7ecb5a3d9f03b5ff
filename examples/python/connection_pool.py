"""A bounded, thread-safe pool of connections, for database_server.py's SQLite backend.

The standard library's sqlite3 has no pool (PostgreSQL's backend uses psycopg_pool), and the
pool needed is small: at most ``size`` connections exist at once, made when first needed and
reused afterwards; a caller waits at most ``timeout`` seconds for one to be free and then
gets an error rather than waiting forever. A SQLite connection stays usable after any error
its statement raised, so every connection goes back to the pool (until the pool is closed).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from typing import Callable, Generic, Iterator, List, TypeVar

C = TypeVar("C")


class PoolExhausted(Exception):
    """No connection became free within the pool's timeout."""


class Pool(Generic[C]):
    """At most ``size`` connections made by ``connect`` and closed by ``close``."""

    def __init__(self, connect: Callable[[], C], close: Callable[[C], None], size: int, timeout: float) -> None:
        if size < 1:
            raise ValueError("a pool holds at least one connection")
        self._connect, self._close, self.size, self.timeout = connect, close, size, timeout
        self._idle: "queue.LifoQueue[C]" = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)  # one per connection that exists or may be made
        self._lock = threading.Lock()
        self._closed = False

    @contextlib.contextmanager
    def connection(self) -> Iterator[C]:
        """A connection for the duration of the block (the most recently used idle one, or a
        new one while fewer than ``size`` exist). Raises PoolExhausted after ``timeout``."""
        if not self._slots.acquire(timeout=self.timeout):
            raise PoolExhausted(f"all {self.size} connections stayed busy for {self.timeout:g} s")
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            try:
                conn = self._connect()
            except BaseException:
                self._slots.release()
                raise
        try:
            yield conn
        finally:
            with self._lock:
                keep = not self._closed
                if keep:
                    self._idle.put(conn)
            if not keep:
                self._close(conn)
            self._slots.release()

    def idle(self) -> int:
        """How many connections are open and free now."""
        return self._idle.qsize()

    def close(self) -> None:
        """Closes the idle connections; those in use are closed when they come back."""
        with self._lock:
            self._closed = True
            idle: List[C] = []
            while not self._idle.empty():
                idle.append(self._idle.get_nowait())
        for conn in idle:
            self._close(conn)

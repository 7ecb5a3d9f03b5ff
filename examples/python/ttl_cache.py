"""A thread-safe cache whose entries expire, bounded both in entries and in bytes.

Used by the example servers next to it (database_server.py caches query results,
api_server.py and services_server.py cache upstream answers, cache_server.py serves one). Each entry is stored with the
time it was made and a lifetime; a reader may also ask for an entry no older than it wants
(``max_age``), which is how a per-call ``cache_duration`` is honoured. When a new entry would
pass either bound, the least recently used entries go first; an entry larger than the byte
bound alone is not stored at all.
"""

from __future__ import annotations

import collections
import threading
import time
from typing import Any, Hashable, NamedTuple, Optional, Tuple


class _Entry(NamedTuple):
    made: float
    expires: float
    size: int
    value: Any


class TtlCache:
    """Values by key, each kept ``ttl`` seconds (or the lifetime given to ``put``), at most
    ``max_entries`` of them and ``max_bytes`` in all (as measured by the caller)."""

    def __init__(self, ttl: float, max_entries: int = 256, max_bytes: int = 16 * 1024 * 1024) -> None:
        self.ttl, self.max_entries, self.max_bytes = ttl, max_entries, max_bytes
        self._entries: "collections.OrderedDict[Hashable, _Entry]" = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.evictions = self.expirations = 0  # entries dropped to make room, and found expired

    def get(self, key: Hashable, max_age: Optional[float] = None) -> Any:
        """The value stored under ``key`` if it has not expired (and, with ``max_age``, was
        stored at most that many seconds ago), else None."""
        found = self.lookup(key, max_age)
        return None if found is None else found[0]

    def lookup(self, key: Hashable, max_age: Optional[float] = None) -> Optional[Tuple[Any, float]]:
        """As ``get``, but ``(value, seconds left)``, or None: a stored None is found too."""
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires <= now:
                self._drop(key)
                self.expirations += 1
                return None
            if max_age is not None and now - entry.made > max_age:
                return None
            self._entries.move_to_end(key)
            return entry.value, entry.expires - now

    def delete(self, key: Hashable) -> bool:
        """Removes ``key``; True when it held an entry that had not expired."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False
            self._drop(key)
            return entry.expires > time.monotonic()

    def clear(self) -> int:
        """Removes every entry; how many there were."""
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            self._bytes = 0
            return count

    def put(self, key: Hashable, value: Any, size: int, ttl: Optional[float] = None) -> bool:
        """Stores ``value`` (``size`` bytes) for ``ttl`` seconds (the cache's own by default).
        False when it was not stored: no lifetime, or larger than the whole byte bound."""
        lifetime = self.ttl if ttl is None else ttl
        if lifetime <= 0 or size > self.max_bytes:
            return False
        now = time.monotonic()
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = _Entry(now, now + lifetime, size, value)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))
                self.evictions += 1
        return True

    def stats(self) -> dict[str, int]:
        """How many entries and bytes are held now."""
        with self._lock:
            return {"entries": len(self._entries), "bytes": self._bytes}

    def _drop(self, key: Hashable) -> None:
        self._bytes -= self._entries.pop(key).size

"""A TTL cache as an MCP server: ``cache_set``, ``cache_get``, ``cache_delete``,
``cache_clear`` and ``cache_stats``, and the resource ``cache://stats``.

Entries are JSON values under string keys, each with a time to live (``ttl_seconds``, default
``--default-ttl``, at most ``--max-ttl``). The cache is bounded twice: at most
``--max-entries`` entries and ``--max-bytes`` bytes (each value counted by its JSON size plus
its key); when a new entry does not fit, expired entries go first, then the least recently
used ones. A value larger than the whole cache is refused. Expired entries are never
answered: a read past an entry's deadline is a miss.

    python examples/python/cache_server.py [--max-entries N] [--max-bytes N]
        [--default-ttl SECONDS] [--max-ttl SECONDS] [--http HOST:PORT]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Annotated, Any, Dict, Optional

import mcpforge
from mcpforge import Field, Server, ToolError

MAX_KEY_CHARS = 256


@dataclass
class Entry:
    value: Any
    size: int
    expires: float  # time.monotonic() deadline


class TtlCache:
    """Entries with a deadline, bounded in count and bytes, evicting the least recently used."""

    def __init__(self, max_entries: int, max_bytes: int, default_ttl: float, max_ttl: float) -> None:
        self.max_entries, self.max_bytes, self.default_ttl, self.max_ttl = max_entries, max_bytes, default_ttl, max_ttl
        self._entries: "OrderedDict[str, Entry]" = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = self.evictions = self.expirations = 0

    def _drop(self, key: str) -> None:
        self._bytes -= self._entries.pop(key).size

    def _expire(self, now: float) -> None:
        for key in [k for k, e in self._entries.items() if e.expires <= now]:
            self._drop(key)
            self.expirations += 1

    def set(self, key: str, value: Any, ttl: Optional[float]) -> Dict[str, Any]:
        ttl = self.default_ttl if ttl is None else ttl
        if ttl > self.max_ttl:
            raise ToolError(f"ttl_seconds is at most {self.max_ttl:g}")
        size = len(key.encode()) + len(json.dumps(value, separators=(",", ":")).encode())
        if size > self.max_bytes:
            raise ToolError(f"the entry takes {size} bytes; the whole cache holds {self.max_bytes}")
        with self._lock:
            now = time.monotonic()
            if key in self._entries:
                self._drop(key)
            if len(self._entries) >= self.max_entries or self._bytes + size > self.max_bytes:
                self._expire(now)
            while self._entries and (len(self._entries) >= self.max_entries or self._bytes + size > self.max_bytes):
                self._drop(next(iter(self._entries)))  # the least recently used
                self.evictions += 1
            self._entries[key] = Entry(value, size, now + ttl)
            self._bytes += size
        return {"key": key, "stored": True, "ttl_seconds": ttl, "bytes": size}

    def get(self, key: str) -> Dict[str, Any]:
        with self._lock:
            entry = self._entries.get(key)
            now = time.monotonic()
            if entry is not None and entry.expires <= now:
                self._drop(key)
                self.expirations += 1
                entry = None
            if entry is None:
                self.misses += 1
                return {"key": key, "found": False}
            self._entries.move_to_end(key)
            self.hits += 1
            return {"key": key, "found": True, "value": entry.value, "ttl_remaining": round(entry.expires - now, 3)}

    def delete(self, key: str) -> Dict[str, Any]:
        with self._lock:
            live = key in self._entries and self._entries[key].expires > time.monotonic()
            if key in self._entries:
                self._drop(key)
        return {"key": key, "deleted": live}

    def clear(self) -> Dict[str, Any]:
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            self._bytes = 0
        return {"cleared": count}

    def stats(self) -> Dict[str, Any]:
        with self._lock:
            self._expire(time.monotonic())
            return {"entries": len(self._entries), "bytes": self._bytes, "max_entries": self.max_entries,
                    "max_bytes": self.max_bytes, "hits": self.hits, "misses": self.misses,
                    "evictions": self.evictions, "expirations": self.expirations}


CACHE = TtlCache(1000, 1024 * 1024, 300.0, 86400.0)
Key = Annotated[str, Field(min_length=1, max_length=MAX_KEY_CHARS, description="The entry's key.")]

server = Server("mcpforge-cache", version=mcpforge.__version__,
                instructions="A key-value cache whose entries expire: set, get, delete, and its statistics.")


@server.tool(title="Store an entry", annotations={"idempotentHint": True})
def cache_set(
    key: Key,
    value: Annotated[Any, "Any JSON value."],
    ttl_seconds: Annotated[Optional[float], Field(gt=0, description="How long it lives (default: the server's).")] = None,
) -> Dict[str, Any]:
    """Store a value under a key for ttl_seconds (replacing what the key held); the least
    recently used entries make room when the cache is full."""
    return CACHE.set(key, value, ttl_seconds)


@server.tool(title="Read an entry", annotations={"readOnlyHint": True})
def cache_get(key: Key) -> Dict[str, Any]:
    """The value stored under a key and the seconds it has left, or found: false."""
    return CACHE.get(key)


@server.tool(title="Delete an entry", annotations={"destructiveHint": True, "idempotentHint": True})
def cache_delete(key: Key) -> Dict[str, Any]:
    """Remove a key; deleted says whether it held a live entry."""
    return CACHE.delete(key)


@server.tool(title="Empty the cache", annotations={"destructiveHint": True, "idempotentHint": True})
def cache_clear() -> Dict[str, Any]:
    """Remove every entry."""
    return CACHE.clear()


@server.tool(title="Cache statistics", annotations={"readOnlyHint": True})
def cache_stats() -> Dict[str, Any]:
    """Entries and bytes held, the limits, hits, misses, evictions and expirations."""
    return CACHE.stats()


@server.resource("cache://stats", name="cache_stats", mime_type="application/json")
def stats_resource() -> Dict[str, Any]:
    """The cache's statistics (as cache_stats answers them)."""
    return CACHE.stats()


def main() -> int:
    global CACHE
    parser = argparse.ArgumentParser(description="a TTL cache over MCP")
    parser.add_argument("--max-entries", type=int, default=1000, help="entries held at most (default 1000)")
    parser.add_argument("--max-bytes", type=int, default=1024 * 1024, help="bytes held at most (default 1 MiB)")
    parser.add_argument("--default-ttl", type=float, default=300.0, help="seconds an entry lives by default (300)")
    parser.add_argument("--max-ttl", type=float, default=86400.0, help="the longest ttl_seconds accepted (86400)")
    parser.add_argument("--http", metavar="HOST:PORT", help="serve Streamable HTTP at /mcp instead of stdio")
    args = parser.parse_args()
    if min(args.max_entries, args.max_bytes) < 1 or min(args.default_ttl, args.max_ttl) <= 0 or args.default_ttl > args.max_ttl:
        parser.error("the limits must be positive, and --default-ttl at most --max-ttl")
    CACHE = TtlCache(args.max_entries, args.max_bytes, args.default_ttl, args.max_ttl)
    server.serve(http=args.http)  # stdio, or HTTP with --http; returns on EOF, Ctrl-C or SIGTERM
    return 0


if __name__ == "__main__":
    sys.exit(main())

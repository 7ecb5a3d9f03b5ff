"""A TTL cache as an MCP server: ``cache_set``, ``cache_get``, ``cache_delete``,
``cache_clear`` and ``cache_stats``, and the resource ``cache://stats``.

Entries are JSON values under string keys, each with a time to live (``ttl_seconds``, default
``--default-ttl``, at most ``--max-ttl``). The cache is bounded twice: at most
``--max-entries`` entries and ``--max-bytes`` bytes (each value counted by its JSON size plus
its key); when a new entry does not fit, the least recently used ones go. A value larger
than the whole cache is refused. The cache itself is ttl_cache.py's, beside this file. Expired entries are never
answered: a read past an entry's deadline is a miss.

    python examples/python/cache_server.py [--max-entries N] [--max-bytes N]
        [--default-ttl SECONDS] [--max-ttl SECONDS] [--http HOST:PORT]
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Annotated, Any, Dict, Optional

import mcpforge
from mcpforge import Field, Server, ToolError

from ttl_cache import TtlCache

MAX_KEY_CHARS = 256


class CacheService:
    """The tools' cache: a ``TtlCache`` (ttl_cache.py, beside this file) with the server's
    TTL limits, entry sizes measured as JSON, and hit and miss counts."""

    def __init__(self, max_entries: int, max_bytes: int, default_ttl: float, max_ttl: float) -> None:
        self.cache = TtlCache(default_ttl, max_entries, max_bytes)
        self.default_ttl, self.max_ttl = default_ttl, max_ttl
        self.hits = self.misses = 0

    def set(self, key: str, value: Any, ttl: Optional[float]) -> Dict[str, Any]:
        ttl = self.default_ttl if ttl is None else ttl
        if ttl > self.max_ttl:
            raise ToolError(f"ttl_seconds is at most {self.max_ttl:g}")
        size = len(key.encode()) + len(json.dumps(value, separators=(",", ":")).encode())
        if not self.cache.put(key, value, size, ttl):
            raise ToolError(f"the entry takes {size} bytes; the whole cache holds {self.cache.max_bytes}")
        return {"key": key, "stored": True, "ttl_seconds": ttl, "bytes": size}

    def get(self, key: str) -> Dict[str, Any]:
        found = self.cache.lookup(key)
        if found is None:
            self.misses += 1
            return {"key": key, "found": False}
        self.hits += 1
        return {"key": key, "found": True, "value": found[0], "ttl_remaining": round(found[1], 3)}

    def stats(self) -> Dict[str, Any]:
        return {**self.cache.stats(), "max_entries": self.cache.max_entries, "max_bytes": self.cache.max_bytes,
                "hits": self.hits, "misses": self.misses, "evictions": self.cache.evictions,
                "expirations": self.cache.expirations}


CACHE = CacheService(1000, 1024 * 1024, 300.0, 86400.0)
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
    return {"key": key, "deleted": CACHE.cache.delete(key)}


@server.tool(title="Empty the cache", annotations={"destructiveHint": True, "idempotentHint": True})
def cache_clear() -> Dict[str, Any]:
    """Remove every entry."""
    return {"cleared": CACHE.cache.clear()}


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
    CACHE = CacheService(args.max_entries, args.max_bytes, args.default_ttl, args.max_ttl)
    server.serve(http=args.http)  # stdio, or HTTP with --http; returns on EOF, Ctrl-C or SIGTERM
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The official MCP client drives examples/python/cache_server.py, a TTL cache, over stdio on
both wires and over Streamable HTTP: values stored, read, replaced and deleted; an entry
past its time to live is a miss; the entry limit and the byte limit evict the least
recently used entries (a read refreshes one); a value larger than the cache, a TTL above
the maximum and a blank key are refused; `cache_stats` and `cache://stats` count it all."""

from __future__ import annotations

import sys
from typing import TextIO

import anyio
import pytest
from support import REPO_ROOT, WIRES, Peer, http_server, over_http, over_stdio, resource_json, run, structured, tool_error

SCRIPT = REPO_ROOT / "examples" / "python" / "cache_server.py"
COMMAND = [sys.executable, str(SCRIPT), "--max-entries", "3", "--max-bytes", "200", "--default-ttl", "60", "--max-ttl", "600"]


async def exercise(peer: Peer) -> None:
    assert sorted(t.name for t in (await peer.list_tools()).tools) == [
        "cache_clear", "cache_delete", "cache_get", "cache_set", "cache_stats"]
    stored = structured(await peer.call_tool("cache_set", {"key": "a", "value": {"n": 1, "tags": ["x"]}}))
    assert stored == {"key": "a", "stored": True, "ttl_seconds": 60, "bytes": 1 + len('{"n":1,"tags":["x"]}')}
    hit = structured(await peer.call_tool("cache_get", {"key": "a"}))
    assert hit["found"] is True and hit["value"] == {"n": 1, "tags": ["x"]} and 0 < hit["ttl_remaining"] <= 60
    assert structured(await peer.call_tool("cache_get", {"key": "zz"})) == {"key": "zz", "found": False}

    # The entry limit (3): b and c fill it; a is read (most recent), so d evicts b.
    await peer.call_tool("cache_set", {"key": "b", "value": "bee"})
    await peer.call_tool("cache_set", {"key": "c", "value": "sea"})
    await peer.call_tool("cache_get", {"key": "a"})
    await peer.call_tool("cache_set", {"key": "d", "value": "dee"})
    found = {k: structured(await peer.call_tool("cache_get", {"key": k}))["found"] for k in "abcd"}
    assert found == {"a": True, "b": False, "c": True, "d": True}

    # The byte limit (200): a 150-byte value leaves room for little else.
    await peer.call_tool("cache_set", {"key": "big", "value": "x" * 145})
    stats = structured(await peer.call_tool("cache_stats", {}))
    assert stats["bytes"] <= 200 and stats["entries"] <= 3 and stats["evictions"] == 2
    assert structured(await peer.call_tool("cache_get", {"key": "big"}))["found"] is True

    # A time to live passes: the entry is a miss.
    await peer.call_tool("cache_set", {"key": "brief", "value": 1, "ttl_seconds": 0.2})
    with anyio.fail_after(10):
        while structured(await peer.call_tool("cache_get", {"key": "brief"}))["found"]:
            await anyio.sleep(0.05)

    assert structured(await peer.call_tool("cache_delete", {"key": "big"})) == {"key": "big", "deleted": True}
    assert structured(await peer.call_tool("cache_delete", {"key": "big"})) == {"key": "big", "deleted": False}
    assert tool_error(await peer.call_tool("cache_set", {"key": "huge", "value": "x" * 300})).startswith(
        "the entry takes 306 bytes; the whole cache holds 200")
    assert tool_error(await peer.call_tool("cache_set", {"key": "k", "value": 1, "ttl_seconds": 601})) == (
        "ttl_seconds is at most 600")
    assert "Invalid arguments for tool cache_set" in tool_error(await peer.call_tool("cache_set", {"key": "", "value": 1}))
    final = structured(await peer.call_tool("cache_stats", {}))
    assert final["expirations"] >= 1 and final["hits"] >= 5 and final["misses"] >= 3
    assert resource_json(await peer.read_resource("cache://stats"), "cache://stats") == final
    cleared = structured(await peer.call_tool("cache_clear", {}))
    assert cleared["cleared"] == final["entries"]
    assert structured(await peer.call_tool("cache_stats", {}))["entries"] == 0


@pytest.mark.parametrize("wire", WIRES)
def test_cache_over_stdio(wire: str, errlog: TextIO) -> None:

    async def body() -> None:
        async with over_stdio(COMMAND, wire, errlog) as peer:
            await exercise(peer)

    run(body)


def test_cache_over_http(errlog: TextIO) -> None:
    with http_server(COMMAND, errlog) as url:

        async def body() -> None:
            async with over_http(url, WIRES[0]) as peer:
                await exercise(peer)

        run(body)

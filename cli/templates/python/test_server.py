"""The server's tools, called through mcpforge's in-process test client (real JSON-RPC to
the real engine, no process and no socket)."""

from __future__ import annotations

import asyncio

from {{module}} import server


async def check_greet() -> None:
    async with server.test_client() as client:
        tools = await client.list_tools()
        assert [tool["name"] for tool in tools] == ["greet"]
        result = await client.call_tool("greet", {"name": "Ada"})
        assert not result.is_error
        assert result.text == "Hello, Ada!"


def test_greet() -> None:
    asyncio.run(check_greet())

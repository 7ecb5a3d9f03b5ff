"""Rate limits (``Server(rate_limits=...)``) through the real engine, on both wires: a
client's burst, then ``RATE_LIMITED`` with its retry hint and recovery after it; a tool
limit that leaves other tools alone; ``per`` given in seconds; and what the option refuses."""

from __future__ import annotations

import asyncio

import pytest
from conftest import run

from mcpforge import ProtocolError, Server
from mcpforge.errors import RATE_LIMITED
from mcpforge.testing import HANDSHAKE, MODERN

WIRES = [HANDSHAKE, MODERN]


def limited(rate_limits: dict) -> Server:
    server = Server("rate-limited", rate_limits=rate_limits)

    @server.tool()
    def echo(text: str) -> str:
        return text

    @server.tool()
    def search(query: str) -> str:
        return f"found {query}"

    return server


@pytest.mark.parametrize("wire", WIRES)
def test_a_client_over_its_limit_gets_a_retry_hint_and_recovers(wire: str) -> None:
    server = limited({"per_client": {"requests": 3, "per": 0.6}})

    async def body() -> None:
        async with server.test_client(wire=wire) as client:
            await asyncio.sleep(0.25)  # the handshake's own requests count too: let them refill
            for _ in range(3):
                assert (await client.call_tool("echo", {"text": "hi"})).content[0]["text"] == "hi"
            with pytest.raises(ProtocolError) as refused:
                await client.call_tool("echo", {"text": "hi"})
            assert refused.value.code == RATE_LIMITED
            retry = refused.value.data["retryAfterMs"]
            assert refused.value.data["scope"] == "client"
            assert 1 <= retry <= 200, retry
            await asyncio.sleep(retry / 1000 + 0.02)
            assert (await client.call_tool("echo", {"text": "again"})).content[0]["text"] == "again"

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_a_tool_limit_leaves_other_tools_alone(wire: str) -> None:
    server = limited({"tools": {"search": {"requests": 1, "per": 60}}})

    async def body() -> None:
        async with server.test_client(wire=wire) as client:
            await client.call_tool("search", {"query": "a"})
            with pytest.raises(ProtocolError) as refused:
                await client.call_tool("search", {"query": "b"})
            assert refused.value.code == RATE_LIMITED
            assert refused.value.data["tool"] == "search"
            assert "search" in str(refused.value)
            for n in range(5):
                assert (await client.call_tool("echo", {"text": str(n)})).content[0]["text"] == str(n)

    run(body)


def test_bad_rate_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="rate limit"):
        limited({"per_client": {"requests": 0, "per": 1}})
    with pytest.raises(ValueError):
        limited({"per_clients": {"requests": 1, "per": 1}})
    with pytest.raises(ValueError, match="seconds"):
        limited({"per_client": {"requests": 1, "per": -1}})

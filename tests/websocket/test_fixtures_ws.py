"""MCP over WebSocket in every language: the Python `websockets` client speaks JSON-RPC to
the conformance fixture of Rust, C, Python and Node over one socket each, on the stateless
2026-07-28 wire and in a legacy session, with bad input in between."""

from __future__ import annotations

import json
from typing import Any

from support import run
from websockets.asyncio.client import ClientConnection, connect

SIMPLE_TEXT = "This is a simple text response for testing."
MODERN_META = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "ws-test", "version": "1"},
}


async def request(ws: ClientConnection, id_: Any, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sends a request and returns its response (skipping notifications)."""
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": id_, "method": method}
    if params is not None:
        message["params"] = params
    await ws.send(json.dumps(message))
    while True:
        answer = json.loads(await ws.recv())
        if answer.get("id") == id_ and "method" not in answer:
            return answer


def test_both_eras_over_one_websocket(fixture_port: int) -> None:
    async def body() -> None:
        async with connect(f"ws://127.0.0.1:{fixture_port}/mcp", subprotocols=["mcp"]) as ws:  # type: ignore[list-item]
            assert ws.subprotocol == "mcp"
            discover = await request(ws, 1, "server/discover", {"_meta": MODERN_META})
            assert "2026-07-28" in discover["result"]["supportedVersions"]
            call = await request(ws, 2, "tools/call", {"name": "test_simple_text", "arguments": {}, "_meta": MODERN_META})
            assert call["result"]["content"] == [{"type": "text", "text": SIMPLE_TEXT}]
            assert call["result"]["resultType"] == "complete"

            init = await request(
                ws,
                3,
                "initialize",
                {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "ws-test", "version": "1"}},
            )
            assert init["result"]["protocolVersion"] == "2025-11-25"
            await ws.send(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            tools = await request(ws, 4, "tools/list")
            assert "test_simple_text" in [t["name"] for t in tools["result"]["tools"]]
            legacy = await request(ws, 5, "tools/call", {"name": "test_simple_text", "arguments": {}})
            assert legacy["result"]["content"] == [{"type": "text", "text": SIMPLE_TEXT}]

            await ws.send("{not json")
            parse_error = json.loads(await ws.recv())
            assert parse_error["error"]["code"] == -32700
            assert (await request(ws, 6, "ping"))["result"] == {}

    run(body)

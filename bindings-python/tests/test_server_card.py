"""The server card (SEP-2127) of a Python server over a real listener on 127.0.0.1: the
identity the constructor gives, the remote at the bound port, the ``server_card`` option of
``run`` (a configured name, the anonymous catalogue), ETag revalidation, and ``False``
switching the card off."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any, Dict, Optional, Tuple

from conftest import run

from mcpforge import Server

WAIT = 20.0


def fetch(url: str, etag: Optional[str] = None) -> Tuple[int, Dict[str, str], bytes]:
    headers = {} if etag is None else {"If-None-Match": etag}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def serve_and_fetch(server: Server, paths: Tuple[str, ...], etag: bool = False, **options: Any) -> Dict[str, Any]:
    """Serves ``server`` over HTTP on a free port, fetches each path, stops it."""

    async def body() -> Dict[str, Any]:
        loop = asyncio.get_running_loop()
        bound: "asyncio.Future[Tuple[str, int]]" = loop.create_future()
        serving = asyncio.ensure_future(server.run_async("http", port=0, on_ready=lambda h, p: bound.set_result((h, p)), **options))
        try:
            _, port = await asyncio.wait_for(bound, WAIT)
            got: Dict[str, Any] = {"port": port}
            for path in paths:
                got[path] = await loop.run_in_executor(None, fetch, f"http://127.0.0.1:{port}{path}")
            if etag:
                tag = got[paths[0]][1]["etag"]
                got["revalidated"] = await loop.run_in_executor(None, fetch, f"http://127.0.0.1:{port}{paths[0]}", tag)
            return got
        finally:
            serving.cancel()
            try:
                await serving
            except asyncio.CancelledError:
                pass

    return run(body)  # type: ignore[no-any-return]


def card_server() -> Server:
    server = Server("py card", version="1.2.3", title="Python Card", description="A card served from Python.", website_url="https://example.com/py")

    @server.tool()
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    return server


def test_the_card_is_served_with_the_servers_identity() -> None:
    got = serve_and_fetch(card_server(), ("/mcp/server-card", "/.well-known/mcp/server-card.json"), etag=True)
    status, headers, raw = got["/mcp/server-card"]
    assert status == 200 and headers["content-type"] == "application/json"
    assert headers["access-control-allow-origin"] == "*"
    card = json.loads(raw)
    assert card["$schema"] == "https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json"
    assert (card["name"], card["version"], card["title"]) == ("localhost/py-card", "1.2.3", "Python Card")
    assert card["description"] == "A card served from Python."
    assert card["remotes"][0]["url"] == f"http://127.0.0.1:{got['port']}/mcp"
    assert "tools" not in card
    assert got["/.well-known/mcp/server-card.json"][2] == raw
    assert got["revalidated"][0] == 304


def test_the_server_card_option_names_the_card_and_lists_the_catalogue() -> None:
    got = serve_and_fetch(card_server(), ("/mcp/server-card",), server_card={"name": "com.example/py-card", "catalogue": True})
    card = json.loads(got["/mcp/server-card"][2])
    assert card["name"] == "com.example/py-card"
    assert [t["name"] for t in card["tools"]] == ["add"]
    assert card["tools"][0]["description"] == "Add two numbers."


def test_server_card_false_turns_it_off() -> None:
    got = serve_and_fetch(card_server(), ("/mcp/server-card", "/.well-known/mcp/server-card"), server_card=False)
    assert got["/mcp/server-card"][0] == 404 and got["/.well-known/mcp/server-card"][0] == 404

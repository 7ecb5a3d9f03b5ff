"""The official MCP client drives examples/python/api_server.py over stdio on both wires and
over Streamable HTTP, against a local HTTP API this test serves on 127.0.0.1 (stdlib
http.server in a thread) that records every request it gets.

Checked: the configured auth header (bearer token from an environment variable, an API-key
header) arrives on every request; GET responses are served from the cache on repeats (the
API sees one request) while POSTs are never cached; the per-API sliding-window rate limit
trips after its budget and names the wait; query parameters and JSON bodies arrive; HTTP
errors, unknown APIs, paths that leave the base URL, and GET bodies are tool errors; a bad
configuration stops the server at startup with a clear message. Redirects: one under the
base URL is followed (the secret still arrives); one to another origin (a second local
server on another port), to another scheme, outside the base path or through '..', and
chains longer than the limit are tool errors, and the other origin never gets a request.
The aggregator: `api://{name}/health` (up, or down with the reason) and `api://{name}/data`
(cached) for each configured API, listed by their templates, and `api://health` for all; an
API that answers `x-ratelimit-remaining: 0` gets no request until its reset."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

import pytest
from mcp import MCPError
from support import (REPO_ROOT, WIRES, free_port, http_server, local_http_server, not_found_code, over_http, over_stdio, Peer,
                     resource_json, run, structured, tool_error)

SCRIPT = REPO_ROOT / "examples" / "python" / "api_server.py"
TOKEN = "s3cr3t-token"
API_KEY = "key-123"


class Recorder(BaseHTTPRequestHandler):
    """Answers JSON describing the request (404 under /missing; a redirect to its `to` query
    parameter, with status `code` or 302, under /redirect; `x-ratelimit-remaining: 0` with a
    reset 120 s away when asked for `?remaining=0`) and records it."""

    seen: list[dict[str, Any]]

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        record = {"method": self.command, "path": self.path, "authorization": self.headers.get("Authorization"),
                  "api_key": self.headers.get("X-Api-Key"), "body": self.rfile.read(length).decode() if length else None}
        self.server.seen.append(record)  # type: ignore[attr-defined]
        target = urllib.parse.urlsplit(self.path)
        if target.path.endswith("/redirect"):
            query = dict(urllib.parse.parse_qsl(target.query))
            self.send_response(int(query.get("code", 302)))
            self.send_header("Location", query["to"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = 404 if self.path.startswith("/v1/missing") else 200
        payload = json.dumps({"request": record, "count": len(self.server.seen)}).encode()  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if "remaining=0" in target.query:
            self.send_header("X-RateLimit-Remaining", "0")
            self.send_header("X-RateLimit-Reset", "120")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@pytest.fixture
def upstream() -> Iterator[Any]:
    """The local API, recording the requests it gets in `.seen`."""
    with local_http_server(Recorder) as httpd:
        httpd.seen = []
        yield httpd


@pytest.fixture
def config(tmp_path: Path, upstream: ThreadingHTTPServer) -> Path:
    base = f"http://127.0.0.1:{upstream.server_address[1]}"
    path = tmp_path / "apis.json"
    path.write_text(json.dumps({"apis": {
        "shop": {"base_url": base + "/v1", "bearer_token_env": "SHOP_TOKEN", "headers": {"Accept": "application/json"},
                 "rate_limit": {"requests": 3, "per_seconds": 3600}, "cache_ttl_seconds": 3600},
        "keyed": {"base_url": base, "api_key_env": "KEYED_KEY", "rate_limit": {"requests": 100, "per_seconds": 60}},
    }}))
    return path


def command(config: Path) -> list[str]:
    # The client's stdio transport passes only a minimal environment: set the secrets explicitly.
    return ["env", f"SHOP_TOKEN={TOKEN}", f"KEYED_KEY={API_KEY}", sys.executable, str(SCRIPT), "--config", str(config)]


async def check_api(peer: Peer, seen: list[dict[str, Any]]) -> None:
    tools = {t.name: t for t in (await peer.list_tools()).tools}
    assert sorted(tools) == ["call_api", "list_apis"]
    assert tools["call_api"].input_schema["required"] == ["api", "path"]
    apis = structured(await peer.call_tool("list_apis", {}))["apis"]
    assert [(a["name"], a["authenticated"], a["rate_limit"]["requests"]) for a in apis] == [("shop", True, 3), ("keyed", True, 100)]
    assert TOKEN not in json.dumps(apis) and API_KEY not in json.dumps(apis)

    first = structured(await peer.call_tool("call_api", {"api": "shop", "path": "items/1", "query": {"q": "a b"}}))
    assert first["status"] == 200 and first["cached"] is False and first["content_type"] == "application/json"
    assert first["body"]["request"] == {"method": "GET", "path": "/v1/items/1?q=a+b", "authorization": f"Bearer {TOKEN}",
                                        "api_key": None, "body": None}
    repeat = structured(await peer.call_tool("call_api", {"api": "shop", "path": "items/1", "query": {"q": "a b"}}))
    assert repeat["cached"] is True and repeat["body"] == first["body"]
    assert len(seen) == 1  # the repeat never reached the API

    posted = structured(await peer.call_tool("call_api", {"api": "shop", "path": "/items", "method": "POST", "body": {"n": 1}}))
    assert posted["body"]["request"]["body"] == '{"n": 1}' and posted["cached"] is False
    missing = tool_error(await peer.call_tool("call_api", {"api": "shop", "path": "missing"}))
    assert missing.startswith(f"shop: GET {first['url'].split('/v1/')[0]}/v1/missing answered HTTP 404 Not Found:")
    assert len(seen) == 3
    # The budget of 3 requests is spent: the next request is refused, the cached one still served.
    limited = tool_error(await peer.call_tool("call_api", {"api": "shop", "path": "items/2"}))
    assert limited.startswith("rate limit of 'shop' reached (3 requests per 3600 s); retry in ")
    assert structured(await peer.call_tool("call_api", {"api": "shop", "path": "items/1", "query": {"q": "a b"}}))["cached"]
    assert len(seen) == 3
    # Other APIs have their own budget and their own auth header.
    keyed = structured(await peer.call_tool("call_api", {"api": "keyed", "path": "ping", "method": "DELETE"}))
    assert keyed["body"]["request"]["api_key"] == API_KEY and keyed["body"]["request"]["authorization"] is None

    for args, message in [
        ({"api": "nope", "path": "x"}, "unknown API 'nope' (configured: keyed, shop)"),
        ({"api": "keyed", "path": "http://example.com/x"}, "path must be relative to the API's base URL"),
        ({"api": "keyed", "path": "//example.com/x"}, "path must be relative to the API's base URL"),
        ({"api": "keyed", "path": "a/../../etc"}, "'..' is not allowed in paths"),
        ({"api": "keyed", "path": "x", "body": {"a": 1}}, "a GET request has no body"),
    ]:
        assert tool_error(await peer.call_tool("call_api", args)).startswith(message), args
    assert "Invalid arguments for tool call_api" in tool_error(
        await peer.call_tool("call_api", {"api": "keyed", "path": "x", "method": "TRACE"}))
    assert len(seen) == 4


@pytest.mark.parametrize("wire", WIRES)
def test_api_over_stdio(wire: str, config: Path, upstream: ThreadingHTTPServer, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio(command(config), wire, errlog) as peer:
            await check_api(peer, upstream.seen)  # type: ignore[attr-defined]

    run(body)


def test_api_over_http(config: Path, upstream: ThreadingHTTPServer, errlog: TextIO) -> None:
    with http_server(command(config), errlog) as url:

        async def body() -> None:
            async with over_http(url, WIRES[0]) as peer:
                await check_api(peer, upstream.seen)  # type: ignore[attr-defined]

        run(body)


def test_api_redirects_stay_within_the_base_url(tmp_path: Path, upstream: ThreadingHTTPServer, errlog: TextIO) -> None:
    origin = f"http://127.0.0.1:{upstream.server_address[1]}"
    config = tmp_path / "redirects.json"
    config.write_text(json.dumps({"apis": {"shop": {"base_url": origin + "/v1", "bearer_token_env": "SHOP_TOKEN",
                                                    "rate_limit": {"requests": 100, "per_seconds": 60}}}}))
    seen: list[dict[str, Any]] = upstream.seen  # type: ignore[attr-defined]

    def chain(hops: int, to: str = "/v1/items/9") -> str:
        """A path under the base that redirects `hops` times before reaching `to`."""
        for _ in range(hops - 1):
            to = "/v1/redirect?" + urllib.parse.urlencode({"to": to})
        return to

    async def redirect(peer: Peer, to: str, code: int = 302) -> Any:
        return await peer.call_tool("call_api", {"api": "shop", "path": "redirect", "query": {"code": str(code), "to": to}})

    with local_http_server(Recorder) as elsewhere:
        elsewhere.seen = []
        other = f"http://127.0.0.1:{elsewhere.server_address[1]}"

        async def body() -> None:
            async with over_stdio(command(config), WIRES[0], errlog) as peer:
                # Under the base URL (relative or absolute): followed, and the secret still arrives.
                followed = structured(await redirect(peer, "/v1/items/7"))
                assert followed["status"] == 200 and followed["body"]["request"]["path"] == "/v1/items/7"
                assert followed["body"]["request"]["authorization"] == f"Bearer {TOKEN}"
                moved = structured(await redirect(peer, f"{origin}/v1/items/8", 308))
                assert moved["body"]["request"]["path"] == "/v1/items/8"
                assert [r["path"].split("?")[0] for r in seen] == ["/v1/redirect", "/v1/items/7", "/v1/redirect", "/v1/items/8"]
                # Anywhere else: a tool error naming where it led, and no request goes there.
                for to, code, where in [
                    (f"{other}/v1/items/1", 302, other),
                    (f"{other}/v1/items/1", 307, other),
                    (f"https://127.0.0.1:{upstream.server_address[1]}/v1/items/1", 301,
                     f"https://127.0.0.1:{upstream.server_address[1]}"),
                    ("/admin", 302, origin),
                    ("/v10/items", 302, origin),
                    ("/v1/../admin", 302, origin),
                    ("/v1/%2e%2e/admin", 302, origin),
                ]:
                    message = tool_error(await redirect(peer, to, code))
                    assert message.startswith(f"shop: GET {origin}/v1/redirect?"), message
                    assert message.endswith(f"was redirected (HTTP {code}) outside the API's base URL, to {where}; "
                                            "the redirect was not followed"), (to, message)
                assert elsewhere.seen == []
                assert len(seen) == 11 and all(r["path"].startswith("/v1/redirect?") for r in seen[4:])
                # A chain of redirects under the base URL is followed up to the limit, not beyond.
                assert structured(await redirect(peer, chain(3)))["body"]["request"]["path"] == "/v1/items/9"
                del seen[:]
                too_many = tool_error(await redirect(peer, chain(4)))
                assert too_many.endswith("was redirected more than 3 times; the redirects were not followed"), too_many
                assert len(seen) == 4 and not any(r["path"] == "/v1/items/9" for r in seen)
                assert elsewhere.seen == []

        run(body)


def test_api_refuses_bad_configuration(tmp_path: Path, config: Path) -> None:
    def start(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["env", "-i", *(f"{k}={v}" for k, v in env.items()), sys.executable, str(SCRIPT), *args],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30, check=False)

    assert "the environment variable SHOP_TOKEN is not set" in start("--config", str(config), env={}).stderr
    for text, message in [
        ('{"apis": {}}', "the configuration names no APIs"),
        ('{"apis": {"a": {"base_url": "ftp://x"}}}', "base_url must be an http(s) URL, got 'ftp://x'"),
        ('{"apis": {"a": {"base_url": "http://x:port/v1"}}}', "base_url must be an http(s) URL, got 'http://x:port/v1'"),
        ('{"apis": {"a": {"base_url": "http://x", "rate_limit": {"requests": 0, "per_seconds": 1}}}}', "rate_limit needs"),
        ("not json", "bad configuration"),
    ]:
        done = start(env={"API_SERVER_CONFIG": text})
        assert done.returncode == 1 and message in done.stderr, text
    assert start(env={}).returncode == 2


def test_api_aggregator_resources(tmp_path: Path, upstream: ThreadingHTTPServer, errlog: TextIO) -> None:
    """api://{name}/health and api://{name}/data for each configured API (one of them down),
    api://health for all; the data is cached, and the limit an API announces is honoured."""
    origin = f"http://127.0.0.1:{upstream.server_address[1]}"
    config = tmp_path / "aggregator.json"
    config.write_text(json.dumps({"apis": {
        "shop": {"base_url": origin + "/v1", "bearer_token_env": "SHOP_TOKEN", "health_path": "health",
                 "data_path": "items?page=1", "cache_ttl_seconds": 3600},
        "keyed": {"base_url": origin, "api_key_env": "KEYED_KEY"},
        "down": {"base_url": f"http://127.0.0.1:{free_port()}", "data_path": "anything", "timeout_seconds": 5},
    }}))
    seen: list[dict[str, Any]] = upstream.seen  # type: ignore[attr-defined]

    async def body() -> None:
        async with over_stdio(command(config), WIRES[1], errlog) as peer:
            listed = sorted(str(r.uri) for r in (await peer.list_resources()).resources)
            assert listed == ["api://down/data", "api://down/health", "api://health", "api://keyed/health",
                              "api://shop/data", "api://shop/health"]
            templates = sorted(t.uri_template for t in (await peer.list_resource_templates()).resource_templates)
            assert templates == ["api://{name}/data", "api://{name}/health"]

            shop = resource_json(await peer.read_resource("api://shop/health"), "api://shop/health")
            assert shop == {"name": "shop", "status": "up", "http_status": 200}
            assert seen[-1]["path"] == "/v1/health" and seen[-1]["authorization"] == f"Bearer {TOKEN}"
            down = resource_json(await peer.read_resource("api://down/health"), "api://down/health")
            assert down["status"] == "down" and down["error"].startswith("down: GET http://127.0.0.1:")
            everything = resource_json(await peer.read_resource("api://health"), "api://health")
            assert everything["status"] == "degraded"
            assert [(a["name"], a["status"]) for a in everything["apis"]] == [("shop", "up"), ("keyed", "up"), ("down", "down")]

            data = resource_json(await peer.read_resource("api://shop/data"), "api://shop/data")
            assert data["cached"] is False and data["body"]["request"]["path"] == "/v1/items?page=1"
            count = len(seen)
            assert resource_json(await peer.read_resource("api://shop/data"), "api://shop/data")["cached"] is True
            assert len(seen) == count
            with pytest.raises(MCPError) as failed:
                await peer.read_resource("api://down/data")
            assert "down: GET http://127.0.0.1:" in str(failed.value)
            for uri in ("api://keyed/data", "api://nope/health", "api://nope/data"):
                with pytest.raises(MCPError) as missing:
                    await peer.read_resource(uri)
                assert missing.value.code == not_found_code(WIRES[1]), uri

            # The API says nothing remains (reset in 120 s): its next calls are refused unsent.
            structured(await peer.call_tool("call_api", {"api": "keyed", "path": "x", "query": {"remaining": "0"}}))
            count = len(seen)
            refused = tool_error(await peer.call_tool("call_api", {"api": "keyed", "path": "y"}))
            assert refused.startswith("keyed: the API's rate limit is used up (it answered x-ratelimit-remaining: 0); retry in ")
            assert len(seen) == count
            keyed = resource_json(await peer.read_resource("api://keyed/health"), "api://keyed/health")
            assert keyed["status"] == "down" and "rate limit is used up" in keyed["error"] and len(seen) == count

    run(body)

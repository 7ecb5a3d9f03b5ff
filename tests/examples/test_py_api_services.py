"""The official MCP client drives examples/python/services_server.py over stdio on both wires
and over Streamable HTTP, against stand-ins for GitHub, OpenWeatherMap, Slack and Brave Search
that this test serves on 127.0.0.1 (stdlib http.server in a thread, recording every request),
named to the server by GITHUB_API_URL, WEATHER_API_URL, SLACK_API_URL and SEARCH_API_URL.

Checked: each tool's answer, built from what the service answered, with the secret each
service needs sent the way it needs it; `cache_duration` (a repeat within it never reaches the
service, 0 always does, Slack messages never cached); the rate limit the service announces
(`x-ratelimit-remaining: 0` refuses the next calls to that service, before any request, and
leaves the others working); service errors (HTTP errors, Slack's `ok: false`) as tool errors.
Attacker text: names that would leave the path (`..`, `/`), line breaks meant to add a header
(none arrives), a redirect to another local server (refused, that server never asked), an
answer larger than the cap, a service slower than the timeout; no secret appears in any
answer or error, even when the service echoes it. A tool whose secret is missing says so and
the others work; a bad base URL stops the server at startup.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any, TextIO

import pytest
from support import REPO_ROOT, WIRES, http_server, local_http_server, over_http, over_stdio, Peer, run, structured, tool_error

SCRIPT = REPO_ROOT / "examples" / "python" / "services_server.py"
SECRETS = {"GITHUB_TOKEN": "gh-s3cr3t", "WEATHER_API_KEY": "w3ath3r-key", "SLACK_BOT_TOKEN": "xoxb-s3cr3t",
           "SEARCH_API_KEY": "s3arch-key"}
BIG = 1024 * 1024 + 10


class Services(BaseHTTPRequestHandler):
    """The four services, each under its own prefix; records every request in `server.seen`."""

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else None
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        self.server.seen.append({"method": self.command, "path": url.path, "query": query,  # type: ignore[attr-defined]
                                 "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        parts = [urllib.parse.unquote(p) for p in url.path.split("/")]
        if url.path.startswith("/gh/repos/") and len(parts) == 5:
            self._github(parts[3], parts[4])
        elif url.path == "/weather/weather":
            self._weather(query)
        elif url.path == "/slack/chat.postMessage" and self.command == "POST":
            self._slack(json.loads(body or "{}"))
        elif url.path == "/search/web/search":
            found = [{"title": f"Result {i} for {query['q'][0]}", "url": f"https://example.com/{i}", "description": "text"}
                     for i in range(int(query["count"][0]))]
            ok = self.headers.get("X-Subscription-Token") == SECRETS["SEARCH_API_KEY"]
            self._send(200 if ok else 401, {"web": {"results": found}} if ok else {"error": "bad token"})
        else:
            self._send(404, {"message": "Not Found"})

    def _github(self, owner: str, repo: str) -> None:
        if owner == "big":
            return self._send(200, b" " * BIG)
        if owner == "moved":
            self.send_response(302)
            self.send_header("Location", self.server.elsewhere + "/gh/repos/x/y")  # type: ignore[attr-defined]
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if owner == "slow":
            time.sleep(3)
        remaining = "0" if owner == "limited" else "4999"
        self._send(200, {"full_name": f"{owner}/{repo}", "description": "a repository", "stargazers_count": 42,
                         "forks_count": 7, "open_issues_count": 3, "language": "Rust", "license": {"spdx_id": "MIT"},
                         "default_branch": "main", "pushed_at": "2026-11-01T00:00:00Z", "html_url": f"https://github.com/{owner}/{repo}"},
                   {"x-ratelimit-remaining": remaining, "x-ratelimit-reset": str(int(time.time()) + 600)})
        return None

    def _weather(self, query: dict[str, list[str]]) -> None:
        key = query.get("appid", [""])
        if key != [SECRETS["WEATHER_API_KEY"]]:
            return self._send(401, {"cod": 401, "message": f"Invalid API key {key}. See the docs."})
        city = query["q"][0]
        if city == "Nowhere":
            return self._send(404, {"cod": "404", "message": "city not found"})
        return self._send(200, {"name": city, "sys": {"country": "FR"}, "weather": [{"description": "clear sky"}],
                                "main": {"temp": 21.5, "feels_like": 20.9, "humidity": 40}, "wind": {"speed": 3.2}})

    def _slack(self, message: dict[str, Any]) -> None:
        if self.headers.get("Authorization") != f"Bearer {SECRETS['SLACK_BOT_TOKEN']}":
            return self._send(200, {"ok": False, "error": "invalid_auth"})
        if message.get("channel") == "#nowhere":
            return self._send(200, {"ok": False, "error": "channel_not_found"})
        return self._send(200, {"ok": True, "channel": "C0123", "ts": "1700000000.000100"})

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@pytest.fixture
def services() -> Iterator[Any]:
    """The stand-in services, and another local server (`.other`) no request may reach."""
    with local_http_server(Services) as httpd, local_http_server(Services) as other:
        httpd.seen, other.seen = [], []
        httpd.elsewhere = f"http://127.0.0.1:{other.server_address[1]}"
        httpd.other = other
        yield httpd


def command(services: Any, **env: str) -> list[str]:
    """The server pointed at the stand-ins (the stdio client passes a minimal environment, so
    everything goes through `env`)."""
    base = f"http://127.0.0.1:{services.server_address[1]}"
    urls = {"GITHUB_API_URL": base + "/gh", "WEATHER_API_URL": base + "/weather", "SLACK_API_URL": base + "/slack",
            "SEARCH_API_URL": base + "/search"}
    settings = {**urls, **SECRETS, **env}
    return ["env", *(f"{k}={v}" for k, v in settings.items() if v), sys.executable, str(SCRIPT)]


async def answer(peer: Peer, answers: list[str], tool: str, args: dict[str, Any]) -> Any:
    """A tool's result, its text kept in `answers` (checked for secrets at the end)."""
    result = await peer.call_tool(tool, args)
    answers.extend(c.text for c in result.content if hasattr(c, "text"))
    return result


async def check_services(peer: Peer, services: Any) -> None:
    seen: list[dict[str, Any]] = services.seen
    texts: list[str] = []
    tools = {t.name: t for t in (await peer.list_tools()).tools}
    assert sorted(tools) == ["github_repo_info", "send_slack_message", "weather_info", "web_search"]
    assert tools["github_repo_info"].input_schema["properties"]["cache_duration"]["maximum"] == 3600

    repo = structured(await answer(peer, texts, "github_repo_info", {"owner": "python", "repo": "cpython"}))
    assert repo == {"full_name": "python/cpython", "description": "a repository", "stars": 42, "forks": 7, "open_issues": 3,
                    "language": "Rust", "license": "MIT", "default_branch": "main", "pushed_at": "2026-11-01T00:00:00Z",
                    "url": "https://github.com/python/cpython", "cached": False}
    assert seen[-1]["path"] == "/gh/repos/python/cpython"
    assert seen[-1]["headers"]["authorization"] == f"Bearer {SECRETS['GITHUB_TOKEN']}"
    assert seen[-1]["headers"]["accept"] == "application/vnd.github+json" and "user-agent" in seen[-1]["headers"]
    # cache_duration: a repeat is answered from the cache; 0 asks the service again.
    assert structured(await answer(peer, texts, "github_repo_info", {"owner": "python", "repo": "cpython"}))["cached"] is True
    assert len(seen) == 1
    fresh = await answer(peer, texts, "github_repo_info", {"owner": "python", "repo": "cpython", "cache_duration": 0})
    assert structured(fresh)["cached"] is False and len(seen) == 2
    assert "Invalid arguments" in tool_error(await peer.call_tool("github_repo_info", {"owner": "a", "repo": "b", "cache_duration": 3601}))

    weather = structured(await answer(peer, texts, "weather_info", {"city": "Paris,FR"}))
    assert weather == {"city": "Paris,FR", "country": "FR", "temperature_c": 21.5, "feels_like_c": 20.9, "humidity": 40,
                       "wind_speed": 3.2, "description": "clear sky", "cached": False}
    assert seen[-1]["query"] == {"q": ["Paris,FR"], "units": ["metric"], "appid": [SECRETS["WEATHER_API_KEY"]]}
    assert structured(await answer(peer, texts, "weather_info", {"city": "paris,fr"}))["cached"] is True and len(seen) == 3
    missing = tool_error(await answer(peer, texts, "weather_info", {"city": "Nowhere"}))
    assert missing == 'weather: GET weather answered HTTP 404 Not Found: {"cod": "404", "message": "city not found"}'

    sent = structured(await answer(peer, texts, "send_slack_message", {"channel": "#general", "text": "hello\r\nX-Injected: 1"}))
    assert sent == {"ok": True, "channel": "C0123", "ts": "1700000000.000100"}
    assert json.loads(seen[-1]["body"]) == {"channel": "#general", "text": "hello\r\nX-Injected: 1"}
    assert seen[-1]["headers"]["authorization"] == f"Bearer {SECRETS['SLACK_BOT_TOKEN']}"
    structured(await answer(peer, texts, "send_slack_message", {"channel": "C0123", "text": "again"}))
    assert len(seen) == 6  # never cached
    assert tool_error(await answer(peer, texts, "send_slack_message", {"channel": "#nowhere", "text": "x"})) == (
        "slack: the message was not sent: channel_not_found")

    found = structured(await answer(peer, texts, "web_search", {"query": "mcp servers", "count": 2}))
    assert found == {"query": "mcp servers", "cached": False, "results": [
        {"title": "Result 0 for mcp servers", "url": "https://example.com/0", "description": "text"},
        {"title": "Result 1 for mcp servers", "url": "https://example.com/1", "description": "text"}]}
    assert seen[-1]["headers"]["x-subscription-token"] == SECRETS["SEARCH_API_KEY"]
    assert len(structured(await answer(peer, texts, "web_search", {"query": "mcp servers"}))["results"]) == 5

    # Attacker text: it fills a path segment, a query value or a JSON body, nothing more.
    before = len(seen)
    for args, message in [
        ({"owner": "..", "repo": "x"}, "owner must be a GitHub name"),
        ({"owner": "python", "repo": "../../admin"}, "repo must be a GitHub name"),
        ({"owner": "a/b", "repo": "c"}, "owner must be a GitHub name"),
        ({"owner": "a\r\nX-Injected: 1", "repo": "c"}, "owner must be a GitHub name"),
    ]:
        assert tool_error(await answer(peer, texts, "github_repo_info", args)).startswith(message), args
    assert tool_error(await answer(peer, texts, "send_slack_message", {"channel": "#a\r\nX-Injected: 1", "text": "x"})).startswith(
        "channel must be a Slack channel name or ID")
    assert len(seen) == before
    tricky = "Paris\r\nX-Injected: 1&appid=stolen#/../.."
    structured(await answer(peer, texts, "weather_info", {"city": tricky}))
    assert seen[-1]["path"] == "/weather/weather" and seen[-1]["query"]["q"] == [tricky]
    assert seen[-1]["query"]["appid"] == [SECRETS["WEATHER_API_KEY"]]
    assert not any("x-injected" in r["headers"] for r in seen)
    moved = tool_error(await answer(peer, texts, "github_repo_info", {"owner": "moved", "repo": "x"}))
    assert moved == (f"github: GET http://127.0.0.1:{services.server_address[1]}/gh/repos/moved/x was redirected (HTTP 302) outside the API's base URL, to {services.elsewhere}; "
                     "the redirect was not followed")
    assert services.other.seen == []
    big = tool_error(await answer(peer, texts, "github_repo_info", {"owner": "big", "repo": "x"}))
    assert big == "github: the response is larger than 1048576 bytes"

    # The service says nothing remains: its next calls are refused before any request...
    structured(await answer(peer, texts, "github_repo_info", {"owner": "limited", "repo": "x"}))
    before = len(seen)
    limited = tool_error(await answer(peer, texts, "github_repo_info", {"owner": "python", "repo": "other"}))
    assert limited.startswith("github: the API's rate limit is used up (it answered x-ratelimit-remaining: 0); retry in ")
    assert 590 <= int(limited.rsplit(" ", 2)[1]) <= 600 and len(seen) == before
    # ... an answer in the cache is still served, and the other services work.
    assert structured(await answer(peer, texts, "github_repo_info", {"owner": "python", "repo": "cpython"}))["cached"] is True
    assert structured(await answer(peer, texts, "weather_info", {"city": "Lyon"}))["cached"] is False
    assert not [t for t in texts if any(secret in t for secret in SECRETS.values())]


@pytest.mark.parametrize("wire", WIRES)
def test_services_over_stdio(wire: str, services: Any, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio(command(services), wire, errlog) as peer:
            await check_services(peer, services)

    run(body)


def test_services_over_http(services: Any, errlog: TextIO) -> None:
    with http_server(command(services), errlog) as url:

        async def body() -> None:
            async with over_http(url, WIRES[0]) as peer:
                await check_services(peer, services)

        run(body)


def test_services_secrets_timeouts_and_configuration(services: Any, errlog: TextIO) -> None:
    wrong_key = "wr0ng-key"
    settings = {"WEATHER_API_KEY": wrong_key, "SLACK_BOT_TOKEN": "", "SEARCH_API_KEY": "", "SERVICES_TIMEOUT": "1"}

    async def body() -> None:
        async with over_stdio(command(services, **settings), WIRES[0], errlog) as peer:
            # The service echoes the key it was given: the error shows *** in its place.
            refused = tool_error(await peer.call_tool("weather_info", {"city": "Paris"}))
            assert refused == "weather: GET weather answered HTTP 401 Unauthorized: " \
                              "{\"cod\": 401, \"message\": \"Invalid API key ['***']. See the docs.\"}"
            assert tool_error(await peer.call_tool("send_slack_message", {"channel": "#general", "text": "x"})) == (
                "slack is not configured: set SLACK_BOT_TOKEN in the server's environment")
            assert tool_error(await peer.call_tool("web_search", {"query": "x"})) == (
                "search is not configured: set SEARCH_API_KEY in the server's environment")
            slow = tool_error(await peer.call_tool("github_repo_info", {"owner": "slow", "repo": "x"}))
            assert slow.startswith("github: GET ") and slow.endswith("/gh/repos/slow/x failed: timed out"), slow
            assert structured(await peer.call_tool("github_repo_info", {"owner": "python", "repo": "cpython"}))["stars"] == 42

    run(body)
    for env, message in [({"GITHUB_API_URL": "ftp://example.com"}, "GITHUB_API_URL: base_url must be an http(s) URL"),
                         ({"SERVICES_TIMEOUT": "0"}, "SERVICES_TIMEOUT must be in (0, 300]")]:
        done = subprocess.run(command(services, **env), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=30, check=False)
        assert done.returncode == 1 and message in done.stderr, done.stderr

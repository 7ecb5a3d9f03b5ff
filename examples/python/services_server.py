"""Named tools over well-known web APIs: ``github_repo_info``, ``weather_info``,
``send_slack_message`` and ``web_search``.

Each tool calls one service whose base URL comes from the environment and defaults to the
real one, so the same server runs against the services or against stand-ins (a test, a
proxy, a company mirror):

==================  ==================  =========================================  ==========================
tool                base URL variable   default                                    secret (environment)
==================  ==================  =========================================  ==========================
github_repo_info    GITHUB_API_URL      https://api.github.com                     GITHUB_TOKEN (optional)
weather_info        WEATHER_API_URL     https://api.openweathermap.org/data/2.5    WEATHER_API_KEY
send_slack_message  SLACK_API_URL       https://slack.com/api                      SLACK_BOT_TOKEN
web_search          SEARCH_API_URL      https://api.search.brave.com/res/v1        SEARCH_API_KEY
==================  ==================  =========================================  ==========================

A tool whose secret is missing says so when called; the others keep working. Secrets never
appear in an answer or an error (http_upstream.py replaces them with ``***``).

The reading tools take ``cache_duration`` (seconds, 0 to ``MAX_CACHE_DURATION``, default
300): an answer fetched at most that long ago is reused (``cached: true``) and the service
is not asked; 0 always asks. Each service's own rate limit, announced in its
``x-ratelimit-remaining``/``x-ratelimit-reset`` headers, is honoured: once it says nothing
remains, calls are refused with the time to wait, before any request. Every request has a
timeout (``SERVICES_TIMEOUT``, seconds, default 10) and every answer a size cap
(``SERVICES_MAX_BYTES``, default 1 MiB). The caller's text only ever fills a path segment
(checked against the service's own name rules, then escaped), a query value or a JSON body,
so it can neither reach another host nor add a header; redirects away from the base URL are
refused.

    GITHUB_TOKEN=... WEATHER_API_KEY=... python examples/python/services_server.py [--http HOST:PORT]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.parse
from typing import Annotated, Any, Callable, Dict, List, Optional, Tuple

import mcpforge
from http_upstream import Upstream, UpstreamError
from mcpforge import Field, Server, ToolError
from ttl_cache import TtlCache

MAX_CACHE_DURATION = 3600
CACHE = TtlCache(MAX_CACHE_DURATION, max_entries=512, max_bytes=32 * 1024 * 1024)
GITHUB_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
SLACK_CHANNEL = re.compile(r"^[#@]?[A-Za-z0-9._-]{1,80}$")

server = Server(
    "mcpforge-services",
    version=mcpforge.__version__,
    instructions="GitHub repositories, the weather, Slack messages and web search, through their public APIs.",
)


class Service:
    """One service: its upstream, and the secret it needs (None when none is configured)."""

    def __init__(self, name: str, url_env: str, default: str, secret_env: Optional[str], headers: Dict[str, str],
                 auth: Optional[Callable[[str], Dict[str, str]]] = None) -> None:
        self.name, self.secret_env = name, secret_env
        self.secret = os.environ.get(secret_env) if secret_env else None
        if self.secret is not None and not self.secret.isprintable():
            raise ValueError(f"{secret_env} holds a line break or a control character")
        if self.secret and auth is not None:
            headers = {**headers, **auth(self.secret)}
        timeout = float(os.environ.get("SERVICES_TIMEOUT", "10"))
        max_bytes = int(os.environ.get("SERVICES_MAX_BYTES", str(1024 * 1024)))
        if not (0 < timeout <= 300 and 0 < max_bytes <= 64 * 1024 * 1024):
            raise ValueError("SERVICES_TIMEOUT must be in (0, 300] seconds and SERVICES_MAX_BYTES in (0, 64 MiB]")
        try:
            self.upstream = Upstream(name, os.environ.get(url_env) or default, headers, timeout, max_bytes,
                                     [self.secret] if self.secret else [])
        except ValueError as e:
            raise ValueError(f"{url_env}: {e}") from None

    def needed_secret(self) -> str:
        if not self.secret:
            raise ToolError(f"{self.name} is not configured: set {self.secret_env} in the server's environment")
        return self.secret

    def call(self, method: str, path: str, query: List[Tuple[str, str]] = [], body: Any = None,  # noqa: B006
             shown: Optional[str] = None) -> Any:
        """The JSON the service answers (UpstreamError as a tool error)."""
        try:
            answer = self.upstream.request(method, self.upstream.url(path, query), body, shown)
        except UpstreamError as e:
            raise ToolError(str(e)) from None
        if not isinstance(answer.body, dict):
            raise ToolError(f"{self.name}: expected a JSON object, got {answer.content_type or 'no content type'}")
        return answer.body

    def cached(self, key: Tuple[Any, ...], cache_duration: int, fetch: Callable[[], Dict[str, Any]]) -> Dict[str, Any]:
        """``fetch()``'s answer, or the one it gave at most ``cache_duration`` seconds ago."""
        full = (self.name, *key)
        if cache_duration > 0:
            hit = CACHE.get(full, max_age=cache_duration)
            if hit is not None:
                return {**hit, "cached": True}
        result = fetch()
        CACHE.put(full, result, len(json.dumps(result)))
        return {**result, "cached": False}


GITHUB: Service
WEATHER: Service
SLACK: Service
SEARCH: Service


def services() -> None:
    """Reads the four services' configuration from the environment."""
    global GITHUB, WEATHER, SLACK, SEARCH
    agent = {"User-Agent": f"mcpforge-services/{mcpforge.__version__}"}
    GITHUB = Service("github", "GITHUB_API_URL", "https://api.github.com", "GITHUB_TOKEN",
                     {**agent, "Accept": "application/vnd.github+json"}, lambda t: {"Authorization": f"Bearer {t}"})
    WEATHER = Service("weather", "WEATHER_API_URL", "https://api.openweathermap.org/data/2.5", "WEATHER_API_KEY", agent)
    SLACK = Service("slack", "SLACK_API_URL", "https://slack.com/api", "SLACK_BOT_TOKEN", agent,
                    lambda t: {"Authorization": f"Bearer {t}"})
    SEARCH = Service("search", "SEARCH_API_URL", "https://api.search.brave.com/res/v1", "SEARCH_API_KEY",
                     {**agent, "Accept": "application/json"}, lambda k: {"X-Subscription-Token": k})


CacheDuration = Annotated[int, Field(ge=0, le=MAX_CACHE_DURATION,
                                     description="Reuse an answer fetched at most this many seconds ago (0: always ask).")]


def github_name(value: str, what: str) -> str:
    if not GITHUB_NAME.match(value) or value in (".", ".."):
        raise ToolError(f"{what} must be a GitHub name (letters, digits, '-', '_', '.'), got {value!r}")
    return urllib.parse.quote(value, safe="")


@server.tool(title="GitHub repository", annotations={"readOnlyHint": True, "openWorldHint": True})
def github_repo_info(
    owner: Annotated[str, Field(max_length=100, description="The owner (user or organization).")],
    repo: Annotated[str, Field(max_length=100, description="The repository's name.")],
    cache_duration: CacheDuration = 300,
) -> Dict[str, Any]:
    """A GitHub repository: description, stars, forks, open issues, language, license,
    default branch, when it was last pushed, its URL."""
    path = f"repos/{github_name(owner, 'owner')}/{github_name(repo, 'repo')}"

    def fetch() -> Dict[str, Any]:
        r = GITHUB.call("GET", path)
        return {"full_name": r.get("full_name"), "description": r.get("description"), "stars": r.get("stargazers_count"),
                "forks": r.get("forks_count"), "open_issues": r.get("open_issues_count"), "language": r.get("language"),
                "license": (r.get("license") or {}).get("spdx_id"), "default_branch": r.get("default_branch"),
                "pushed_at": r.get("pushed_at"), "url": r.get("html_url")}

    return GITHUB.cached((owner.lower(), repo.lower()), cache_duration, fetch)


@server.tool(title="Current weather", annotations={"readOnlyHint": True, "openWorldHint": True})
def weather_info(
    city: Annotated[str, Field(min_length=1, max_length=100, description='A city, optionally with its country: "Paris,FR".')],
    cache_duration: CacheDuration = 300,
) -> Dict[str, Any]:
    """The weather in a city now (OpenWeatherMap): temperature and feels-like in °C,
    humidity, wind speed in m/s, a description."""
    key = WEATHER.needed_secret()

    def fetch() -> Dict[str, Any]:
        # The key travels in the query, as the service requires; messages name the request without it.
        r = WEATHER.call("GET", "weather", [("q", city), ("units", "metric"), ("appid", key)], shown="GET weather")
        main, wind = r.get("main") or {}, r.get("wind") or {}
        return {"city": r.get("name"), "country": (r.get("sys") or {}).get("country"),
                "temperature_c": main.get("temp"), "feels_like_c": main.get("feels_like"), "humidity": main.get("humidity"),
                "wind_speed": wind.get("speed"), "description": ", ".join(w.get("description", "") for w in r.get("weather") or [])}

    return WEATHER.cached((city.strip().lower(),), cache_duration, fetch)


@server.tool(title="Send a Slack message", annotations={"destructiveHint": False, "openWorldHint": True})
def send_slack_message(
    channel: Annotated[str, Field(max_length=81, description="A channel name (#general) or ID (C0123456789).")],
    text: Annotated[str, Field(min_length=1, max_length=4000, description="The message (Slack mrkdwn).")],
) -> Dict[str, Any]:
    """Posts a message to a Slack channel (chat.postMessage); answers the channel ID and the
    message's timestamp. Never cached."""
    SLACK.needed_secret()
    if not SLACK_CHANNEL.match(channel):
        raise ToolError(f"channel must be a Slack channel name or ID, got {channel!r}")
    r = SLACK.call("POST", "chat.postMessage", body={"channel": channel, "text": text})
    if r.get("ok") is not True:
        raise ToolError(f"slack: the message was not sent: {r.get('error', 'no reason given')}")
    return {"ok": True, "channel": r.get("channel"), "ts": r.get("ts")}


@server.tool(title="Search the web", annotations={"readOnlyHint": True, "openWorldHint": True})
def web_search(
    query: Annotated[str, Field(min_length=1, max_length=400, description="What to search for.")],
    count: Annotated[int, Field(ge=1, le=20, description="How many results.")] = 5,
    cache_duration: CacheDuration = 300,
) -> Dict[str, Any]:
    """Web search results (Brave Search API): title, URL and description of each."""
    SEARCH.needed_secret()

    def fetch() -> Dict[str, Any]:
        r = SEARCH.call("GET", "web/search", [("q", query), ("count", str(count))])
        results = ((r.get("web") or {}).get("results") or [])[:count]
        return {"query": query, "results": [{"title": x.get("title"), "url": x.get("url"), "description": x.get("description")}
                                            for x in results if isinstance(x, dict)]}

    return SEARCH.cached((query, count), cache_duration, fetch)


def main() -> int:
    parser = argparse.ArgumentParser(description="GitHub, weather, Slack and web search over MCP")
    parser.add_argument("--http", metavar="HOST:PORT", help="serve Streamable HTTP at /mcp instead of stdio")
    args = parser.parse_args()
    try:
        services()
    except ValueError as e:
        print(f"services_server: bad configuration: {e}", file=sys.stderr)
        return 1
    server.serve(http=args.http)  # stdio, or HTTP with --http; returns on EOF, Ctrl-C or SIGTERM
    return 0


if __name__ == "__main__":
    sys.exit(main())

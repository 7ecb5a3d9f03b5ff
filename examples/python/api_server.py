"""An HTTP API gateway and aggregator MCP server: ``call_api`` against configured APIs,
``list_apis``, and for every API the resources ``api://{name}/health`` and
``api://{name}/data`` (with ``api://health`` for all of them at once).

Each API has a base URL, optional auth headers (values taken from environment variables, so
secrets stay out of the file), a sliding-window rate limit, the rate limit the API announces
in its ``x-ratelimit-*`` headers, and a TTL cache for GET responses. The model chooses only
the API, a relative path, the method, the query and the body; it can never reach another
host. Redirects are followed (at most three) only while they stay under the API's base URL
(same scheme, host and port, and under its path); a redirect anywhere else is a tool error
and is not followed, so the API's credentials never travel to another origin
(http_upstream.py). Standard library only.

The aggregator: ``health_path`` (default: the base URL itself) is what ``api://{name}/health``
asks (``up`` for an answer below 400, else ``down`` with the status or the error) and
``data_path`` what ``api://{name}/data`` reads, through the same cache and limits as
``call_api``. Both templates list the resources of the configured APIs.

Configuration: a JSON file (``--config FILE``) or the ``API_SERVER_CONFIG`` environment
variable holding the same JSON::

    {"apis": {"github": {
        "base_url": "https://api.github.com",
        "headers": {"Accept": "application/vnd.github+json"},
        "bearer_token_env": "GITHUB_TOKEN",          # Authorization: Bearer $GITHUB_TOKEN
        "rate_limit": {"requests": 30, "per_seconds": 60},
        "cache_ttl_seconds": 60,
        "timeout_seconds": 10,
        "health_path": "zen",
        "data_path": "repos/python/cpython"}}}

``api_key_header`` + ``api_key_env`` send a key in a header of your choice instead.

    python examples/python/api_server.py --config apis.json [--http HOST:PORT]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Deque, Dict, List, Literal, Optional

import mcpforge
from http_upstream import Upstream, UpstreamError, check_base_url
from mcpforge import ResourceError, Server, ToolError
from ttl_cache import TtlCache

MAX_RESPONSE_BYTES = 1024 * 1024

server = Server(
    "mcpforge-api-gateway",
    version=mcpforge.__version__,
    instructions="Calls the configured HTTP APIs (list_apis shows them) within their rate limits.",
)


class SlidingWindow:
    """At most ``limit`` events in any ``window`` seconds (thread-safe)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self.events: Deque[float] = collections.deque()
        self.lock = threading.Lock()

    def acquire(self) -> Optional[float]:
        """Records an event and returns None, or returns the seconds until one is allowed."""
        now = time.monotonic()
        with self.lock:
            while self.events and self.events[0] <= now - self.window:
                self.events.popleft()
            if len(self.events) >= self.limit:
                return self.events[0] + self.window - now
            self.events.append(now)
            return None


@dataclass
class Api:
    """One configured API."""

    name: str
    upstream: Upstream
    limiter: SlidingWindow
    cache: TtlCache
    health_path: str = ""
    data_path: Optional[str] = None
    public: Dict[str, Any] = field(default_factory=dict)  # what list_apis shows (no secrets)


APIS: Dict[str, Api] = {}


def load_apis(config: Dict[str, Any], environ: Dict[str, str]) -> Dict[str, Api]:
    """The APIs of a configuration; raises ValueError naming what is wrong."""
    apis = {}
    for name, spec in (config.get("apis") or {}).items():
        try:
            base = check_base_url(str(spec.get("base_url", "")))
        except ValueError as e:
            raise ValueError(f"api {name!r}: {e}") from None
        headers = {str(k): str(v) for k, v in (spec.get("headers") or {}).items()}
        secrets = []
        for key, header, prefix in (("bearer_token_env", "Authorization", "Bearer "),
                                    ("api_key_env", spec.get("api_key_header", "X-API-Key"), "")):
            if key in spec:
                secret = environ.get(spec[key])
                if not secret:
                    raise ValueError(f"api {name!r}: the environment variable {spec[key]} is not set")
                if not secret.isprintable():
                    raise ValueError(f"api {name!r}: the environment variable {spec[key]} holds a line break or control character")
                headers[header] = prefix + secret
                secrets.append(secret)
        limit = spec.get("rate_limit") or {"requests": 60, "per_seconds": 60}
        requests, per = int(limit["requests"]), float(limit["per_seconds"])
        if requests < 1 or per <= 0:
            raise ValueError(f"api {name!r}: rate_limit needs requests >= 1 and per_seconds > 0")
        ttl = float(spec.get("cache_ttl_seconds", 0))
        upstream = Upstream(name, base, headers, float(spec.get("timeout_seconds", 10)), MAX_RESPONSE_BYTES, secrets)
        apis[name] = Api(
            name, upstream, SlidingWindow(requests, per), TtlCache(ttl), str(spec.get("health_path", "")),
            spec.get("data_path"),
            {"name": name, "base_url": spec["base_url"], "rate_limit": {"requests": requests, "per_seconds": per},
             "cache_ttl_seconds": ttl, "authenticated": bool(secrets)},
        )
    if not apis:
        raise ValueError("the configuration names no APIs (expected {\"apis\": {\"name\": {\"base_url\": ...}}})")
    return apis


def known_api(api: str) -> Api:
    target = APIS.get(api)
    if target is None:
        raise ToolError(f"unknown API {api!r} (configured: {', '.join(sorted(APIS))})")
    return target


def cached_call(target: Api, method: str, path: str, query: Dict[str, str], body: Any) -> Dict[str, Any]:
    """One call of an API: GETs from the cache when it holds the answer, else within the
    API's own rate limits (the configured window, then the one it announces)."""
    try:
        url = target.upstream.url(path, sorted(query.items()))
    except UpstreamError as e:
        raise ToolError(str(e)) from None
    key = (method, url)
    if method == "GET":
        cached = target.cache.get(key)
        if cached is not None:
            return {**cached, "cached": True}
    wait = target.limiter.acquire()
    if wait is not None:
        limit = target.public["rate_limit"]
        raise ToolError(f"rate limit of {target.name!r} reached ({limit['requests']} requests per {limit['per_seconds']:g} s); "
                        f"retry in {wait:.1f} s")
    try:
        answer = target.upstream.request(method, url, body)
    except UpstreamError as e:
        raise ToolError(str(e)) from None
    result = {"url": url, "status": answer.status, "content_type": answer.content_type, "body": answer.body}
    if method == "GET":
        target.cache.put(key, result, len(json.dumps(result)))
    return {**result, "cached": False}


@server.tool(title="List APIs", annotations={"readOnlyHint": True})
def list_apis() -> Dict[str, List[Dict[str, Any]]]:
    """The APIs call_api can reach: base URL, rate limit, cache lifetime, whether it is authenticated."""
    return {"apis": [api.public for api in APIS.values()]}


@server.tool(title="Call an API", annotations={"openWorldHint": True})
def call_api(
    api: Annotated[str, "The API's name (see list_apis)."],
    path: Annotated[str, "A path relative to the API's base URL, e.g. repos/python/cpython."],
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "GET",
    query: Annotated[Dict[str, str], "Query parameters."] = {},  # noqa: B006
    body: Annotated[Any, "A JSON body (not for GET)."] = None,
) -> Dict[str, Any]:
    """Call a configured HTTP API. GET responses may come from the cache (cached: true);
    calls beyond the API's rate limit are refused with the time to wait."""
    target = known_api(api)
    if method == "GET" and body is not None:
        raise ToolError("a GET request has no body")
    return cached_call(target, method, path, query, body)


def health(api: Api) -> Dict[str, Any]:
    """Whether the API answers its health path now (never from the cache, and outside the
    configured window: a probe is not a call; the limit the API announces still holds)."""
    try:
        answer = api.upstream.request("GET", api.upstream.url(api.health_path))
    except UpstreamError as e:
        return {"name": api.name, "status": "down", "error": str(e)}
    return {"name": api.name, "status": "up", "http_status": answer.status}


def listed(kind: str) -> List[Dict[str, str]]:
    """The aggregator's resources of one kind (``health`` or ``data``), one per API."""
    return [{"uri": f"api://{urllib.parse.quote(name, safe='')}/{kind}", "name": f"{name} {kind}"}
            for name, api in APIS.items() if kind == "health" or api.data_path is not None]


@server.resource("api://{name}/health", name="api-health", mime_type="application/json",
                 description="Whether one API answers now.", list_resources=lambda: listed("health"))
def api_health(name: str) -> Optional[Dict[str, Any]]:
    api = APIS.get(name)
    return None if api is None else health(api)


@server.resource("api://health", name="health", mime_type="application/json",
                 description="Whether each configured API answers now.")
def all_health() -> Dict[str, Any]:
    checks = [health(api) for api in APIS.values()]
    return {"status": "up" if all(c["status"] == "up" for c in checks) else "degraded", "apis": checks}


@server.resource("api://{name}/data", name="api-data", mime_type="application/json",
                 description="What an API answers at its data_path (cached, within its rate limits).",
                 list_resources=lambda: listed("data"))
def api_data(name: str) -> Optional[Dict[str, Any]]:
    api = APIS.get(name)
    if api is None or api.data_path is None:
        return None
    try:
        return cached_call(api, "GET", api.data_path, {}, None)
    except ToolError as e:  # a read fails with an error response (-32603) carrying the reason
        raise ResourceError(str(e)) from None


def main() -> int:
    global APIS
    parser = argparse.ArgumentParser(description="configured HTTP APIs over MCP")
    parser.add_argument("--config", type=Path, help="a JSON file (else $API_SERVER_CONFIG holds the JSON)")
    parser.add_argument("--http", metavar="HOST:PORT", help="serve Streamable HTTP at /mcp instead of stdio")
    args = parser.parse_args()
    try:
        text = args.config.read_text(encoding="utf-8") if args.config else os.environ.get("API_SERVER_CONFIG")
        if not text:
            parser.error("give --config FILE or set API_SERVER_CONFIG")
        APIS = load_apis(json.loads(text), dict(os.environ))
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"api_server: bad configuration: {e}", file=sys.stderr)
        return 1
    server.serve(http=args.http)  # stdio, or HTTP with --http; returns on EOF, Ctrl-C or SIGTERM
    return 0


if __name__ == "__main__":
    sys.exit(main())

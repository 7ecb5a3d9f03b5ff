"""An HTTP API gateway MCP server: ``call_api`` against configured APIs, ``list_apis``.

Each API has a base URL, optional auth headers (values taken from environment variables, so
secrets stay out of the file), a sliding-window rate limit and a TTL cache for GET
responses. The model chooses only the API, a relative path, the method, the query and the
body; it can never reach another host. Redirects are followed (at most ``MAX_REDIRECTS`` of
them) only while they stay under the API's base URL (same scheme, host and port, and under
its path); a redirect anywhere else is a tool error and is not followed, so the API's
credentials never travel to another origin. Standard library only (urllib, which keeps no
cookies).

Configuration: a JSON file (``--config FILE``) or the ``API_SERVER_CONFIG`` environment
variable holding the same JSON::

    {"apis": {"github": {
        "base_url": "https://api.github.com",
        "headers": {"Accept": "application/vnd.github+json"},
        "bearer_token_env": "GITHUB_TOKEN",          # Authorization: Bearer $GITHUB_TOKEN
        "rate_limit": {"requests": 30, "per_seconds": 60},
        "cache_ttl_seconds": 60,
        "timeout_seconds": 10}}}

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
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Deque, Dict, List, Literal, Optional, Tuple

import mcpforge
from mcpforge import Server, ToolError

MAX_RESPONSE_BYTES = 1024 * 1024
MAX_REDIRECTS = 3
DEFAULT_PORTS = {"http": 80, "https": 443}

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


class TtlCache:
    """Responses by key, each kept for ``ttl`` seconds (thread-safe, bounded in size)."""

    def __init__(self, ttl: float, max_entries: int = 256) -> None:
        self.ttl, self.max_entries = ttl, max_entries
        self.entries: "collections.OrderedDict[Any, Tuple[float, Dict[str, Any]]]" = collections.OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Optional[Dict[str, Any]]:
        with self.lock:
            hit = self.entries.get(key)
            if hit is None or hit[0] < time.monotonic():
                self.entries.pop(key, None)
                return None
            return hit[1]

    def put(self, key: Any, value: Dict[str, Any]) -> None:
        if self.ttl <= 0:
            return
        with self.lock:
            self.entries[key] = (time.monotonic() + self.ttl, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)


@dataclass
class Api:
    """One configured API."""

    name: str
    base_url: str
    headers: Dict[str, str]
    limiter: SlidingWindow
    cache: TtlCache
    timeout: float
    public: Dict[str, Any] = field(default_factory=dict)  # what list_apis shows (no secrets)


APIS: Dict[str, Api] = {}


def load_apis(config: Dict[str, Any], environ: Dict[str, str]) -> Dict[str, Api]:
    """The APIs of a configuration; raises ValueError naming what is wrong."""
    apis = {}
    for name, spec in (config.get("apis") or {}).items():
        base = str(spec.get("base_url", ""))
        parsed = urllib.parse.urlsplit(base)
        if parsed.scheme not in ("http", "https") or not parsed.hostname or origin(parsed)[2] is None:
            raise ValueError(f"api {name!r}: base_url must be an http(s) URL, got {base!r}")
        headers = {str(k): str(v) for k, v in (spec.get("headers") or {}).items()}
        for key, header, prefix in (("bearer_token_env", "Authorization", "Bearer "),
                                    ("api_key_env", spec.get("api_key_header", "X-API-Key"), "")):
            if key in spec:
                secret = environ.get(spec[key])
                if not secret:
                    raise ValueError(f"api {name!r}: the environment variable {spec[key]} is not set")
                headers[header] = prefix + secret
        limit = spec.get("rate_limit") or {"requests": 60, "per_seconds": 60}
        requests, per = int(limit["requests"]), float(limit["per_seconds"])
        if requests < 1 or per <= 0:
            raise ValueError(f"api {name!r}: rate_limit needs requests >= 1 and per_seconds > 0")
        ttl = float(spec.get("cache_ttl_seconds", 0))
        apis[name] = Api(
            name, base.rstrip("/"), headers, SlidingWindow(requests, per), TtlCache(ttl), float(spec.get("timeout_seconds", 10)),
            {"name": name, "base_url": base, "rate_limit": {"requests": requests, "per_seconds": per},
             "cache_ttl_seconds": ttl, "authenticated": any(k in spec for k in ("bearer_token_env", "api_key_env"))},
        )
    if not apis:
        raise ValueError("the configuration names no APIs (expected {\"apis\": {\"name\": {\"base_url\": ...}}})")
    return apis


def build_url(api: Api, path: str, query: Dict[str, str]) -> str:
    """The URL of ``path`` under the API's base URL; anything leaving it is refused."""
    parts = urllib.parse.urlsplit(path)
    if parts.scheme or parts.netloc or path.startswith("//"):
        raise ToolError(f"path must be relative to the API's base URL, got {path!r}")
    if ".." in parts.path.split("/"):
        raise ToolError(f"'..' is not allowed in paths: {path!r}")
    url = api.base_url + "/" + parts.path.lstrip("/")
    pairs = urllib.parse.parse_qsl(parts.query) + sorted(query.items())
    return url + ("?" + urllib.parse.urlencode(pairs) if pairs else "")


def origin(parts: urllib.parse.SplitResult) -> Tuple[str, str, Optional[int]]:
    """The scheme, host and port of a URL (the default port when none is written; None when
    the port is not a number, which matches no base URL)."""
    scheme = parts.scheme.lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port


def within_base(api: Api, url: str) -> bool:
    """True when ``url`` lies under the API's base URL: same origin, under its path, no '..'."""
    base, target = urllib.parse.urlsplit(api.base_url), urllib.parse.urlsplit(url)
    if origin(target) != origin(base):
        return False
    path = urllib.parse.unquote(target.path)
    return ".." not in path.split("/") and (path + "/").startswith(base.path.rstrip("/") + "/")


class StayWithinBase(urllib.request.HTTPRedirectHandler):
    """Follows redirects only under the API's base URL, at most MAX_REDIRECTS of them; any
    other redirect is refused before a request leaves, so the API's headers (its secret
    among them) are only ever sent to the API."""

    def __init__(self, api: Api, method: str, url: str) -> None:
        self.api, self.method, self.url, self.hops = api, method, url, 0

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> Optional[urllib.request.Request]:
        self.hops += 1
        where = f"{self.api.name}: {self.method} {self.url}"
        if not within_base(self.api, newurl):
            fp.close()
            scheme, host, port = origin(urllib.parse.urlsplit(newurl))
            raise ToolError(f"{where} was redirected (HTTP {code}) outside the API's base URL, to {scheme}://{host}:{port}; "
                            "the redirect was not followed")
        if self.hops > MAX_REDIRECTS:
            fp.close()
            raise ToolError(f"{where} was redirected more than {MAX_REDIRECTS} times; the redirects were not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(api: Api, method: str, url: str, body: Any) -> Dict[str, Any]:
    data = None
    headers = dict(api.headers)
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        opener = urllib.request.build_opener(StayWithinBase(api, method, url))
        with opener.open(request, timeout=api.timeout) as response:  # http(s) under the base URL only, checked
            status, content_type, raw = response.status, response.headers.get("Content-Type", ""), response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as e:
        detail = e.read(2000).decode("utf-8", "replace")
        raise ToolError(f"{api.name}: {method} {url} answered HTTP {e.code} {e.reason}: {detail}") from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise ToolError(f"{api.name}: {method} {url} failed: {reason}") from None
    if len(raw) > MAX_RESPONSE_BYTES:
        raise ToolError(f"{api.name}: the response is larger than {MAX_RESPONSE_BYTES} bytes")
    text = raw.decode("utf-8", "replace")
    try:
        parsed: Any = json.loads(text) if "json" in content_type else text
    except ValueError:
        parsed = text
    return {"status": status, "content_type": content_type, "body": parsed}


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
    target = APIS.get(api)
    if target is None:
        raise ToolError(f"unknown API {api!r} (configured: {', '.join(sorted(APIS))})")
    if method == "GET" and body is not None:
        raise ToolError("a GET request has no body")
    url = build_url(target, path, query)
    key = (method, url)
    if method == "GET":
        cached = target.cache.get(key)
        if cached is not None:
            return {**cached, "cached": True}
    wait = target.limiter.acquire()
    if wait is not None:
        limit = target.public["rate_limit"]
        raise ToolError(f"rate limit of {api!r} reached ({limit['requests']} requests per {limit['per_seconds']:g} s); "
                        f"retry in {wait:.1f} s")
    result = {"url": url, **fetch(target, method, url, body)}
    if method == "GET":
        target.cache.put(key, result)
    return {**result, "cached": False}


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

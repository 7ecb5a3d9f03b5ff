"""One HTTP service an example server calls: its base URL, its headers (secrets among them),
a timeout, a cap on the size of an answer, and the rate limit the service itself announces.

Shared by api_server.py and services_server.py. Standard library only (urllib, which keeps no
cookies). What it guarantees, whatever the caller's text:

- Every request goes under the base URL. Paths are relative (no scheme, no ``//host``, no
  ``..``); redirects are followed, at most ``MAX_REDIRECTS``, only while they stay under the
  base URL (same scheme, host and port, under its path), so the headers and their secrets
  only ever reach the service. A redirect anywhere else is an error, and is not followed.
- An answer larger than ``max_bytes`` is an error (refused on its Content-Length when it
  sends one, else after reading ``max_bytes + 1`` bytes at most); each socket operation
  times out after ``timeout`` seconds.
- The service's ``x-ratelimit-remaining`` and ``x-ratelimit-reset`` headers (GitHub's,
  among others; ``reset`` in epoch seconds or in seconds from now) and a 429's
  ``Retry-After`` are remembered: while the service said nothing remains, calls are refused
  before any request, with the time to wait (at most ``MAX_WAIT`` seconds).
- Error messages never hold a secret: each one is replaced by ``***``.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

MAX_REDIRECTS = 3
MAX_WAIT = 3600.0  # the longest a service's rate limit is honoured without asking again
DEFAULT_WAIT = 60.0  # when it says nothing remains but not when that changes
DEFAULT_PORTS = {"http": 80, "https": 443}


class UpstreamError(Exception):
    """A request that failed or was refused; the message names the service and is safe to show."""


class Response(NamedTuple):
    status: int
    content_type: str
    body: Any  # JSON when the answer says it is JSON, else text


def origin(parts: urllib.parse.SplitResult) -> Tuple[str, str, Optional[int]]:
    """The scheme, host and port of a URL (the default port when none is written; None when
    the port is not a number, which matches no base URL)."""
    scheme = parts.scheme.lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port


def check_base_url(base: str) -> str:
    """``base`` without its trailing slash; ValueError unless it is an http(s) URL."""
    parsed = urllib.parse.urlsplit(base)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or origin(parsed)[2] is None:
        raise ValueError(f"base_url must be an http(s) URL, got {base!r}")
    return base.rstrip("/")


def seconds_until(reset: str, now: float) -> Optional[float]:
    """The wait an ``x-ratelimit-reset`` value means: epoch seconds (GitHub's) when it is that
    large, else seconds from now. None when it is not a number."""
    try:
        value = float(reset)
    except ValueError:
        return None
    return value - now if value > 1_000_000_000 else value


class AnnouncedLimit:
    """The rate limit a service announces in its answers' headers (thread-safe)."""

    def __init__(self) -> None:
        self._until = 0.0
        self._lock = threading.Lock()

    def wait(self) -> Optional[float]:
        """Seconds until the service takes requests again, or None when it does now."""
        with self._lock:
            left = self._until - time.monotonic()
        return left if left > 0 else None

    def update(self, status: int, headers: Mapping[str, str]) -> None:
        """Reads what an answer says of the limit."""
        wait: Optional[float] = None
        remaining = headers.get("x-ratelimit-remaining")
        if remaining is not None and remaining.strip().lstrip("-").isdigit() and int(remaining) <= 0:
            reset = headers.get("x-ratelimit-reset")
            wait = (seconds_until(reset, time.time()) if reset else None) or DEFAULT_WAIT
        if status == 429:
            retry = headers.get("retry-after", "")
            wait = float(retry) if retry.isdigit() else (wait or DEFAULT_WAIT)
        if wait is not None:
            with self._lock:
                self._until = time.monotonic() + min(max(wait, 1.0), MAX_WAIT)


@dataclass
class Upstream:
    """An HTTP service under ``base_url``."""

    name: str
    base_url: str
    headers: Dict[str, str] = field(default_factory=dict)
    timeout: float = 10.0
    max_bytes: int = 1024 * 1024
    secrets: List[str] = field(default_factory=list)  # values hidden from every message
    limit: AnnouncedLimit = field(default_factory=AnnouncedLimit)

    def __post_init__(self) -> None:
        self.base_url = check_base_url(self.base_url)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "***").replace(urllib.parse.quote_plus(secret), "***")
        return text

    def url(self, path: str, query: Sequence[Tuple[str, str]] = ()) -> str:
        """The URL of ``path`` under the base URL; anything leaving it is refused."""
        parts = urllib.parse.urlsplit(path)
        if parts.scheme or parts.netloc or path.startswith("//"):
            raise UpstreamError(f"path must be relative to the API's base URL, got {path!r}")
        if ".." in urllib.parse.unquote(parts.path).split("/"):
            raise UpstreamError(f"'..' is not allowed in paths: {path!r}")
        pairs = urllib.parse.parse_qsl(parts.query) + list(query)
        url = self.base_url + "/" + parts.path.lstrip("/")
        return url + ("?" + urllib.parse.urlencode(pairs) if pairs else "")

    def within_base(self, url: str) -> bool:
        """True when ``url`` lies under the base URL: same origin, under its path, no '..'."""
        base, target = urllib.parse.urlsplit(self.base_url), urllib.parse.urlsplit(url)
        if origin(target) != origin(base):
            return False
        path = urllib.parse.unquote(target.path)
        return ".." not in path.split("/") and (path + "/").startswith(base.path.rstrip("/") + "/")

    def request(self, method: str, url: str, body: Any = None, shown: Optional[str] = None) -> Response:
        """Sends one request (``body`` as JSON) to ``url``, which ``url()`` made. ``shown`` is
        how messages name the request (default ``METHOD URL``); raises UpstreamError."""
        where = shown or f"{method} {url}"
        wait = self.limit.wait()
        if wait is not None:
            raise UpstreamError(self.redact(f"{self.name}: the API's rate limit is used up (it answered "
                                            f"x-ratelimit-remaining: 0); retry in {wait:.0f} s"))
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        opener = urllib.request.build_opener(_StayWithinBase(self, where))
        try:
            with opener.open(request, timeout=self.timeout) as answer:  # http(s) under the base URL only, checked
                self.limit.update(answer.status, _lower(answer.headers))
                length = answer.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > self.max_bytes:
                    raise UpstreamError(f"{self.name}: the response is larger than {self.max_bytes} bytes")
                status, content_type = answer.status, answer.headers.get("Content-Type", "")
                raw = answer.read(self.max_bytes + 1)
        except urllib.error.HTTPError as e:
            self.limit.update(e.code, _lower(e.headers))
            detail = e.read(2000).decode("utf-8", "replace")
            e.close()
            raise UpstreamError(self.redact(f"{self.name}: {where} answered HTTP {e.code} {e.reason}: {detail}")) from None
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", e)
            raise UpstreamError(self.redact(f"{self.name}: {where} failed: {reason}")) from None
        if len(raw) > self.max_bytes:
            raise UpstreamError(f"{self.name}: the response is larger than {self.max_bytes} bytes")
        text = raw.decode("utf-8", "replace")
        try:
            parsed: Any = json.loads(text) if "json" in content_type else text
        except ValueError:
            parsed = text
        return Response(status, content_type, parsed)


def _lower(headers: Any) -> Dict[str, str]:
    return {k.lower(): v for k, v in (headers or {}).items()}


class _StayWithinBase(urllib.request.HTTPRedirectHandler):
    """Follows redirects only under the base URL, at most MAX_REDIRECTS of them; any other
    is refused before a request leaves, so the headers (and secrets) reach the service only."""

    def __init__(self, upstream: Upstream, where: str) -> None:
        self.upstream, self.where, self.hops = upstream, where, 0

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> Optional[urllib.request.Request]:
        self.hops += 1
        where = self.upstream.redact(f"{self.upstream.name}: {self.where}")
        if not self.upstream.within_base(newurl):
            fp.close()
            scheme, host, port = origin(urllib.parse.urlsplit(newurl))
            raise UpstreamError(f"{where} was redirected (HTTP {code}) outside the API's base URL, to "
                                f"{scheme}://{host}:{port}; the redirect was not followed")
        if self.hops > MAX_REDIRECTS:
            fp.close()
            raise UpstreamError(f"{where} was redirected more than {MAX_REDIRECTS} times; the redirects were not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)

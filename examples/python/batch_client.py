"""A pooled HTTP client for one configured base URL, and the batch of requests the production
server's ``batch_process`` tool sends through it.

The pool keeps up to ``size`` keep-alive connections to the base URL's host and lends at most
``size`` at once, so a batch never opens more connections than that however many items it
has. Every item has its own deadline (``timeout`` seconds for connecting, sending and reading
the whole answer) and an answer is read up to ``MAX_BODY_BYTES``. An item is a path under the
base URL (``/items/3``) or a full URL starting with it; anything else (another scheme, host or
port, a path outside the base path, ``..``) is refused without being requested.

Written on the standard library's ``http.client``: the examples need only the ``mcpforge``
package, and one host with keep-alive is all a pool needs here.
"""

from __future__ import annotations

import http.client
import json
import posixpath
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit

MAX_BODY_BYTES = 64 * 1024


class Refused(ValueError):
    """An item that is not under the allowed base URL."""


class HttpPool:
    """Keep-alive connections to one ``http`` or ``https`` base URL, at most ``size`` in use."""

    def __init__(self, base_url: str, size: int, timeout: float) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError(f"batch.base_url must be an http(s) URL without query: {base_url!r}")
        self.scheme, self.host = parts.scheme, parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.base_path = parts.path.rstrip("/")
        self.size, self.timeout = size, timeout
        self._idle: "queue.LifoQueue[http.client.HTTPConnection]" = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)
        self.opened = 0  # connections opened so far (the pool reuses them)

    def target(self, item: str) -> str:
        """The request path ``item`` stands for; ``Refused`` when it leaves the base URL."""
        parts = urlsplit(item)
        if parts.scheme or parts.netloc:
            if (parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)) != (
                    self.scheme, self.host, self.port):
                raise Refused(f"not under the allowed base URL: {item[:200]!r}")
            path = parts.path
        elif item.startswith("/") and not item.startswith("//"):
            path = self.base_path + parts.path
        else:
            raise Refused(f"an item is a path starting with '/' or a URL under the base URL: {item[:200]!r}")
        if any(ord(c) < 0x21 or c == "\\" for c in item) or ".." in path.split("/"):
            raise Refused(f"not a plain path: {item[:200]!r}")
        normal = posixpath.normpath(path) if path else "/"
        if self.base_path and normal != self.base_path and not normal.startswith(self.base_path + "/"):
            raise Refused(f"not under the allowed base URL: {item[:200]!r}")
        return normal + (f"?{parts.query}" if parts.query else "")

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """An idle connection (reused: True) or a new one."""
        try:
            return self._idle.get_nowait(), True
        except queue.Empty:
            self.opened += 1
            kind = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
            return kind(self.host, self.port, timeout=self.timeout), False

    def get(self, path: str) -> Dict[str, Any]:
        """GET ``path`` within the item's deadline: status, body (JSON when it parses), bytes.
        A kept-alive connection the server has closed meanwhile is replaced once."""
        deadline = time.monotonic() + self.timeout
        with self._slots:
            while True:
                connection, reused = self._connection()
                try:
                    return self._exchange(connection, path, deadline)
                except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                    if not reused:
                        raise

    def _exchange(self, connection: http.client.HTTPConnection, path: str, deadline: float) -> Dict[str, Any]:
        keep = False
        try:
            if connection.sock is not None:
                connection.sock.settimeout(max(0.001, deadline - time.monotonic()))
            connection.request("GET", path, headers={"Accept": "application/json"})
            response = connection.getresponse()
            chunks, size = [], 0
            while size <= MAX_BODY_BYTES:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no complete answer within {self.timeout:g} s")
                if connection.sock is not None:
                    connection.sock.settimeout(remaining)
                chunk = response.read(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            truncated = size > MAX_BODY_BYTES
            keep = not truncated and not response.will_close
            response.close()  # read to its end (or given up): the connection may carry the next request
        finally:
            if keep:
                self._idle.put(connection)
            else:
                connection.close()
        text = b"".join(chunks)[:MAX_BODY_BYTES].decode("utf-8", "replace")
        body: Any = text
        if not truncated:
            try:
                body = json.loads(text)
            except ValueError:
                pass
        return {"status": response.status, "ok": 200 <= response.status < 300, "body": body, "bytes": size,
                "truncated": truncated}

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


def run_batch(pool: HttpPool, items: List[str], concurrency: Optional[int] = None) -> Dict[str, Any]:
    """Every item fetched through ``pool`` (at most ``concurrency`` at once, never more than
    the pool's size), in the order given; a failed or refused item does not stop the others."""

    def one(item: str) -> Dict[str, Any]:
        started = time.monotonic()
        try:
            path = pool.target(item)
        except Refused as e:
            return {"item": item, "ok": False, "refused": True, "error": str(e)}
        try:
            answer = pool.get(path)
        except (OSError, http.client.HTTPException) as e:
            answer = {"ok": False, "error": f"{type(e).__name__}: {e}" if str(e) else type(e).__name__}
        return {"item": item, "path": path, **answer, "seconds": round(time.monotonic() - started, 3)}

    workers = max(1, min(concurrency or pool.size, pool.size, len(items) or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch") as executor:
        results = list(executor.map(one, items))
    return {"total": len(results), "succeeded": sum(1 for r in results if r["ok"]),
            "failed": sum(1 for r in results if not r["ok"] and not r.get("refused")),
            "refused": sum(1 for r in results if r.get("refused")), "concurrency": workers, "results": results}

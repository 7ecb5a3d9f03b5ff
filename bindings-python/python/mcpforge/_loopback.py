"""``Loopback``: this server's own in-memory connection, through which ``ctx.read_resource``
reads the server's resources the way a client would (templates, not-found errors and
all). It speaks the stateless 2026-07-28 wire, so it needs no handshake; it is opened on
first use and lives as long as the server."""

from __future__ import annotations

import itertools
import threading
from typing import Any, Dict, Optional

from ._futures import resolver
from ._native import STATELESS_PROTOCOL_VERSION

__all__ = ["Loopback", "next_id"]

_META = "io.modelcontextprotocol/"
_WIRE = STATELESS_PROTOCOL_VERSION
_ids = itertools.count(1)
# A bound on one request through the loopback, which only runs this server's own reader.
_TIMEOUT = 60.0


def next_id() -> str:
    """A new id for a request through the loopback."""
    return f"loopback-{next(_ids)}"


class Loopback:
    """Requests to ``native_server`` from inside a handler (see the module documentation)."""

    def __init__(self, native_server: Any) -> None:
        self._server = native_server
        self._client: Any = None
        self._lock = threading.Lock()

    def _send(self, method: str, params: Dict[str, Any], callback: Any, request_id: Optional[str]) -> None:
        with self._lock:
            if self._client is None:
                self._client = self._server.connect()
            client = self._client
        meta = {_META + "protocolVersion": _WIRE, _META + "clientCapabilities": {}, _META + "clientInfo": {"name": "mcpforge-loopback", "version": "1"}}
        client.request(request_id or next_id(), method, {**params, "_meta": meta}, callback)

    def call(self, method: str, params: Dict[str, Any], request_id: Optional[str] = None) -> Dict[str, Any]:
        """Sends a request (with ``request_id``: from ``next_id``) and waits (with the
        interpreter released) for the response message."""
        done = threading.Event()
        box: Dict[str, Any] = {}

        def settle(ok: bool, value: Any) -> None:
            box["ok"], box["value"] = ok, value
            done.set()

        self._send(method, params, settle, request_id)
        if not done.wait(_TIMEOUT):
            raise TimeoutError(f"{method}: no answer from the server itself")
        if not box["ok"]:
            raise box["value"]
        return box["value"]  # type: ignore[no-any-return]

    async def call_async(self, method: str, params: Dict[str, Any], request_id: Optional[str] = None) -> Dict[str, Any]:
        """``call`` for async handlers."""
        import asyncio  # loaded on use

        loop = asyncio.get_running_loop()
        future: "asyncio.Future[Dict[str, Any]]" = loop.create_future()
        self._send(method, params, resolver(loop, future), request_id)
        return await asyncio.wait_for(future, _TIMEOUT)

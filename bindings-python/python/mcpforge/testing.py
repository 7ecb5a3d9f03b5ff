"""``TestClient``: an in-memory MCP client for your own tests, speaking real JSON-RPC to the
real engine (no process, no socket)::

    async with server.test_client() as client:
        result = await client.call_tool("add", {"a": 1, "b": 2})
        assert result.text == "3"

It speaks the 2025-11-25 handshake wire by default, or the stateless 2026-07-28 wire with
``wire="2026-07-28"`` (then ``input_required`` results are answered and retried for you).
Client input is answered by the callbacks ``elicitation(params) -> result``,
``sampling(params) -> result`` and ``roots() -> [{"uri", "name"}]``; on the handshake wire
they run on an engine thread, so they must be plain functions. Notifications (progress,
logs, list changes) are collected in ``client.notifications``. The server's ``lifespan``
runs around the block (unless the server already serves).
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any, Callable, Dict, List, Optional

from ._futures import resolver
from ._native import LATEST_PROTOCOL_VERSION, STATELESS_PROTOCOL_VERSION
from .errors import INTERNAL_ERROR, METHOD_NOT_FOUND, McpError, ProtocolError

__all__ = ["TestClient", "ToolResult", "HANDSHAKE", "MODERN"]

# The engine's newest handshake version and its stateless wire.
HANDSHAKE: str = LATEST_PROTOCOL_VERSION
MODERN: str = STATELESS_PROTOCOL_VERSION
_META = "io.modelcontextprotocol/"
_ids = itertools.count(1)


class ToolResult:
    """A ``tools/call`` result: ``content`` blocks, ``structured_content``, ``is_error``,
    ``meta``, and ``text`` (the text blocks joined)."""

    def __init__(self, raw: Dict[str, Any]) -> None:
        self.raw = raw
        self.content: List[Dict[str, Any]] = raw.get("content", [])
        self.structured_content: Any = raw.get("structuredContent")
        self.is_error: bool = bool(raw.get("isError", False))
        self.meta: Optional[Dict[str, Any]] = raw.get("_meta")

    @property
    def text(self) -> str:
        """The text of the text blocks, joined with newlines."""
        return "\n".join(b["text"] for b in self.content if b.get("type") == "text")

    def __repr__(self) -> str:
        return f"ToolResult({self.raw!r})"


class TestClient:
    """See the module documentation. Options: ``wire``, ``capabilities`` (default: derived
    from the callbacks given), ``elicitation``, ``sampling``, ``roots``, ``log_level`` (the
    level asked for on either wire), ``timeout`` (seconds per request), ``client_info`` (the
    client's ``Implementation``, sent in ``initialize`` or each 2026-07-28 ``_meta``)."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        server: Any,
        *,
        wire: str = HANDSHAKE,
        capabilities: Optional[Dict[str, Any]] = None,
        elicitation: Optional[Callable[[Dict[str, Any]], Any]] = None,
        sampling: Optional[Callable[[Dict[str, Any]], Any]] = None,
        roots: Optional[Callable[[], Any]] = None,
        log_level: Optional[str] = None,
        timeout: float = 30.0,
        client_info: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.server = server
        self.client_info = client_info if client_info is not None else {"name": "mcpforge-test-client", "version": "1"}
        self.wire = wire
        self.elicitation, self.sampling, self.roots = elicitation, sampling, roots
        if capabilities is None:
            capabilities = {}
            if elicitation is not None:
                capabilities["elicitation"] = {}
            if sampling is not None:
                capabilities["sampling"] = {}
            if roots is not None:
                capabilities["roots"] = {}
        self.capabilities = capabilities
        self.log_level = log_level
        self.timeout = timeout
        self.notifications: List[Dict[str, Any]] = []
        self.server_requests: List[Dict[str, Any]] = []
        self.initialize_result: Optional[Dict[str, Any]] = None
        self._native: Any = None
        self._pump: Any = None
        self._previous_loop: Any = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._arrived: Optional[asyncio.Event] = None
        self._lifespan_started = False

    # ----- connection ----------------------------------------------------------------------

    async def __aenter__(self) -> "TestClient":
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._previous_loop = self.server._caller_loop
        self.server._caller_loop = loop
        self._lifespan_started = await self.server._lifespan.start(self.server)
        self._arrived = asyncio.Event()
        self._native = self.server._native.connect()
        self._native.on_request(self._answer)
        self._pump = loop.create_task(self._read_messages())
        if self.wire != MODERN:
            params = {
                "protocolVersion": self.wire,
                "capabilities": self.capabilities,
                "clientInfo": self.client_info,
            }
            self.initialize_result = await self.request("initialize", params)
            await self.notify("notifications/initialized")
            if self.log_level is not None:
                await self.request("logging/setLevel", {"level": self.log_level})
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self._pump is not None:
            self._pump.cancel()
        await self._native_call(self._native.close)
        if self._lifespan_started:
            await self.server._lifespan.stop()
        self.server._caller_loop = self._previous_loop

    async def _native_call(self, fn: Callable[..., None], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        future: "asyncio.Future[Any]" = loop.create_future()
        fn(*args, resolver(loop, future))
        return await future

    async def _read_messages(self) -> None:
        while True:
            message = await self._native_call(self._native.next_message, 3600.0)
            if message is None:
                continue
            if "id" in message and "method" in message:
                self.server_requests.append(message)
            else:
                self.notifications.append(message)
            assert self._arrived is not None
            self._arrived.set()

    def _answer(self, method: str, params: Dict[str, Any]) -> Any:
        """Answers a server->client request, or an ``input_required`` result's ask (runs on
        an engine thread; a coroutine callback runs on the test's event loop meanwhile)."""
        answer = self._callback_answer(method, params)
        if asyncio.iscoroutine(answer):
            assert self._loop is not None
            answer = asyncio.run_coroutine_threadsafe(answer, self._loop).result(self.timeout)
        return answer

    def _callback_answer(self, method: str, params: Dict[str, Any]) -> Any:
        if method == "ping":
            return {}
        if method == "elicitation/create" and self.elicitation is not None:
            return self.elicitation(params)
        if method == "sampling/createMessage" and self.sampling is not None:
            return self.sampling(params)
        if method == "roots/list" and self.roots is not None:
            return {"roots": self.roots()}
        raise McpError(METHOD_NOT_FOUND, f"Method not found: {method}")

    # ----- requests ------------------------------------------------------------------------

    def _modern_meta(self) -> Dict[str, Any]:
        meta = {
            _META + "protocolVersion": MODERN,
            _META + "clientCapabilities": self.capabilities,
            _META + "clientInfo": self.client_info,
        }
        if self.log_level is not None:
            meta[_META + "logLevel"] = self.log_level
        return meta

    async def send(self, method: str, params: Optional[Dict[str, Any]] = None, *, request_id: Any = None) -> Dict[str, Any]:
        """Sends one request and returns the whole response message (no retries). On the
        2026 wire the per-request ``_meta`` is added. If this coroutine is cancelled, the
        server is told (``notifications/cancelled``)."""
        return await self._exchange(self._native.request, method, params, request_id)

    async def request(self, method: str, params: Optional[Dict[str, Any]] = None) -> Any:
        """Sends a request and returns its result, raising ``ProtocolError`` for an error
        response. On the 2026 wire, ``input_required`` results are answered with the
        callbacks and the request retried (by the engine's test client, as in every
        language)."""
        response = await self._exchange(self._native.request_answering, method, params, None)
        if "error" in response:
            e = response["error"]
            raise ProtocolError(e.get("code", 0), e.get("message", ""), e.get("data"))
        return response.get("result")

    async def _exchange(self, fn: Callable[..., None], method: str, params: Optional[Dict[str, Any]], request_id: Any) -> Dict[str, Any]:
        params = dict(params or {})
        if self.wire == MODERN:
            params["_meta"] = {**self._modern_meta(), **params.get("_meta", {})}
        rid = request_id if request_id is not None else f"t{next(_ids)}"
        try:
            response: Dict[str, Any] = await asyncio.wait_for(self._native_call(fn, rid, method, params), self.timeout)
            return response
        except asyncio.CancelledError:
            await self.notify("notifications/cancelled", {"requestId": rid, "reason": "cancelled by the test"})
            raise

    async def notify(self, method: str, params: Optional[Dict[str, Any]] = None) -> None:
        """Sends a notification."""
        await self._native_call(self._native.notify, method, params)

    async def collected(self, method: str, count: int, timeout: float = 10.0) -> List[Dict[str, Any]]:
        """The params of the first ``count`` notifications of ``method``, waiting (bounded)
        until that many arrived. Notifications travel apart from responses: one sent before
        a response may be collected just after the request returned."""
        assert self._arrived is not None

        def found() -> List[Dict[str, Any]]:
            return [n.get("params", {}) for n in self.notifications if n.get("method") == method]

        async def look() -> List[Dict[str, Any]]:
            while len(found()) < count:
                self._arrived.clear()  # type: ignore[union-attr]
                await self._arrived.wait()  # type: ignore[union-attr]
            return found()[:count]

        return await asyncio.wait_for(look(), timeout)

    # ----- MCP methods ---------------------------------------------------------------------

    async def _list(self, method: str, field: str) -> List[Dict[str, Any]]:
        items: List[Dict[str, Any]] = []
        cursor = None
        for _ in range(10_000):
            result = await self.request(method, {"cursor": cursor} if cursor is not None else {})
            items.extend(result.get(field, []))
            cursor = result.get("nextCursor")
            if cursor is None:
                return items
        raise ProtocolError(INTERNAL_ERROR, f"{method}: too many pages")

    async def list_tools(self) -> List[Dict[str, Any]]:
        """Every tool definition."""
        return await self._list("tools/list", "tools")

    async def call_tool(
        self,
        name: str,
        arguments: Optional[Dict[str, Any]] = None,
        *,
        progress_token: Any = None,
        meta: Optional[Dict[str, Any]] = None,
    ) -> ToolResult:
        """Calls a tool; ``progress_token`` asks for progress notifications."""
        params: Dict[str, Any] = {"name": name, "arguments": arguments or {}}
        meta = dict(meta or {})
        if progress_token is not None:
            meta["progressToken"] = progress_token
        if meta:
            params["_meta"] = meta
        return ToolResult(await self.request("tools/call", params))

    async def list_resources(self) -> List[Dict[str, Any]]:
        """Every concrete resource."""
        return await self._list("resources/list", "resources")

    async def list_resource_templates(self) -> List[Dict[str, Any]]:
        """Every resource template."""
        return await self._list("resources/templates/list", "resourceTemplates")

    async def read_resource(self, uri: str) -> List[Dict[str, Any]]:
        """The contents of a resource."""
        return (await self.request("resources/read", {"uri": uri}))["contents"]  # type: ignore[no-any-return]

    async def list_prompts(self) -> List[Dict[str, Any]]:
        """Every prompt definition."""
        return await self._list("prompts/list", "prompts")

    async def get_prompt(self, name: str, arguments: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        """A rendered prompt (``{"description"?, "messages"}``)."""
        return await self.request("prompts/get", {"name": name, "arguments": arguments or {}})  # type: ignore[no-any-return]

    async def complete(self, ref: Dict[str, Any], argument: str, value: str, context: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        """Completion suggestions (``{"values", "total"?, "hasMore"?}``)."""
        params: Dict[str, Any] = {"ref": ref, "argument": {"name": argument, "value": value}}
        if context is not None:
            params["context"] = {"arguments": context}
        return (await self.request("completion/complete", params))["completion"]  # type: ignore[no-any-return]

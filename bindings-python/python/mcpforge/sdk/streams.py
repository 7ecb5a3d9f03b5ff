"""Serving a server to the official SDK's client in-process, over the official SDK's own
in-memory streams (anyio memory object streams of ``SessionMessage``), so that the official
ways of testing a high-level server connect to mcpforge's:

- 2.x: ``Client(server)``. The official client takes a ``Transport``, an async context
  manager giving a stream pair; ``MCPServer`` is one (``InMemoryTransport``).
- 1.x: ``create_connected_server_and_client_session(server._mcp_server)``, which calls
  ``run(read_stream, write_stream, options)`` on the low-level server (``LowLevel``).

Both end in ``serve_streams``: each client message is turned into JSON and given to an
in-memory connection to the engine (``NativeServer.connect``), and each message of the
engine's is turned into the official SDK's type and sent back in the engine's order, a
request's notifications before its response (as on the engine's other transports). Requests the server makes
of the client (elicitation, sampling, roots) are sent down the stream, and the engine thread
that asked waits for the client's answer. The official ``mcp`` package is imported only
here, on use: the official client is running anyway."""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import json
from typing import Any, Callable, Dict, List, Optional, Tuple

from .._futures import resolver
from ..errors import McpError

__all__ = ["InMemoryTransport", "LowLevel", "serve_streams"]

_ids = itertools.count(1)
# A bound on the client's answer to a request of the server's (as the engine's own).
_ANSWER_TIMEOUT = 300.0


def _codec() -> Tuple[Callable[[Dict[str, Any]], Any], Callable[[Any], Dict[str, Any]]]:
    """(to the SDK's ``SessionMessage``, from it to a JSON-RPC dict), for the installed release."""
    from mcp.shared.message import SessionMessage  # type: ignore[import-not-found, unused-ignore]  # optional dependency

    try:  # 2.x: the types are their own package, messages a union
        from mcp_types import jsonrpc_message_adapter  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        def to_sdk(message: Dict[str, Any]) -> Any:
            return SessionMessage(jsonrpc_message_adapter.validate_python(message, by_name=False))

    except ImportError:  # 1.x: a root model
        from mcp.types import JSONRPCMessage  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        def to_sdk(message: Dict[str, Any]) -> Any:
            return SessionMessage(JSONRPCMessage.model_validate(message))

    def from_sdk(item: Any) -> Dict[str, Any]:
        message = getattr(item, "message", item)
        return json.loads(message.model_dump_json(by_alias=True, exclude_none=True))  # type: ignore[no-any-return]

    return to_sdk, from_sdk


async def serve_streams(server: Any, read_stream: Any, write_stream: Any) -> None:
    """Serves one connection: client messages from ``read_stream``, the server's to
    ``write_stream``, until ``read_stream`` ends. The lifespan runs around it (unless the
    server already serves)."""
    to_sdk, from_sdk = _codec()
    loop = asyncio.get_running_loop()
    previous_loop = server._caller_loop
    server._caller_loop = loop
    started = await server._lifespan.start(server)
    native = server._native.connect()
    asked: Dict[Any, "concurrent.futures.Future[Dict[str, Any]]"] = {}
    tasks: List["asyncio.Task[None]"] = []

    async def native_call(fn: Callable[..., None], *args: Any) -> Any:
        future: "asyncio.Future[Any]" = loop.create_future()
        fn(*args, resolver(loop, future))
        return await future

    def answer(method: str, params: Any) -> Any:  # on an engine thread
        request_id = f"mcpforge-{next(_ids)}"
        reply: "concurrent.futures.Future[Dict[str, Any]]" = concurrent.futures.Future()
        asked[request_id] = reply
        message = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        asyncio.run_coroutine_threadsafe(write_stream.send(to_sdk(message)), loop).result(_ANSWER_TIMEOUT)
        response = reply.result(_ANSWER_TIMEOUT)
        if "error" in response:
            error = response["error"]
            raise McpError(error.get("code", 0), error.get("message", ""), error.get("data"))
        return response.get("result", {})

    # Requests go in as a pipe would carry them (no waiter of their own), so their answers
    # come out of the one queue behind the notifications the engine wrote before them:
    # forwarding that queue in order is all the ordering there is, and nothing polls.
    async def relay_server_messages() -> None:
        while True:
            message = await native_call(native.next_message, None)
            if message is None:  # the connection ended
                return
            if "id" in message and "method" in message:  # requests go through `answer`
                continue
            await write_stream.send(to_sdk({"jsonrpc": "2.0", **message}))

    native.on_request(answer)
    tasks.append(loop.create_task(relay_server_messages()))
    try:
        async with read_stream:
            async for item in read_stream:
                if isinstance(item, Exception):
                    continue
                message = from_sdk(item)
                if "method" in message and "id" in message:
                    await native_call(native.send_raw, json.dumps({"jsonrpc": "2.0", **message}))
                elif "method" in message:
                    await native_call(native.notify, message["method"], message.get("params"))
                elif message.get("id") in asked:
                    asked.pop(message["id"]).set_result(message)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await native_call(native.close)
        if started:
            await server._lifespan.stop()
        server._caller_loop = previous_loop


class LowLevel:
    """``server._mcp_server`` for 1.x's ``create_connected_server_and_client_session``: the
    official low-level server's ``run`` and ``create_initialization_options``."""

    def __init__(self, server: Any) -> None:
        self.server = server

    def create_initialization_options(self, *args: Any, **kwargs: Any) -> None:
        return None

    async def run(self, read_stream: Any, write_stream: Any, initialization_options: Any = None, *args: Any, **kwargs: Any) -> None:
        async with write_stream:
            await serve_streams(self.server, read_stream, write_stream)


class InMemoryTransport:
    """One in-memory connection for 2.x's ``Client(server)``: entering gives the client's
    (read, write) streams while ``serve_streams`` serves the other ends."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self._task: Optional["asyncio.Task[None]"] = None
        self._client_ends: Any = None

    async def __aenter__(self) -> Tuple[Any, Any]:
        import anyio  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        # Streams of any message (the client's and the server's JSON-RPC objects).
        to_client_send: Any
        to_client_receive: Any
        to_server_send: Any
        to_server_receive: Any
        to_client_send, to_client_receive = anyio.create_memory_object_stream(0)
        to_server_send, to_server_receive = anyio.create_memory_object_stream(0)
        self._client_ends = (to_client_receive, to_server_send)
        self._task = asyncio.get_running_loop().create_task(LowLevel(self.server).run(to_server_receive, to_client_send))
        return to_client_receive, to_server_send

    async def __aexit__(self, *exc: Any) -> None:
        receive, send = self._client_ends
        await send.aclose()  # the server's read stream ends: it closes down
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), 5.0)
            except asyncio.TimeoutError:
                self._task.cancel()
                await asyncio.gather(self._task, return_exceptions=True)
        await receive.aclose()

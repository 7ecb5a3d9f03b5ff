"""``Client``: the async MCP client of ``mcpforge.client``, over the engine's client (the
JSON-RPC, the handshake or 2026-07-28 discovery, pagination, timeouts, cancellation and
output-schema checks are all the engine's). This module only turns Python calls into
engine calls and engine results into ``mcpforge.client.types`` objects; see
docs/python.md ("The client")."""

from __future__ import annotations

import asyncio
import datetime
import os
from typing import Any, Callable, Dict, List, Optional, Sequence, Type, TypeVar, Union

from .._native import ENGINE_VERSION, NativeEngineClient, NativeServer
from ._answers import Answers, Callback
from ._link import Link
from ._listen import Subscription
from ._tasks import ExperimentalTasks
from .auth import OAuthClientProvider
from .stdio import StdioServerParameters
from .types import (
    CallToolResult,
    CompleteResult,
    EmptyResult,
    GetPromptResult,
    Implementation,
    ListPromptsResult,
    ListResourcesResult,
    ListResourceTemplatesResult,
    ListToolsResult,
    Model,
    ReadResourceResult,
    ServerCapabilities,
    _dump,
)

__all__ = ["Client"]

M = TypeVar("M", bound=Model)
Seconds = Union[float, datetime.timedelta, None]


def _seconds(value: Seconds) -> Optional[float]:
    return value.total_seconds() if isinstance(value, datetime.timedelta) else value


def _roots(given: Any) -> Optional[List[str]]:
    """``root_certificates`` as the engine reads it: a list of PEM texts and paths."""
    if given is None:
        return None
    entries = [given] if isinstance(given, (str, os.PathLike)) else list(given)
    return [os.fspath(entry) for entry in entries]


def _in_process(server: Any) -> Any:
    """The mcpforge server object behind ``server`` (a ``Server``, ``MCPServer``/``FastMCP``,
    or the low-level drop-in ``Server``), or None."""
    built = getattr(server, "_built", None)
    if callable(built) and not isinstance(getattr(server, "_native", None), NativeServer):
        server = built()
    return server if isinstance(getattr(server, "_native", None), NativeServer) else None


class Client:
    """An MCP client: ``async with Client(target) as client: await client.call_tool(...)``.

    ``target`` is a mcpforge server object of this process (in memory), an
    ``http://.../mcp`` URL (Streamable HTTP), a ``ws://`` or ``wss://`` URL (WebSocket, the
    ``mcp`` subprotocol), or a ``StdioServerParameters`` (ours or the
    official ``mcp`` one) for a child process; ``Client.stdio(command, args)`` is the
    short form. Options (keywords): ``read_timeout_seconds`` (each request's timeout; by
    default 60 s, restarted by the request's progress, at most 10 min), ``sampling_callback``,
    ``elicitation_callback``, ``list_roots_callback``, ``logging_callback``,
    ``message_handler`` (official signatures), ``client_info`` (``{"name", "version"}``),
    ``mode`` (``"auto"``: 2026-07-28 discovery, else the handshake; ``"legacy"``: the
    handshake; or a protocol version), ``headers`` (HTTP and WebSocket: sent with every
    request, or with the upgrade), ``auth`` (HTTP only: an ``OAuthClientProvider``,
    ``mcpforge.client.auth``) and ``root_certificates`` (HTTP and WebSocket: certificates
    trusted for ``https://`` and ``wss://`` besides the system's store, by the connection and
    the OAuth exchanges: one or a list, each PEM text or the path of a PEM file)."""

    def __init__(
        self,
        server: Any,
        *,
        read_timeout_seconds: Seconds = None,
        sampling_callback: Optional[Callback] = None,
        elicitation_callback: Optional[Callback] = None,
        list_roots_callback: Optional[Callback] = None,
        logging_callback: Optional[Callback] = None,
        message_handler: Optional[Callback] = None,
        client_info: Any = None,
        mode: str = "auto",
        headers: Optional[Dict[str, str]] = None,
        auth: Optional[OAuthClientProvider] = None,
        root_certificates: Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]], None] = None,
    ) -> None:
        self.server = server
        info = _dump(client_info) if client_info is not None else {"name": "mcpforge", "version": ENGINE_VERSION}
        self._options: Dict[str, Any] = {
            "name": info.get("name"),
            "version": info.get("version"),
            "mode": mode,
            "timeout": _seconds(read_timeout_seconds),
            "sampling": sampling_callback is not None,
            "elicitation": elicitation_callback is not None,
            "roots": list_roots_callback is not None,
        }
        self._answers = Answers(
            self,
            sampling=sampling_callback,
            elicitation=elicitation_callback,
            list_roots=list_roots_callback,
            logging_callback=logging_callback,
            message_handler=message_handler,
        )
        self._answers.oauth = auth
        self._target = self._read_target(server, headers, auth, _roots(root_certificates))
        self._native: Optional[NativeEngineClient] = None
        self._link: Optional[Link] = None
        self._progress_tokens = 0
        self._served: Any = None
        self._previous_loop: Any = None
        self._lifespan_started = False
        self.experimental = ExperimentalTasks(self._call, self._connected)
        """Tools called as tasks and the ``tasks/*`` requests (``mcpforge.client._tasks``)."""

    @classmethod
    def stdio(
        cls,
        command: str,
        args: Optional[List[str]] = None,
        env: Optional[Dict[str, str]] = None,
        cwd: Any = None,
        **options: Any,
    ) -> "Client":
        """A client of ``command`` run as a child process (see ``StdioServerParameters``)."""
        return cls(StdioServerParameters(command, list(args or []), env, cwd), **options)

    @staticmethod
    def _read_target(
        server: Any, headers: Optional[Dict[str, str]], auth: Optional[OAuthClientProvider], roots: Optional[List[str]]
    ) -> Any:
        if isinstance(server, str) and server.lower().startswith(("ws://", "wss://")):
            if auth is not None:
                raise TypeError("auth= is for a client over HTTP (an http:// URL), not WebSocket")
            return ("websocket", server, headers, None, roots)
        if isinstance(server, str):
            return ("http", server, headers, None if auth is None else auth.settings(), roots)
        if auth is not None:
            raise TypeError("auth= is for a client over HTTP (an http:// URL)")
        if roots is not None:
            raise TypeError("root_certificates= is for a client over HTTP or WebSocket (an https:// or wss:// URL)")
        if hasattr(server, "command") and hasattr(server, "args"):
            cwd = getattr(server, "cwd", None)
            env = getattr(server, "env", None)
            return ("stdio", server.command, list(server.args), dict(env) if env else None, None if cwd is None else str(cwd))
        if _in_process(server) is not None:
            return ("memory", None)
        raise TypeError(
            f"Client takes a mcpforge server, an http:// or ws:// URL or StdioServerParameters, not {type(server).__name__}"
        )

    # ----- connection ----------------------------------------------------------------------

    async def __aenter__(self) -> "Client":
        if self._link is not None:
            raise RuntimeError("the client is already connected")
        loop = asyncio.get_running_loop()
        self._link = Link(loop, self._answers.ask, self._answers.notice)
        target = self._target
        if target[0] == "memory":
            served = self._served = _in_process(self.server)
            # The server's async handlers run on this loop, as under `await server.run_async()`.
            self._previous_loop = served._caller_loop
            served._caller_loop = loop
            self._lifespan_started = await served._lifespan.start(served)
            target = ("memory", served._native)
        try:
            token, future = self._link.expect()
            NativeEngineClient.connect(self._link.inbox, token, target, self._options)
            self._native = await future
        except BaseException:
            await self._release()
            raise
        return self

    async def __aexit__(self, *exc: Any) -> None:
        native, self._native = self._native, None
        if native is not None and self._link is not None:
            token, future = self._link.expect()
            native.close(token)
            await future
        await self._release()

    async def _release(self) -> None:
        if self._link is not None:
            self._link.close()
            self._link = None
        served, self._served = self._served, None
        if served is not None:
            if self._lifespan_started:
                await served._lifespan.stop()
            served._caller_loop = self._previous_loop

    def _connected(self) -> NativeEngineClient:
        if self._native is None:
            raise RuntimeError("the client is not connected: use `async with Client(...) as client`")
        return self._native

    async def _call(self, start: Callable[..., None], *args: Any) -> Any:
        """Starts the engine call ``start(token, *args)`` and waits for its outcome;
        cancelling the waiting task cancels the request on the server."""
        link = self._link
        if link is None:
            raise RuntimeError("the client is not connected: use `async with Client(...) as client`")
        token, future = link.expect()
        try:
            start(token, *args)
            return await future
        except BaseException:
            self._abandon(link, token, future)
            raise

    def _abandon(self, link: Link, token: int, future: "asyncio.Future[Any]") -> None:
        """The caller stopped waiting for the call ``token``: unless its outcome came, the
        engine stops it (the server gets ``notifications/cancelled``). Cancelling the
        awaiting task cancels ``future`` too, so a cancelled future is a call still running."""
        if future.cancelled() or not future.done():
            link.forget(token)
            if self._native is not None:
                self._native.cancel(token)

    # ----- what the server said when connecting --------------------------------------------

    @property
    def protocol_version(self) -> str:
        """The protocol version the connection speaks."""
        return self._connected().protocol_version()

    @property
    def server_info(self) -> Optional[Implementation]:
        """The server's name and version, when it gave them."""
        info = self._connected().session()[0]
        return Implementation.from_wire(info) if isinstance(info, dict) else None

    @property
    def server_capabilities(self) -> ServerCapabilities:
        """What the server offers."""
        return ServerCapabilities.from_wire(self._connected().session()[1])

    @property
    def instructions(self) -> Optional[str]:
        """The server's instructions, if any."""
        return self._connected().session()[2]

    @property
    def stderr(self) -> Optional[str]:
        """The last 64 KiB the child wrote to its stderr (stdio only; None otherwise)."""
        return self._connected().stderr()

    # ----- requests -------------------------------------------------------------------------

    async def send_ping(self) -> EmptyResult:
        """``ping``."""
        await self._call(self._connected().ping)
        return EmptyResult()

    async def list_tools(self, cursor: Optional[str] = None) -> ListToolsResult:
        """``tools/list``: every page, or only the page at ``cursor``."""
        return ListToolsResult.from_wire(await self._call(self._connected().list, "tools", cursor))

    async def call_tool(
        self,
        name: str,
        arguments: Optional[Dict[str, Any]] = None,
        read_timeout_seconds: Seconds = None,
        progress_callback: Optional[Callback] = None,
        *,
        meta: Optional[Dict[str, Any]] = None,
    ) -> CallToolResult:
        """``tools/call``. A tool's failure is a result with ``isError``; a JSON-RPC error
        raises ``McpError``. ``read_timeout_seconds`` bounds this call (progress does not
        extend it); ``progress_callback(progress, total, message)`` gets its progress."""
        native, link = self._native, self._link
        if native is None or link is None:
            native = self._connected()
        timeout = _seconds(read_timeout_seconds)
        if progress_callback is None and timeout is None and meta is None and link is not None:
            # The common call, without the extra coroutine of `_call` (the same steps).
            token, future = link.expect()
            try:
                native.call_tool(token, name, arguments)
                return CallToolResult.from_wire(await future)
            except BaseException:
                self._abandon(link, token, future)
                raise
        if progress_callback is None:
            return CallToolResult.from_wire(await self._call(native.call_tool, name, arguments, timeout, meta))
        self._progress_tokens += 1
        progress_token = f"mcpforge-progress-{self._progress_tokens}"
        self._answers.progress[progress_token] = progress_callback
        try:
            meta = {**(meta or {}), "progressToken": progress_token}
            return CallToolResult.from_wire(await self._call(native.call_tool, name, arguments, timeout, meta))
        finally:
            del self._answers.progress[progress_token]

    async def list_resources(self, cursor: Optional[str] = None) -> ListResourcesResult:
        """``resources/list``: every page, or only the page at ``cursor``."""
        return ListResourcesResult.from_wire(await self._call(self._connected().list, "resources", cursor))

    async def list_resource_templates(self, cursor: Optional[str] = None) -> ListResourceTemplatesResult:
        """``resources/templates/list``: every page, or only the page at ``cursor``."""
        page = await self._call(self._connected().list, "resourceTemplates", cursor)
        return ListResourceTemplatesResult.from_wire(page)

    async def read_resource(self, uri: Any) -> ReadResourceResult:
        """``resources/read`` (``uri`` a str or anything whose ``str`` is the URI)."""
        return ReadResourceResult.from_wire(await self._call(self._connected().read_resource, str(uri)))

    async def subscribe_resource(self, uri: Any) -> EmptyResult:
        """``notifications/resources/updated`` for ``uri`` from now on: ``resources/subscribe``
        on a handshake session; on 2026-07-28 the client's own listen stream, opened again
        with ``uri`` added."""
        await self._call(self._connected().subscribe, str(uri), True)
        return EmptyResult()

    async def unsubscribe_resource(self, uri: Any) -> EmptyResult:
        """No more updates of ``uri`` (``resources/unsubscribe``, or the listen stream
        opened again without it)."""
        await self._call(self._connected().subscribe, str(uri), False)
        return EmptyResult()

    async def listen(
        self,
        resources: Optional[List[Any]] = None,
        *,
        tools_list_changed: bool = False,
        prompts_list_changed: bool = False,
        resources_list_changed: bool = False,
        task_ids: Optional[List[str]] = None,
    ) -> Subscription:
        """Opens a ``subscriptions/listen`` stream (2026-07-28) for updates of ``resources``
        and the list changes asked for, once the server acknowledged it; use it with
        ``async with`` or ``close()`` it."""
        wanted = {
            "resources": [str(uri) for uri in resources or []],
            "tools_list_changed": tools_list_changed,
            "prompts_list_changed": prompts_list_changed,
            "resources_list_changed": resources_list_changed,
            "task_ids": list(task_ids or []),
        }
        return Subscription(await self._call(self._connected().listen, wanted), self._call)

    async def list_prompts(self, cursor: Optional[str] = None) -> ListPromptsResult:
        """``prompts/list``: every page, or only the page at ``cursor``."""
        return ListPromptsResult.from_wire(await self._call(self._connected().list, "prompts", cursor))

    async def get_prompt(self, name: str, arguments: Optional[Dict[str, str]] = None) -> GetPromptResult:
        """``prompts/get``."""
        return GetPromptResult.from_wire(await self._call(self._connected().get_prompt, name, arguments))

    async def complete(
        self,
        ref: Any,
        argument: Dict[str, str],
        context_arguments: Optional[Dict[str, str]] = None,
    ) -> CompleteResult:
        """``completion/complete``: values for ``argument`` (``{"name", "value"}``) of ``ref``
        (``{"type": "ref/prompt", "name"}`` or ``{"type": "ref/resource", "uri"}``, or the
        official reference models)."""
        start = self._connected().complete
        return CompleteResult.from_wire(await self._call(start, _dump(ref), argument, context_arguments))

    async def set_logging_level(self, level: str) -> EmptyResult:
        """The level of the log messages the server sends (``logging/setLevel``; on the
        2026-07-28 wire it goes with every later request)."""
        await self._call(self._connected().set_logging_level, level)
        return EmptyResult()

    async def send_roots_list_changed(self) -> None:
        """Tells the server the roots changed (``list_roots_callback`` is asked again)."""
        await self._call(self._connected().send_roots_list_changed)

    async def request(self, method: str, params: Optional[Dict[str, Any]] = None, result_type: Type[M] = Model) -> M:  # type: ignore[assignment]
        """Any request, its result as ``result_type`` (a ``mcpforge.client.types`` class)."""
        return result_type.from_wire(await self._call(self._connected().request, method, params))

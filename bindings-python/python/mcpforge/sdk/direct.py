"""``DirectCalls``: the official high-level server's own methods for calling it without a
client (``await mcp.call_tool(name, arguments)``, ``list_tools()``, ``list_resources()``,
``list_resource_templates()``, ``read_resource(uri)``, ``list_prompts()``,
``get_prompt(name, arguments)``), as ``MCPServer`` and ``FastMCP`` have them.

Each call is a request through the engine over a connection of its own (in memory,
handshake wire, closed after the call), so that it answers exactly as a client is answered:
no second dispatch. Results are the official SDK's types (``mcp_types`` in 2.x,
``mcp.types`` in 1.x), or the wire dicts when neither is installed. Failures raise as the
official methods raise: a tool's ``ToolError`` (or a ``ResourceError`` it let escape) as
``ToolError`` worded as the client reads it, a crash as ``UnexpectedToolError`` whose ``__cause__`` is the original exception (the
tool's wrapper tells this module what it raised, ``witness``); a resource that crashed as
``UnexpectedResourceError``, a protocol error as ``McpError``; an unknown prompt as
``ValueError``. Part of the drop-in layer."""

from __future__ import annotations

import itertools
import threading
from typing import Any, Callable, Dict, List, Optional

from .._futures import resolver
from .._input_required import is_input_required
from .._native import LATEST_PROTOCOL_VERSION
from ..errors import INVALID_PARAMS, RESOURCE_NOT_FOUND, McpError, ResourceError, ToolError
from ..session import read_contents
from .exceptions import UnexpectedResourceError, UnexpectedToolError
from .release import release_types

__all__ = ["DirectCalls", "Witnessed", "typed"]

_ids = itertools.count(1)
_PREFIX = "mcpforge-direct-"
# The ids of the requests a server makes to itself: direct calls and ``ctx.read_resource``.
_INTERNAL = (_PREFIX, "loopback-")
# A bound on one direct call (the engine's own request timeout applies too).
_TIMEOUT = 300.0


def typed(name: str, value: Dict[str, Any]) -> Any:
    """``value`` as the official type ``name`` (a pydantic model), or as it is."""
    types = release_types()
    model = getattr(types, name, None) if types is not None else None
    if model is None:
        return value
    if hasattr(model, "model_validate"):
        return model.model_validate(value)
    from pydantic import TypeAdapter  # optional dependency: a union of models (``ContentBlock``); pydantic comes with them

    return TypeAdapter(model).validate_python(value)


def _anticipated(e: BaseException) -> bool:
    """A failure the tool meant (``ToolError``, the official one too), not a crash; a
    ``ResourceError`` a tool lets escape (from ``ctx.read_resource``) is one too."""
    names = {c.__name__ for c in type(e).__mro__}
    if "ResourceError" in names:
        return "UnexpectedResourceError" not in names
    return isinstance(e, ToolError) or ("ToolError" in names and "UnexpectedToolError" not in names)


class Witnessed:
    """What the handlers of the direct calls in flight raised, by request id; and, per
    thread, whether the last failure witnessed there was in a request the server made to
    itself (``internal``: the wrappers tell the witness before they report a failure, on
    the same thread)."""

    def __init__(self) -> None:
        self._raised: Dict[Any, Any] = {}
        self._lock = threading.Lock()
        self._last = threading.local()

    def internal(self) -> bool:
        """Whether the failure being reported on this thread is a direct call's or a
        ``ctx.read_resource``'s."""
        return bool(getattr(self._last, "internal", False))

    def watch(self, request_id: str) -> None:
        with self._lock:
            self._raised[request_id] = None

    def take(self, request_id: str) -> Any:
        with self._lock:
            return self._raised.pop(request_id, None)

    def read_failure(self, request_id: str, response: Dict[str, Any]) -> Optional[BaseException]:
        """What ``ctx.read_resource`` raises for the response of the watched ``request_id``
        when its reader crashed: the official ``UnexpectedResourceError``, caused by what
        the reader raised; None otherwise (the contents or the reader's refusal)."""
        raised = self.take(request_id)
        error = response.get("error")
        if error is None or not isinstance(raised, Exception) or error.get("code") in (INVALID_PARAMS, RESOURCE_NOT_FOUND):
            return None
        if any(c.__name__ in ("ResourceError", "MCPError", "McpError") for c in type(raised).__mro__):
            return None
        failure = UnexpectedResourceError(error.get("message", ""), error.get("data"))
        failure.__cause__ = raised
        return failure

    def __call__(self, native: Any, e: Any) -> None:
        """The wrappers' witness: ``e`` was raised by the handler of ``native``'s request
        (or is the ``InputRequiredResult`` it returned)."""
        request_id = native.request_id
        self._last.internal = isinstance(request_id, str) and request_id.startswith(_INTERNAL)
        if isinstance(request_id, str) and request_id.startswith(_INTERNAL):
            with self._lock:
                if request_id in self._raised:
                    self._raised[request_id] = e


class DirectCalls:
    """The official direct methods (see the module documentation), for ``MCPServer``, whose
    ``_witness`` is a ``Witnessed`` its tool and resource wrappers report to."""

    _native: Any
    _witness: Any
    _tools: Any
    _resources: Any

    async def _direct(self, method: str, params: Dict[str, Any]) -> "tuple[Dict[str, Any], Optional[BaseException]]":
        """One request on a connection of its own: (the response message, what its handler raised)."""
        import asyncio  # loaded on use: asyncio (with ssl, socket, subprocess) is megabytes every server would load

        loop = asyncio.get_running_loop()

        async def native_call(fn: Callable[..., None], *args: Any) -> Any:
            future: "asyncio.Future[Any]" = loop.create_future()
            fn(*args, resolver(loop, future))
            return await asyncio.wait_for(future, _TIMEOUT)

        witnessed: Witnessed = self._witness
        native = self._native.connect()
        request_id = f"{_PREFIX}{next(_ids)}"
        try:
            hello = {"protocolVersion": LATEST_PROTOCOL_VERSION, "capabilities": {}, "clientInfo": {"name": "mcpforge-direct", "version": "1"}}
            await native_call(native.request, f"{request_id}-init", "initialize", hello)
            await native_call(native.notify, "notifications/initialized", None)
            witnessed.watch(request_id)
            response = await native_call(native.request, request_id, method, params)
            return response, witnessed.take(request_id)
        finally:
            witnessed.take(request_id)
            await native_call(native.close)

    async def _listed(self, method: str, field: str) -> List[Dict[str, Any]]:
        items: List[Dict[str, Any]] = []
        params: Dict[str, Any] = {}
        while True:
            response, _ = await self._direct(method, params)
            result = _result(response)
            items.extend(result.get(field, []))
            if result.get("nextCursor") is None:
                return items
            params = {"cursor": result["nextCursor"]}

    async def list_tools(self) -> List[Any]:
        """Every tool definition, as the official ``Tool``."""
        return [typed("Tool", t) for t in await self._listed("tools/list", "tools")]

    async def list_resources(self) -> List[Any]:
        """Every concrete resource, as the official ``Resource``."""
        return [typed("Resource", r) for r in await self._listed("resources/list", "resources")]

    async def list_resource_templates(self) -> List[Any]:
        """Every resource template, as the official ``ResourceTemplate``."""
        return [typed("ResourceTemplate", t) for t in await self._listed("resources/templates/list", "resourceTemplates")]

    async def list_prompts(self) -> List[Any]:
        """Every prompt definition, as the official ``Prompt``."""
        return [typed("Prompt", p) for p in await self._listed("prompts/list", "prompts")]

    async def call_tool(self, name: str, arguments: Optional[Dict[str, Any]] = None, context: Any = None) -> Any:
        """Calls a tool as a client would and returns the official ``CallToolResult``
        (1.x's ``FastMCP``: its content blocks, with the structured content when there is
        some), or the ``InputRequiredResult`` the tool returned, as it is. Raises ``ToolError`` for an unknown tool or a ``ToolError`` the tool raised,
        ``UnexpectedToolError`` (``__cause__``: the original) when the tool crashed, and the
        tool's own ``McpError``."""
        response, raised = await self._direct("tools/call", {"name": name, "arguments": arguments or {}})
        if is_input_required(raised):
            return raised
        if "error" in response:
            raise raised if isinstance(raised, McpError) else _protocol_error(response)
        result = response["result"]
        if result.get("isError"):
            text = "\n".join(b.get("text", "") for b in result.get("content", []) if b.get("type") == "text")
            if raised is not None:
                if _anticipated(raised) or _arguments_refused(raised):
                    raise ToolError(text) from raised
                raise UnexpectedToolError(f"Error executing tool {name}") from raised
            if name not in self._tools:
                raise ToolError(text)
        return self._tool_result(result)

    def _tool_result(self, result: Dict[str, Any]) -> Any:
        """The official direct ``call_tool``'s return value (2.x: the whole result)."""
        return typed("CallToolResult", result)

    async def read_resource(self, uri: Any, context: Any = None) -> Any:
        """Reads a resource as a client would: a list of ``ReadResourceContents``, or the
        ``InputRequiredResult`` a template returned, as it is (for a handler to forward).
        Raises ``UnexpectedResourceError`` (``__cause__``: the original) when the reader
        crashed, ``ResourceError`` when it raised one, ``McpError`` for the rest (an unknown
        resource included)."""
        response, raised = await self._direct("resources/read", {"uri": str(uri)})
        if is_input_required(raised):
            return raised
        if "error" in response:
            if isinstance(raised, McpError):
                raise raised
            if raised is not None:
                if isinstance(raised, ResourceError) or type(raised).__name__ == "ResourceError":
                    raise ResourceError(str(raised)) from raised
                templated = str(uri) not in self._resources
                what = "Error creating resource from template" if templated else "Error reading resource"
                raise UnexpectedResourceError(f"{what} {uri}") from raised
            raise _protocol_error(response)
        return read_contents(response)

    async def get_prompt(self, name: str, arguments: Optional[Dict[str, Any]] = None, context: Any = None) -> Any:
        """A rendered prompt as the official ``GetPromptResult``; a prompt that is unknown,
        lacks arguments or fails raises ``ValueError`` with the message a client reads
        (an ``McpError`` the prompt raised passes through)."""
        strings = {k: v if isinstance(v, str) else str(v) for k, v in (arguments or {}).items()}
        response, raised = await self._direct("prompts/get", {"name": name, "arguments": strings})
        if "error" in response:
            if isinstance(raised, McpError):
                raise raised
            error = _protocol_error(response)
            raise ValueError(error.message) from (raised or error)
        return typed("GetPromptResult", response["result"])


def _arguments_refused(e: BaseException) -> bool:
    """pydantic's refusal of the arguments (a ``ValidationError`` while binding them)."""
    return type(e).__name__ == "ValidationError" and type(e).__module__.partition(".")[0] in ("pydantic", "pydantic_core")


def _result(response: Dict[str, Any]) -> Dict[str, Any]:
    if "error" in response:
        raise _protocol_error(response)
    return response["result"]  # type: ignore[no-any-return]


def _protocol_error(response: Dict[str, Any]) -> McpError:
    error = response["error"]
    return McpError(error.get("code", 0), error.get("message", ""), error.get("data"))

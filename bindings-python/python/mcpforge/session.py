"""The official SDK's request-side objects, over a ``Context``: ``ctx.request_context``
(``RequestContext``: ``lifespan_context``, ``request_id``, ``meta``, ``session``, ``request``:
the HTTP request's headers),
``ctx.session`` (``Session``: ``create_message``, ``send_log_message``, ``list_roots``, the
list-changed notifications, ...) and what ``ctx.read_resource`` returns
(``ReadResourceContents``). They exist so that code written for the official SDK runs
unchanged; each method is one of ``Context``'s, so the same rules hold (awaitable in async
handlers, blocking in sync ones)."""

from __future__ import annotations

import base64
import dataclasses
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from ._convert import wire
from ._input_required import NESTED_READ
from ._request_meta import RequestMeta, request_meta
from ._wire_view import WireView
from .errors import INVALID_PARAMS, RESOURCE_NOT_FOUND, ResourceError, ResourceNotFoundError

__all__ = ["RequestContext", "Session", "ReadResourceContents", "ListRootsResult", "HttpRequest", "Headers", "read_contents"]


class Headers(Mapping[str, str]):
    """An HTTP request's headers, looked up by name in any case (as Starlette's)."""

    __slots__ = ("_headers",)

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = {name.lower(): value for name, value in headers.items()}

    def __getitem__(self, name: str) -> str:
        return self._headers[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._headers

    def __iter__(self) -> Iterator[str]:
        return iter(self._headers)

    def __len__(self) -> int:
        return len(self._headers)

    def __repr__(self) -> str:
        return f"Headers({self._headers!r})"


@dataclasses.dataclass(frozen=True)
class HttpRequest:
    """What a handler learns about the HTTP request that carried its request:
    ``headers``."""

    headers: Headers


@dataclasses.dataclass
class ReadResourceContents:
    """One item of a resource's contents: ``content`` (str for text, bytes for a blob) and
    ``mime_type``."""

    content: Union[str, bytes]
    mime_type: Optional[str] = None
    meta: Optional[Dict[str, Any]] = None


@dataclasses.dataclass
class ListRootsResult:
    """The client's roots (``roots``: a list of ``Root``)."""

    roots: List[Any]


def read_contents(response: Dict[str, Any]) -> List[ReadResourceContents]:
    """A ``resources/read`` response as ``ReadResourceContents``; an error response raises
    ``ResourceError`` with its message (``ResourceNotFoundError`` when the resource does not
    exist, as the official SDK's ``read_resource`` does); a reader that asked the client for
    input (an ``input_required`` result) raises ``RuntimeError``: contents only come back."""
    if "error" in response:
        error = response["error"]
        message, data = error.get("message", "the resource could not be read"), error.get("data")
        if error.get("code") in (INVALID_PARAMS, RESOURCE_NOT_FOUND):
            raise ResourceNotFoundError(message, data)
        raise ResourceError(message, data)
    if response.get("result", {}).get("resultType") == "input_required":
        raise RuntimeError(NESTED_READ)
    out = []
    for item in response.get("result", {}).get("contents", []):
        content: Union[str, bytes] = item["text"] if "text" in item else base64.b64decode(item.get("blob", ""))
        out.append(ReadResourceContents(content, item.get("mimeType"), item.get("_meta")))
    return out


class Session:
    """The official SDK's ``ServerSession`` methods for one request (see the module
    documentation). Progress and logs go to the request this session belongs to."""

    __slots__ = ("_ctx",)

    def __init__(self, ctx: Any) -> None:
        self._ctx = ctx

    @property
    def client_params(self) -> Dict[str, Any]:
        """What the client said about itself: ``clientInfo`` and ``capabilities``."""
        return {"clientInfo": self._ctx.client_info, "capabilities": self._ctx.client_capabilities}

    @property
    def client_capabilities(self) -> Optional[WireView]:
        """The capabilities the client declared, readable as the official
        ``ClientCapabilities`` (``.sampling``, ``.elicitation``, ...: None when not declared)."""
        caps = self._ctx.client_capabilities
        return None if caps is None else WireView(caps)

    def check_client_capability(self, capability: Any) -> bool:
        """True when the client declared every capability named in ``capability`` (a dict or
        an official ``ClientCapabilities``)."""
        wanted = wire(capability) or {}
        have = wire(self._ctx.client_capabilities) or {}
        return all(have.get(name) is not None for name, value in wanted.items() if value is not None)

    def create_message(
        self,
        messages: Sequence[Any],
        *,
        max_tokens: int,
        system_prompt: Optional[str] = None,
        include_context: Optional[str] = None,
        temperature: Optional[float] = None,
        stop_sequences: Optional[List[str]] = None,
        metadata: Optional[Dict[str, Any]] = None,
        model_preferences: Any = None,
        related_request_id: Any = None,
        **extra: Any,
    ) -> Any:
        """``sampling/createMessage``: ``messages`` are official ``SamplingMessage`` objects,
        wire dicts or strs; returns a ``SamplingResult`` (``content.text``, ``model``,
        ``stop_reason``)."""
        fields = {
            "includeContext": include_context,
            "temperature": temperature,
            "stopSequences": stop_sequences,
            "metadata": metadata,
            "modelPreferences": None if model_preferences is None else wire(model_preferences),
        }
        more = {k: v for k, v in fields.items() if v is not None}
        more.update({k: wire(v) for k, v in extra.items()})
        wired = [m if isinstance(m, str) else wire(m) for m in messages]
        return self._ctx.sample(wired, max_tokens=max_tokens, system_prompt=system_prompt, **more)

    def elicit(self, message: str, requested_schema: Any = None, related_request_id: Any = None, *, requestedSchema: Any = None) -> Any:
        """``elicitation/create`` with a JSON Schema (or a type); returns an ``ElicitResult``.
        The schema is also taken as 1.x's ``requestedSchema``."""
        return self._ctx.elicit(message, requested_schema if requested_schema is not None else requestedSchema)

    def elicit_form(self, message: str, requested_schema: Any = None, related_request_id: Any = None, *, requestedSchema: Any = None) -> Any:
        """``elicit`` under 1.x's name for a form."""
        return self.elicit(message, requested_schema, related_request_id, requestedSchema=requestedSchema)

    def elicit_url(self, message: str, url: str, elicitation_id: str, related_request_id: Any = None) -> Any:
        """``elicitation/create`` in URL mode (``Context.elicit_url``); returns an ``ElicitResult``."""
        return self._ctx.elicit_url(message, url, elicitation_id)

    def list_roots(self) -> Any:
        """``roots/list``; returns a ``ListRootsResult``."""
        roots = self._ctx.list_roots()
        if not hasattr(roots, "__await__"):
            return ListRootsResult(roots)
        return self._roots_async(roots)

    async def _roots_async(self, pending: Any) -> ListRootsResult:
        return ListRootsResult(await pending)

    def send_ping(self) -> Any:
        """``ping`` to the client; returns an empty result (``Context.ping``)."""
        pinged = self._ctx.ping()
        if not hasattr(pinged, "__await__"):
            return {}
        return self._pinged_async(pinged)

    async def _pinged_async(self, pending: Any) -> Dict[str, Any]:
        await pending
        return {}

    def send_log_message(self, level: str, data: Any, logger: Optional[str] = None, related_request_id: Any = None) -> Any:
        """A log message to the client (``Context.log``)."""
        return self._ctx.log(level, data, logger)

    def send_progress_notification(self, progress_token: Any, progress: float, total: Optional[float] = None, message: Optional[str] = None, related_request_id: Any = None) -> Any:
        """Progress of this request (``Context.report_progress``; the request's own token is
        used)."""
        return self._ctx.report_progress(progress, total, message)

    def send_resource_updated(self, uri: Any) -> Any:
        """Tells this session's client the resource ``uri`` changed, subscribed or not."""
        return self._ctx.notify_resource_updated_here(uri)

    def send_elicit_complete(self, elicitation_id: str, related_request_id: Any = None) -> Any:
        """Tells the client that a URL-mode elicitation finished
        (``Context.notify_elicitation_complete``)."""
        return self._ctx.notify_elicitation_complete(elicitation_id)

    def send_resource_list_changed(self) -> Any:
        """Tells this session's client the resource list changed."""
        return self._ctx.notify_list_changed_here("resources")

    def send_tool_list_changed(self) -> Any:
        """Tells this session's client the tool list changed."""
        return self._ctx.notify_list_changed_here("tools")

    def send_prompt_list_changed(self) -> Any:
        """Tells this session's client the prompt list changed."""
        return self._ctx.notify_list_changed_here("prompts")


class RequestContext:
    """The official SDK's ``ctx.request_context`` (see the module documentation)."""

    __slots__ = ("_ctx",)

    def __init__(self, ctx: Any) -> None:
        self._ctx = ctx

    @property
    def lifespan_context(self) -> Any:
        """What the server's ``lifespan`` yielded (an empty dict without a lifespan)."""
        return self._ctx.server.lifespan_context

    @property
    def request_id(self) -> Any:
        """The JSON-RPC id of the request."""
        return self._ctx.request_id

    @property
    def meta(self) -> Optional[RequestMeta]:
        """The request's ``_meta`` as the official SDK hands it out (``RequestMeta``: 2.x's
        dict, its progress token under ``progress_token``, whose keys also read as 1.x's
        attributes, ``meta.progressToken``), or None."""
        return request_meta(self._ctx.meta)

    @property
    def session(self) -> Session:
        """The request's ``Session``."""
        return Session(self._ctx)

    @property
    def request(self) -> Optional[HttpRequest]:
        """The HTTP request that carried the request (``headers``, looked up in any case),
        or None when it did not come over HTTP."""
        headers = self._ctx.headers
        return None if headers is None else HttpRequest(Headers(headers))

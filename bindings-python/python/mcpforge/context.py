"""``Context``: what a handler can know and do while it runs. Declare a parameter annotated
``Context`` (any name) and the server passes it.

- metadata: ``request_id``, ``protocol_version``, ``meta``, ``progress_token``,
  ``client_info``, ``client_capabilities``, ``client_id``, ``auth``, ``task_id``,
  ``session_id``, ``headers`` (HTTP requests), ``trace_context`` (distributed tracing), and
  ``request_context`` (with ``lifespan_context``, what the server's lifespan yielded);
- ``report_progress``, ``log`` and ``debug``/``info``/.../``emergency``, the list-changed
  notifications, and ``session`` (the official SDK's session methods);
- ``read_resource`` (this server's own resources);
- ``cancelled`` (async handlers are also cancelled as asyncio tasks);
- client input: ``elicit``, ``sample``, ``list_roots``, and the keyed ``ask``/``ask_all``
  and low-level ``input_required``.

In an ``async def`` handler the client-input methods return awaitables (progress and log
calls may be awaited or not); in a plain ``def`` handler they block, with the interpreter
released, and return the answer. On the 2026-07-28 wire an unanswered ask stops the handler
(``InputRequired``) and the engine runs it again from the start once the client answered,
so code before an ask must be safe to repeat.
"""

from __future__ import annotations

import dataclasses
import weakref
from typing import TYPE_CHECKING, Any, Dict, Generator, Generic, List, Optional, Sequence, Tuple, TypeVar, Union

from ._context_given import OUTSIDE_A_REQUEST, GivenRequest
from ._convert import jsonable
from ._futures import resolver
from ._loopback import next_id
from .auth import AuthInfo
from .content import Block
from .errors import InputRequired
from .schema import SchemaBuilder, type_schema
from .session import RequestContext, Session, read_contents

if TYPE_CHECKING:
    from ._native import NativeContext

__all__ = [
    "Context",
    "Elicit",
    "Sample",
    "ListRoots",
    "ElicitResult",
    "ElicitationResult",
    "AcceptedElicitation",
    "DeclinedElicitation",
    "CancelledElicitation",
    "SamplingResult",
    "Root",
    "InputAsk",
]


class _Done:
    """An already-finished awaitable: ``await ctx.report_progress(...)`` works, and so does
    calling it without ``await``."""

    __slots__ = ()

    def __await__(self) -> Generator[None, None, None]:
        yield from ()


_DONE = _Done()


class InputAsk:
    """A client-input request: ``method`` and ``params`` as on the wire."""

    method = ""

    def __init__(self, params: Dict[str, Any]) -> None:
        self.params = params

    def as_wire(self, key: Optional[str]) -> Tuple[Optional[str], str, Dict[str, Any]]:
        """The request as the engine takes it."""
        return (key, self.method, self.params)


_Form = TypeVar("_Form")


class Elicit(InputAsk, Generic[_Form]):
    """``elicitation/create``: a form (``schema``: a JSON Schema dict, or a dataclass,
    TypedDict or pydantic model of primitive fields, or one primitive type such as ``str``,
    ``int``, ``bool``, a ``Literal`` or an ``Enum``, asked as the field ``value``) or, with
    ``url``, a URL elicitation. ``Elicit[Model]`` annotates a resolver that asks for a
    ``Model``, as the official ``Elicit[T]`` does."""

    method = "elicitation/create"

    def __init__(self, message: str, schema: Any = None, *, url: Optional[str] = None, elicitation_id: Optional[str] = None) -> None:
        self.message = message
        self.schema = schema
        self.type = None if schema is None or isinstance(schema, dict) else schema
        self.wrapped = False
        if url is not None:
            params: Dict[str, Any] = {"mode": "url", "message": message, "url": url}
            if elicitation_id is not None:
                params["elicitationId"] = elicitation_id
        else:
            requested = _elicitation_schema(schema)
            if "properties" not in requested:  # one primitive value
                requested = {"type": "object", "properties": {"value": requested}, "required": ["value"]}
                self.wrapped = True
            params = {"message": message, "requestedSchema": requested}
        super().__init__(params)


class Sample(InputAsk):
    """``sampling/createMessage``: ``messages`` is a str (one user message) or a list of
    ``{"role", "content"}`` dicts (or strs, user text); ``extra`` passes other fields
    (``temperature``, ``modelPreferences``, ``stopSequences``, ...)."""

    method = "sampling/createMessage"

    def __init__(self, messages: Union[str, Sequence[Any]], *, max_tokens: int = 1000, system_prompt: Optional[str] = None, **extra: Any) -> None:
        if isinstance(messages, str):
            messages = [messages]
        wire = [
            {"role": "user", "content": {"type": "text", "text": m}} if isinstance(m, str) else _wire_value(m) for m in messages
        ]
        params: Dict[str, Any] = {"messages": wire, "maxTokens": max_tokens}
        # The official keywords (``stop_sequences=``, ``tool_choice=``) under their wire names.
        params.update({_camel(k): _wire_value(v) for k, v in extra.items() if v is not None})
        if system_prompt is not None:
            params["systemPrompt"] = system_prompt
        super().__init__(params)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _wire_value(value: Any) -> Any:
    """A pydantic model (the official ``SamplingMessage``, ``Tool``) as its wire JSON."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(value, (list, tuple)):
        return [_wire_value(v) for v in value]
    return value


class ListRoots(InputAsk):
    """``roots/list``."""

    method = "roots/list"

    def __init__(self) -> None:
        super().__init__({})


def _elicitation_schema(schema: Any) -> Dict[str, Any]:
    """The ``requestedSchema`` of a form. One derived from a type is made a form's: the
    specification allows only flat objects of primitive fields (string, number, integer,
    boolean, enum; an array of enum values for several choices), so an optional field is
    sent as its type (left out of ``required``, without a ``null`` default), and any other
    field raises
    ``TypeError`` naming it, before anything is sent. A dict is sent as given."""
    if schema is None:
        return {"type": "object", "properties": {}}
    if isinstance(schema, dict):
        return schema

    derived = type_schema(schema)
    defs = derived.pop("$defs", {})
    derived = _resolved(derived, defs)
    properties = derived.get("properties")
    if isinstance(properties, dict):
        derived["properties"] = {name: _form_field(name, _resolved(field, defs)) for name, field in properties.items()}
    return derived


def _resolved(schema: Dict[str, Any], defs: Dict[str, Any]) -> Dict[str, Any]:
    """``schema`` with a ``$ref`` to one of ``defs`` replaced by what it names."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and ref[len("#/$defs/") :] in defs:
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        return {**defs[ref[len("#/$defs/") :]], **rest}
    return schema


_PRIMITIVES = {"string", "number", "integer", "boolean"}


def _form_field(name: str, field: Dict[str, Any]) -> Dict[str, Any]:
    """One property of a form: ``Optional[X]`` as ``X``; anything but a primitive or an enum
    (or an array of enum values) refused."""
    field = dict(field)
    kinds = field.get("type")
    if isinstance(kinds, list) and "null" in kinds:
        rest = [k for k in kinds if k != "null"]
        field["type"] = rest[0] if len(rest) == 1 else rest
        if field.get("default", 0) is None:  # a form's default is a value of its type
            del field["default"]
    options = field.get("anyOf")
    if isinstance(options, list):
        rest = [o for o in options if o != {"type": "null"}]
        if len(rest) == 1 and len(rest) < len(options):
            del field["anyOf"]
            field = {**rest[0], **field}
            if field.get("default", 0) is None:
                del field["default"]
    kind = field.get("type")
    items = field.get("items")
    choice = "enum" in field or "oneOf" in field or (isinstance(options, list) and all("const" in o for o in options if o != {"type": "null"}))
    several = kind == "array" and isinstance(items, dict) and ("enum" in items or "anyOf" in items or "oneOf" in items)
    if not (kind in _PRIMITIVES or choice or several):
        raise TypeError(
            f"elicitation field {name!r} is not a primitive type: a form's fields are strings, numbers, integers, "
            "booleans or enums (an array of enum values for several choices)"
        )
    return field


@dataclasses.dataclass
class ElicitResult:
    """The user's answer: ``action`` is ``"accept"``, ``"decline"`` or ``"cancel"``;
    ``content`` (also ``data``) the submitted values (an instance of the requested type when
    one was given), or None. The answers are the subclasses ``AcceptedElicitation``,
    ``DeclinedElicitation`` and ``CancelledElicitation``, so ``match`` works on them."""

    action: str
    content: Any = None

    def __class_getitem__(cls, item: Any) -> Any:
        """``AcceptedElicitation[Model]`` in annotations is the class itself."""
        return cls

    @property
    def accepted(self) -> bool:
        """True when the user accepted."""
        return self.action == "accept"

    @property
    def data(self) -> Any:
        """The submitted values (the official SDK's name for ``content``)."""
        return self.content


@dataclasses.dataclass
class AcceptedElicitation(ElicitResult):
    """The user accepted; ``data`` holds the values."""

    action: str = "accept"


@dataclasses.dataclass
class DeclinedElicitation(ElicitResult):
    """The user declined."""

    action: str = "decline"


@dataclasses.dataclass
class CancelledElicitation(ElicitResult):
    """The user cancelled (or the client gave no answer)."""

    action: str = "cancel"


ElicitationResult = ElicitResult
"""The official SDK's name of the answer type."""


@dataclasses.dataclass
class SamplingResult:
    """The client's model output."""

    role: str
    content: Any
    model: str
    stop_reason: Optional[str] = None

    @property
    def text(self) -> Optional[str]:
        """The text of a text content block, else None."""
        c = self.content
        if isinstance(c, dict) and c.get("type") == "text":
            return c.get("text")
        return None


@dataclasses.dataclass
class Root:
    """A filesystem root of the client."""

    uri: str
    name: Optional[str] = None


def _elicit_result(answer: Dict[str, Any], ask: "Elicit[Any]") -> ElicitResult:
    action = answer.get("action", "cancel")
    if action == "decline":
        return DeclinedElicitation()
    if action != "accept":
        return CancelledElicitation()
    content = answer.get("content")
    if content is not None and ask.wrapped:
        content = content.get("value")
    if content is not None and ask.type is not None:
        convert = SchemaBuilder().converter(ask.type)
        content = convert(content) if convert is not None else content
    return AcceptedElicitation(content=content)


def _sampling_result(answer: Dict[str, Any]) -> SamplingResult:
    content = answer.get("content")
    content = Block(content) if isinstance(content, dict) else content
    return SamplingResult(answer.get("role", "assistant"), content, answer.get("model", ""), answer.get("stopReason"))


def _roots(answer: Dict[str, Any]) -> List[Root]:
    return [Root(r["uri"], r.get("name")) for r in answer.get("roots", [])]



@dataclasses.dataclass(frozen=True)
class TraceContext:
    """A request's position in a distributed trace (W3C Trace Context)."""

    traceparent: str
    """The W3C ``traceparent`` value: ``00-<trace_id>-<span_id>-<flags>``."""
    tracestate: Optional[str]
    """The vendor ``tracestate`` that travels with it, or None."""
    trace_id: str
    """The trace id, 32 lowercase hex digits."""
    span_id: str
    """The span id, 16 lowercase hex digits."""
    sampled: bool
    """Whether the trace is sampled."""

    def carrier(self) -> Dict[str, str]:
        """The W3C headers as a dict, for ``opentelemetry.propagate.extract`` or an outgoing
        request's headers."""
        out = {"traceparent": self.traceparent}
        if self.tracestate:
            out["tracestate"] = self.tracestate
        return out

def _read(response: Dict[str, Any], request_id: str, witness: Any) -> Any:
    """The contents of a ``ctx.read_resource`` response (``session.read_contents``), or the
    witness's own failure for it."""
    failure = witness.read_failure(request_id, response) if witness is not None else None
    if failure is not None:
        raise failure
    return read_contents(response)


class Context:
    """One request's context (see the module documentation). ``Context[...]`` in an
    annotation (the official SDK's generic form) is ``Context``.

    The server makes one for each handler that declares it. One can also be made by hand,
    as the official SDK's is: ``Context(request_context=..., mcp_server=...)``, both
    optional (1.x's ``fastmcp=`` names the server too), then it answers from what it was
    given (``mcpforge._context_given``): ``mcp_server`` and ``request_context`` raise
    ``ValueError`` when not given, as the official ones do outside a request."""

    __slots__ = ("_native", "_server")

    def __class_getitem__(cls, item: Any) -> Any:
        """``Context[ServerSession, AppState]`` is ``Context``."""
        return cls

    def __init__(
        self,
        native: "Optional[NativeContext]" = None,
        server: Any = None,
        *,
        request_context: Any = None,
        mcp_server: Any = None,
        fastmcp: Any = None,
        input_params: Any = None,
    ) -> None:
        if native is None:
            self._native: "Union[NativeContext, GivenRequest]" = GivenRequest(request_context, input_params)
            self._server = mcp_server if mcp_server is not None else fastmcp
        else:
            self._native = native
            self._server = server

    # ----- metadata ------------------------------------------------------------------------

    @property
    def request_id(self) -> Union[int, str]:
        """The JSON-RPC id of the request."""
        return self._native.request_id  # type: ignore[no-any-return]

    @property
    def protocol_version(self) -> str:
        """The protocol version of this request."""
        return self._native.protocol_version

    @property
    def meta(self) -> Optional[Dict[str, Any]]:
        """The request's ``_meta``, or None."""
        return self._native.meta  # type: ignore[no-any-return]

    @property
    def progress_token(self) -> Union[int, str, None]:
        """The progress token, or None when the client did not ask for progress."""
        return self._native.progress_token  # type: ignore[no-any-return]

    @property
    def client_info(self) -> Optional[Dict[str, Any]]:
        """The client's name and version, when known."""
        return self._native.client_info  # type: ignore[no-any-return]

    @property
    def client_capabilities(self) -> Dict[str, Any]:
        """The client's capabilities."""
        return self._native.client_capabilities  # type: ignore[no-any-return]

    @property
    def auth(self) -> Optional["AuthInfo"]:
        """The verified bearer token's grant (HTTP with ``auth=``), or None."""
        grant = self._native.auth
        if grant is None:
            return None

        return AuthInfo(grant["subject"], grant["scopes"], grant["client_id"], grant["extra"])

    @property
    def task_id(self) -> Optional[str]:
        """The task id when this handler runs as a task (Tasks extension), else None."""
        return self._native.task_id

    @property
    def session_id(self) -> Optional[str]:
        """The id of the session the request belongs to (Streamable HTTP's
        ``Mcp-Session-Id``, the HTTP+SSE transport's ``sessionId``); None on stdio and on the
        2026-07-28 wire, which has no sessions."""
        return self._native.session_id

    @property
    def trace_context(self) -> Optional["TraceContext"]:
        """Where this request sits in a distributed trace: the engine's span for the request
        when OpenTelemetry export is on (``OTEL_EXPORTER_OTLP_ENDPOINT``), a child of the
        client's span; otherwise the client's W3C context from ``_meta`` as it arrived; None
        when there is neither. Nest your own spans under it with
        ``opentelemetry.propagate.extract(ctx.trace_context.carrier())``."""
        found = self._native.trace_context
        return None if found is None else TraceContext(*found)

    @property
    def server(self) -> Any:
        """The ``mcpforge.Server`` serving this request; ``ValueError`` for a context made
        by hand without one."""
        server = self._server() if isinstance(self._server, weakref.ref) else self._server
        if server is None:
            raise ValueError(OUTSIDE_A_REQUEST)
        return server

    @property
    def mcp_server(self) -> Any:
        """The server (the official SDK's 2.x name)."""
        return self.server

    @property
    def fastmcp(self) -> Any:
        """The server (the official SDK's 1.x name)."""
        return self.server

    @property
    def client_id(self) -> Optional[str]:
        """The ``client_id`` the client put in the request's ``_meta``, else the one of the
        verified bearer token, else None."""
        meta = self.meta or {}
        if meta.get("client_id") is not None:
            return str(meta["client_id"])
        grant = self.auth
        return grant.client_id if grant is not None else None

    @property
    def headers(self) -> Optional[Dict[str, str]]:
        """The headers of the HTTP request that carried the request (names lowercase, a
        repeated header's values joined with ``, ``), or None when it did not come over HTTP
        (the verified token is also ``auth``)."""
        pairs = self._native.headers
        if pairs is None:
            return None
        headers: Dict[str, str] = {}
        for name, value in pairs:
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return headers

    @property
    def cancelled(self) -> bool:
        """True once the request was cancelled (client, timeout or shutdown)."""
        return self._native.cancelled

    # ----- notifications -------------------------------------------------------------------

    def report_progress(self, progress: float, total: Optional[float] = None, message: Optional[str] = None) -> _Done:
        """Sends progress (when the client asked for it; values must increase)."""
        sent = self._native.report_progress(float(progress), None if total is None else float(total), message)
        return _DONE if sent is None else sent  # a hand-made context: the session's awaitable

    def log(self, level: str, data: Any, logger: Optional[str] = None, *, logger_name: Optional[str] = None, extra: Optional[Dict[str, Any]] = None) -> _Done:
        """Sends a log message at ``level`` (``debug`` ... ``emergency``) if the client's level
        lets it through. ``logger_name`` is the official SDK's name for ``logger``; with
        ``extra``, the data sent is ``{"message": data, **extra}``."""
        if extra:
            data = {"message": data, **extra}
        sent = self._native.log(level, jsonable(data), logger if logger is not None else logger_name)
        return _DONE if sent is None else sent  # a hand-made context: the session's awaitable

    def debug(self, data: Any, logger: Optional[str] = None, *, logger_name: Optional[str] = None, **extra: Any) -> _Done:
        """``log("debug", ...)``."""
        return self.log("debug", data, logger, logger_name=logger_name, extra=extra)

    def info(self, data: Any, logger: Optional[str] = None, *, logger_name: Optional[str] = None, **extra: Any) -> _Done:
        """``log("info", ...)``."""
        return self.log("info", data, logger, logger_name=logger_name, extra=extra)

    def notice(self, data: Any, logger: Optional[str] = None, *, logger_name: Optional[str] = None, **extra: Any) -> _Done:
        """``log("notice", ...)``."""
        return self.log("notice", data, logger, logger_name=logger_name, extra=extra)

    def warning(self, data: Any, logger: Optional[str] = None, *, logger_name: Optional[str] = None, **extra: Any) -> _Done:
        """``log("warning", ...)``."""
        return self.log("warning", data, logger, logger_name=logger_name, extra=extra)

    def error(self, data: Any, logger: Optional[str] = None, *, logger_name: Optional[str] = None, **extra: Any) -> _Done:
        """``log("error", ...)``."""
        return self.log("error", data, logger, logger_name=logger_name, extra=extra)

    def critical(self, data: Any, logger: Optional[str] = None, *, logger_name: Optional[str] = None, **extra: Any) -> _Done:
        """``log("critical", ...)``."""
        return self.log("critical", data, logger, logger_name=logger_name, extra=extra)

    def alert(self, data: Any, logger: Optional[str] = None, *, logger_name: Optional[str] = None, **extra: Any) -> _Done:
        """``log("alert", ...)``."""
        return self.log("alert", data, logger, logger_name=logger_name, extra=extra)

    def emergency(self, data: Any, logger: Optional[str] = None, *, logger_name: Optional[str] = None, **extra: Any) -> _Done:
        """``log("emergency", ...)``."""
        return self.log("emergency", data, logger, logger_name=logger_name, extra=extra)

    def notify_tools_changed(self) -> _Done:
        """Tells clients the tool list changed."""
        self.server.notify_tools_changed()
        return _DONE

    def notify_prompts_changed(self) -> _Done:
        """Tells clients the prompt list changed."""
        self.server.notify_prompts_changed()
        return _DONE

    def notify_resources_changed(self) -> _Done:
        """Tells clients the resource list changed."""
        self.server.notify_resources_changed()
        return _DONE

    def notify_list_changed_here(self, kind: str) -> _Done:
        """Tells this request's client, on its session of a handshake version, that the list
        ``kind`` (``"tools"``, ``"prompts"``, ``"resources"``) changed, even where the
        server tells no session by itself (``MCPServer``, as the official one); on 2026-07-28
        list changes reach clients on their listen streams (``notify_tools_changed``)."""
        sent = self._native.notify_list_changed(kind)
        return _DONE if sent is None else sent  # a hand-made context: the session's awaitable

    def notify_elicitation_complete(self, elicitation_id: str) -> _Done:
        """Tells this request's client that the URL-mode elicitation ``elicitation_id``
        (``elicit_url``) finished, once the user completed it out of band
        (``notifications/elicitation/complete``; from 2025-11-25)."""
        sent = self._native.notify_elicitation_complete(str(elicitation_id))
        return _DONE if sent is None else sent  # a hand-made context: the session's awaitable

    def notify_resource_updated(self, uri: Any) -> _Done:
        """Tells subscribers the resource ``uri`` changed."""
        self.server.notify_resource_updated(str(uri))
        return _DONE

    def notify_resource_updated_here(self, uri: Any) -> _Done:
        """Tells this request's client, on its session of a handshake version, that the
        resource ``uri`` changed, whether or not it subscribed to it (the official
        ``session.send_resource_updated``); on 2026-07-28 updates reach clients on their
        subscription streams (``notify_resource_updated``)."""
        sent = self._native.notify_resource_updated(str(uri))
        return _DONE if sent is None else sent  # a hand-made context: the session's awaitable

    @property
    def session(self) -> Any:
        """The official SDK's session methods for this request (``create_message``,
        ``send_log_message``, ``list_roots``, ...: ``mcpforge.session.Session``)."""
        if isinstance(self._native, GivenRequest):
            return self._native.request_context.session
        return Session(self)

    @property
    def request_context(self) -> Any:
        """``lifespan_context`` (what the server's lifespan yielded), ``request_id``,
        ``meta`` and ``session``, as in the official SDK (``mcpforge.session.RequestContext``)."""
        if isinstance(self._native, GivenRequest):
            return self._native.request_context  # the one given; ValueError without
        return RequestContext(self)

    def read_resource(self, uri: Any) -> Any:
        """Reads one of this server's resources (templates too) and returns its contents as a
        list of ``ReadResourceContents`` (``content``: str or bytes, ``mime_type``); raises
        ``ResourceError`` when the read fails (``MCPServer``: ``UnexpectedResourceError``,
        caused by the reader's exception, when the reader crashed). Awaitable in async
        handlers."""
        server = self.server
        request = ("resources/read", {"uri": str(uri)})
        # A server that keeps a witness (``MCPServer``) learns what the reader raised, and
        # may raise its own failure for it (``read_failure``).
        witness = getattr(server, "_witness", None)
        request_id = next_id()
        if witness is not None:
            witness.watch(request_id)
        if not self._native.is_async:
            return _read(server._loopback().call(*request, request_id), request_id, witness)
        return self._read_async(server, request, request_id, witness)

    async def _read_async(self, server: Any, request: Tuple[str, Dict[str, Any]], request_id: str, witness: Any) -> Any:
        return _read(await server._loopback().call_async(*request, request_id), request_id, witness)

    # ----- client input --------------------------------------------------------------------

    def _run(self, wire: List[Tuple[Optional[str], str, Dict[str, Any]]], finish: Any) -> Any:
        """Blocking in a sync handler; an awaitable in an async one."""
        if not self._native.is_async:
            return finish(self._native.ask(wire))
        return self._await(wire, finish)

    async def _await(self, wire: List[Tuple[Optional[str], str, Dict[str, Any]]], finish: Any) -> Any:
        import asyncio  # loaded on use

        loop = asyncio.get_running_loop()
        future: "asyncio.Future[Any]" = loop.create_future()
        self._native.ask_then(wire, resolver(loop, future))
        return finish(await future)

    def ping(self) -> Any:
        """Pings this request's client and waits for its answer (legacy sessions; a
        ``ToolError`` on 2026-07-28 or when the client refuses). Awaitable in async
        handlers."""
        if not self._native.is_async:
            return self._native.ping()
        return self._ping_async()

    async def _ping_async(self) -> None:
        import asyncio  # loaded on use (already loaded: this runs on an asyncio loop)

        loop = asyncio.get_running_loop()
        future: "asyncio.Future[Any]" = loop.create_future()
        self._native.ping_then(resolver(loop, future))
        await future

    def elicit(self, message: str, schema: Any = None, *, response_type: Any = None) -> Any:
        """Asks the user to fill a form (``schema``, or ``response_type``: a JSON Schema
        dict, a dataclass, TypedDict or pydantic model, or one primitive type) and returns an
        ``ElicitResult``: ``AcceptedElicitation`` with ``.data``, ``DeclinedElicitation`` or
        ``CancelledElicitation`` (awaitable in async handlers)."""
        ask: Elicit[Any] = Elicit(message, schema if schema is not None else response_type)
        return self._run([ask.as_wire(None)], lambda answers: _elicit_result(answers[0], ask))

    def elicit_url(self, message: str, url: str, elicitation_id: str) -> Any:
        """Asks the user to visit ``url`` (a URL elicitation); returns an ``ElicitResult``
        whose ``action`` says whether they agreed (awaitable in async handlers)."""
        ask: Elicit[Any] = Elicit(message, url=url, elicitation_id=elicitation_id)
        return self._run([ask.as_wire(None)], lambda answers: _elicit_result(answers[0], ask))

    def sample(self, messages: Union[str, Sequence[Any]], *, max_tokens: int = 1000, system_prompt: Optional[str] = None, **extra: Any) -> Any:
        """Asks the client's model; returns a ``SamplingResult`` (awaitable in async handlers)."""
        ask = Sample(messages, max_tokens=max_tokens, system_prompt=system_prompt, **extra)
        return self._run([ask.as_wire(None)], lambda answers: _sampling_result(answers[0]))

    def list_roots(self) -> Any:
        """The client's roots as a list of ``Root`` (awaitable in async handlers)."""
        return self._run([ListRoots().as_wire(None)], lambda answers: _roots(answers[0]))

    def ask(self, key: str, request: InputAsk) -> Any:
        """One client input under a stable key of your choosing; returns the raw answer
        dict (awaitable in async handlers)."""
        return self._run([request.as_wire(key)], lambda answers: answers[0])

    def ask_all(self, requests: Sequence[Tuple[str, InputAsk]]) -> Any:
        """Several client inputs in one round; returns the raw answers in order (awaitable
        in async handlers)."""
        return self._run([r.as_wire(k) for k, r in requests], list)

    # ----- low-level multi-round-trip ------------------------------------------------------

    @property
    def input_responses(self) -> Dict[str, Any]:
        """The answers the client sent for this run, by key."""
        return self._native.input_responses  # type: ignore[no-any-return]

    @property
    def request_state(self) -> Any:
        """The state carried from the previous round (``input_required``), or None."""
        return self._native.request_state

    def input_required(self, requests: Sequence[Tuple[str, InputAsk]], state: Any = None) -> InputRequired:
        """Stops with ``input_required``: asks ``requests`` and carries ``state`` (sealed by
        the engine) into the next round. Use as ``raise ctx.input_required(...)``."""
        self._native.input_required([r.as_wire(k) for k, r in requests], state)
        return InputRequired()

    def start_task(self) -> None:
        """For a tool registered with ``defer_task=True``: become a task now (raises
        ``InputRequired`` to end this run; the handler runs again as the task)."""
        self._native.start_task()

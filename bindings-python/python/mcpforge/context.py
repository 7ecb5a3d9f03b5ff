"""``Context``: what a handler can know and do while it runs. Declare a parameter annotated
``Context`` (any name) and the server passes it.

- metadata: ``request_id``, ``protocol_version``, ``meta``, ``progress_token``,
  ``client_info``, ``client_capabilities``, ``auth``, ``task_id``;
- ``report_progress``, ``log`` and ``debug``/``info``/.../``emergency``;
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
from typing import TYPE_CHECKING, Any, Dict, Generator, List, Optional, Sequence, Tuple, Union

from .errors import InputRequired

if TYPE_CHECKING:
    from ._native import NativeContext
    from .auth import AuthInfo

__all__ = ["Context", "Elicit", "Sample", "ListRoots", "ElicitResult", "SamplingResult", "Root", "InputAsk"]



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


class Elicit(InputAsk):
    """``elicitation/create``: a form (``schema``: a JSON Schema dict, or a dataclass,
    TypedDict or pydantic model of primitive fields) or, with ``url``, a URL elicitation."""

    method = "elicitation/create"

    def __init__(self, message: str, schema: Any = None, *, url: Optional[str] = None, elicitation_id: Optional[str] = None) -> None:
        self.type = None if schema is None or isinstance(schema, dict) else schema
        if url is not None:
            params: Dict[str, Any] = {"mode": "url", "message": message, "url": url}
            if elicitation_id is not None:
                params["elicitationId"] = elicitation_id
        else:
            params = {"message": message, "requestedSchema": _elicitation_schema(schema)}
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
            {"role": "user", "content": {"type": "text", "text": m}} if isinstance(m, str) else m for m in messages
        ]
        params: Dict[str, Any] = {"messages": wire, "maxTokens": max_tokens, **extra}
        if system_prompt is not None:
            params["systemPrompt"] = system_prompt
        super().__init__(params)


class ListRoots(InputAsk):
    """``roots/list``."""

    method = "roots/list"

    def __init__(self) -> None:
        super().__init__({})


def _elicitation_schema(schema: Any) -> Dict[str, Any]:
    if schema is None:
        return {"type": "object", "properties": {}}
    if isinstance(schema, dict):
        return schema
    from .schema import type_schema

    return type_schema(schema)


@dataclasses.dataclass
class ElicitResult:
    """The user's answer: ``action`` is ``"accept"``, ``"decline"`` or ``"cancel"``;
    ``content`` the submitted values (an instance of the requested type when one was
    given), or None."""

    action: str
    content: Any = None

    @property
    def accepted(self) -> bool:
        """True when the user accepted."""
        return self.action == "accept"


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


def _elicit_result(answer: Dict[str, Any], ask: Elicit) -> ElicitResult:
    content = answer.get("content")
    if content is not None and ask.type is not None and answer.get("action") == "accept":
        from .schema import SchemaBuilder

        convert = SchemaBuilder().converter(ask.type)
        content = convert(content) if convert is not None else content
    return ElicitResult(action=answer.get("action", "cancel"), content=content)


def _sampling_result(answer: Dict[str, Any]) -> SamplingResult:
    return SamplingResult(answer.get("role", "assistant"), answer.get("content"), answer.get("model", ""), answer.get("stopReason"))


def _roots(answer: Dict[str, Any]) -> List[Root]:
    return [Root(r["uri"], r.get("name")) for r in answer.get("roots", [])]


class Context:
    """One request's context (see the module documentation)."""

    __slots__ = ("_native", "_server")

    def __init__(self, native: "NativeContext", server: Any = None) -> None:
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
        from .auth import AuthInfo

        return AuthInfo(grant["subject"], grant["scopes"], grant["client_id"], grant["extra"])

    @property
    def task_id(self) -> Optional[str]:
        """The task id when this handler runs as a task (Tasks extension), else None."""
        return self._native.task_id

    @property
    def server(self) -> Any:
        """The ``mcpforge.Server`` serving this request."""
        return self._server() if callable(self._server) else self._server

    @property
    def cancelled(self) -> bool:
        """True once the request was cancelled (client, timeout or shutdown)."""
        return self._native.cancelled

    # ----- notifications -------------------------------------------------------------------

    def report_progress(self, progress: float, total: Optional[float] = None, message: Optional[str] = None) -> _Done:
        """Sends progress (when the client asked for it; values must increase)."""
        self._native.report_progress(float(progress), None if total is None else float(total), message)
        return _DONE

    def log(self, level: str, data: Any, logger: Optional[str] = None) -> _Done:
        """Sends a log message at ``level`` (``debug`` ... ``emergency``) if the client's level
        lets it through."""
        from ._convert import jsonable

        self._native.log(level, jsonable(data), logger)
        return _DONE

    def debug(self, data: Any, logger: Optional[str] = None) -> _Done:
        """``log("debug", ...)``."""
        return self.log("debug", data, logger)

    def info(self, data: Any, logger: Optional[str] = None) -> _Done:
        """``log("info", ...)``."""
        return self.log("info", data, logger)

    def notice(self, data: Any, logger: Optional[str] = None) -> _Done:
        """``log("notice", ...)``."""
        return self.log("notice", data, logger)

    def warning(self, data: Any, logger: Optional[str] = None) -> _Done:
        """``log("warning", ...)``."""
        return self.log("warning", data, logger)

    def error(self, data: Any, logger: Optional[str] = None) -> _Done:
        """``log("error", ...)``."""
        return self.log("error", data, logger)

    def critical(self, data: Any, logger: Optional[str] = None) -> _Done:
        """``log("critical", ...)``."""
        return self.log("critical", data, logger)

    def alert(self, data: Any, logger: Optional[str] = None) -> _Done:
        """``log("alert", ...)``."""
        return self.log("alert", data, logger)

    def emergency(self, data: Any, logger: Optional[str] = None) -> _Done:
        """``log("emergency", ...)``."""
        return self.log("emergency", data, logger)

    # ----- client input --------------------------------------------------------------------

    def _run(self, wire: List[Tuple[Optional[str], str, Dict[str, Any]]], finish: Any) -> Any:
        """Blocking in a sync handler; an awaitable in an async one."""
        if not self._native.is_async:
            return finish(self._native.ask(wire))
        return self._await(wire, finish)

    async def _await(self, wire: List[Tuple[Optional[str], str, Dict[str, Any]]], finish: Any) -> Any:
        import asyncio

        from ._futures import resolver

        loop = asyncio.get_running_loop()
        future: "asyncio.Future[Any]" = loop.create_future()
        self._native.ask_then(wire, resolver(loop, future))
        return finish(await future)

    def elicit(self, message: str, schema: Any = None) -> Any:
        """Asks the user to fill a form (``schema``: a JSON Schema dict, or a dataclass,
        TypedDict or pydantic model) and returns an ``ElicitResult`` (awaitable in async
        handlers)."""
        ask = Elicit(message, schema)
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

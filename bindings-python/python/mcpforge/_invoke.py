"""The wrappers the engine calls, one per registered function: they bind the call's inputs
to the function's parameters, run it, and report a ``(tag, payload)`` outcome the native
module reads (tags as in ``bindings-python/src/errors.rs``). Exceptions never escape: a
``ToolError`` or any other exception becomes a tool error, an ``McpError`` a JSON-RPC error,
``InputRequired`` the input-required signal.

A synchronous function gets an ``invoke(*inputs, native_ctx)`` wrapper the engine runs on
its worker pool; an ``async def`` gets a ``start(*inputs, native_ctx, completer)`` wrapper
that schedules the coroutine on an asyncio loop and returns a handle whose ``cancel()``
cancels the task (the engine calls it when the request is cancelled).
"""

from __future__ import annotations

import inspect
import logging
import sys
from collections.abc import Iterator
from typing import Any, Callable, Dict, NamedTuple, Optional, Sequence, Tuple

from ._convert import content_block, is_content, jsonable, sdk_object
from ._input_required import hand_over, is_input_required
from ._validators import ValidatorRaised
from ._native import json_value
from .content import CallToolResult, Completion, Content, Message, ResourceContents
from .context import Context
from .errors import INTERNAL_ERROR, AuthError, ErrorInfo, InputRequired, McpError, ResourceError, ToolError
from .schema import FunctionSpec

VALUE, RESULT, TOOL_ERROR, PROTOCOL_ERROR, INPUT_REQUIRED, CONTENT = 0, 1, 2, 3, 4, 5

_log = logging.getLogger("mcpforge")

Outcome = Tuple[int, Any]
Bind = Callable[..., Dict[str, Any]]
Finish = Callable[[Any], Outcome]


def _data(data: Any) -> Any:
    try:
        return jsonable(data)
    except TypeError:
        return None


class FailureLog:
    """Where a server writes its failure records: ``crashed`` (an unexpected exception)
    returns False to leave the record to the ``mcpforge`` logger; ``refused`` is a failure
    the handler meant (a ``ToolError``, a resource's ``ResourceError``), worded as the
    client reads it. ``subject`` is what the call was about when it says more than ``info``
    (the URI read, the argument completed). This one writes no records of its own; the
    drop-in classes give one that writes the official SDK's."""

    def crashed(self, e: BaseException, info: ErrorInfo, subject: Optional[str] = None) -> bool:
        return False

    def refused(self, info: ErrorInfo, message: str, subject: Optional[str] = None) -> None:
        return None


class ErrorReporter:
    """Where a server's unexpected exceptions go: the ``mcpforge`` logger with the
    traceback (or the records of ``log``), then the server's error hook
    (``Server.on_error``) when it has one. ``mask`` keeps their text from clients (they read
    only that the handler failed)."""

    __slots__ = ("mask", "hook", "log")

    def __init__(self, mask: bool = False, log: Optional[FailureLog] = None) -> None:
        self.mask = mask
        self.hook: Optional[Callable[[BaseException, ErrorInfo], Any]] = None
        self.log = log if log is not None else FailureLog()

    def report(self, e: BaseException, info: ErrorInfo, subject: Optional[str] = None) -> None:
        if not self.log.crashed(e, info, subject):
            _log.error("%s raised %s: %s", info.describe(), type(e).__name__, e, exc_info=(type(e), e, e.__traceback__))
        hook = self.hook
        if hook is not None:
            try:
                hook(e, info)
            except Exception:  # noqa: BLE001 - a failing hook must not fail the request twice
                _log.exception("the error hook raised")


_UNHOOKED = ErrorReporter()


class ErrorStyle(NamedTuple):
    """How a tool's failure reads for the client: ``prefix`` puts ``Error executing tool
    NAME: `` before the message (the official SDK's wording); ``reporter`` takes unexpected
    exceptions (and says whether their text is masked)."""

    prefix: bool = False
    reporter: ErrorReporter = _UNHOOKED


def _official(e: BaseException) -> Optional[Outcome]:
    """The outcome of an exception of the official ``mcp`` package (its ``ToolError``,
    ``ResourceError`` and ``MCPError``), recognised by module and name, never imported."""
    if type(e).__module__.partition(".")[0] != "mcp":
        return None
    names = {c.__name__ for c in type(e).__mro__}
    error = getattr(e, "error", None)
    if "MCPError" in names or "McpError" in names:
        if error is not None:
            return (PROTOCOL_ERROR, (error.code, error.message, _data(getattr(error, "data", None))))
    if "ResourceError" in names and "UnexpectedResourceError" not in names:
        return (PROTOCOL_ERROR, (INTERNAL_ERROR, str(e), None))
    if "ToolError" in names and "UnexpectedToolError" not in names:
        return (TOOL_ERROR, (str(e), None))
    return None


def failure(
    e: BaseException,
    reporter: ErrorReporter = _UNHOOKED,
    info: ErrorInfo = ErrorInfo("handler"),
    label: Optional[str] = None,
    subject: Optional[str] = None,
) -> Outcome:
    """The outcome of a handler (``info``) that raised ``e``; an unexpected exception goes
    to ``reporter`` (and its text stays there when the reporter masks), a resource's
    ``ResourceError`` to its log as a refusal. ``label`` words an unexpected exception as
    the official SDK does (``Error reading resource URI``, then ``: text`` unless masked);
    ``subject`` is the URI read or the argument completed, for the records."""
    if isinstance(e, InputRequired):
        return (INPUT_REQUIRED, None)
    official = _official(e)
    if official is None and isinstance(e, ToolError):
        return (TOOL_ERROR, (e.message, _data(e.data)))
    if official is None and isinstance(e, McpError):
        official = (PROTOCOL_ERROR, (e.code, e.message, _data(e.data)))
    if official is not None:
        if info.kind == "resource" and _resource_error(e):
            reporter.log.refused(info, official[1][1], subject)
        return official
    # Unexpected: the client sees the message (unless masked), the server's log and error
    # hook the traceback. SystemExit, KeyboardInterrupt and the like raised by a handler end
    # that call only. A tool's crash is an `isError` result (the model reads it); a
    # resource's, prompt's or completion's is an internal error (-32603), not the client's
    # fault.
    reporter.report(e, info, subject)
    if label is not None:
        text = label if reporter.mask else f"{label}: {e}"
    else:
        text = "the handler failed" if reporter.mask else f"{type(e).__name__}: {e}"
    if info.kind in _INTERNAL_WHEN_CRASHED:
        return (PROTOCOL_ERROR, (INTERNAL_ERROR, text, None))
    return (TOOL_ERROR, (text, None))


# The handlers whose unexpected exception is an internal error rather than a tool error.
_INTERNAL_WHEN_CRASHED = frozenset({"resource", "resource_list", "prompt", "completion"})


def _resource_error(e: BaseException) -> bool:
    """Whether ``e`` is a ``ResourceError``, mcpforge's or the official SDK's."""
    if isinstance(e, ResourceError):
        return True
    return type(e).__module__.partition(".")[0] == "mcp" and any(c.__name__ == "ResourceError" for c in type(e).__mro__)


def _escaped_crash(e: BaseException) -> bool:
    """Whether ``e`` is the ``UnexpectedToolError``/``UnexpectedResourceError`` of a nested
    call that crashed."""
    return any(c.__name__ in ("UnexpectedToolError", "UnexpectedResourceError") for c in type(e).__mro__)


def tool_failure(name: str, style: ErrorStyle) -> Callable[..., Outcome]:
    """``failure`` for the tool ``name``, worded per ``style``."""
    prefix = f"Error executing tool {name}"

    info = ErrorInfo("tool", name)

    def fail(e: BaseException, *inputs: Any) -> Outcome:
        if style.prefix and _escaped_crash(e):
            # A crash of a nested call (``ctx.read_resource``, the direct ``call_tool``)
            # escaping the tool stays a crash, under the tool's name; its text is the
            # nested call's safe wording.
            style.reporter.report(e, info)
            return (TOOL_ERROR, (f"{prefix}: {e}", None))
        if style.prefix and _resource_error(e):
            # A resource read that failed inside the tool (``ctx.read_resource``): the
            # tool's failure, read by the model, as the official SDK reports it.
            text = f"{prefix}: {e}"
            style.reporter.log.refused(info, text)
            return (TOOL_ERROR, (text, _data(getattr(e, "data", None))))
        tag, payload = failure(e, style.reporter, info)
        if tag != TOOL_ERROR:
            return (tag, payload)
        message, data = payload
        unexpected = not isinstance(e, McpError) and _official(e) is None
        if unexpected:
            if style.reporter.mask:
                return (TOOL_ERROR, (prefix, None))
            if style.prefix:
                message = str(e)
        text = f"{prefix}: {message}" if style.prefix else message
        if not unexpected:
            style.reporter.log.refused(info, text)
        return (TOOL_ERROR, (text, data))

    return fail


def reported_failure(
    reporter: ErrorReporter, info: ErrorInfo, label: Optional[Callable[..., str]] = None, subject: Optional[Callable[..., str]] = None
) -> Callable[..., Outcome]:
    """``failure`` for a resource, prompt, completion or middleware (``info``), reporting
    unexpected exceptions to ``reporter``; ``label(*inputs)`` words them and
    ``subject(*inputs)`` names what the call was about (``failure``)."""

    def fail(e: BaseException, *inputs: Any) -> Outcome:
        return failure(e, reporter, info, None if label is None else label(*inputs), None if subject is None else subject(*inputs))

    return fail


def bad_inputs(e: Exception) -> Outcome:
    """Inputs that could not become the function's parameters (a prompt argument or template
    variable that is not the annotated type, a model's validator refusing): the caller's
    fault, told to the client as it is: an `isError` result for a tool, invalid params
    (-32602) for the others. Not a crash: neither logged as one nor masked."""
    return (TOOL_ERROR, (f"{type(e).__name__}: {e}", None))


# Told of what a handler raised (or of an ``InputRequiredResult`` it returned).
Witness = Optional[Callable[[Any, Any], None]]


def unbound(e: Exception, call: Sequence[Any], fail: Callable[..., Outcome], witness: Witness) -> Outcome:
    """The outcome of inputs that did not bind (``call``: the inputs, then the native
    context): the caller's error (``bad_inputs``), or the handler's own failure when one of
    its parameters' validators raised (``ValidatorRaised``)."""
    raised = e.original if isinstance(e, ValidatorRaised) else e
    if witness is not None:
        witness(call[-1], raised)
    if raised is e:
        return bad_inputs(e)
    return fail(raised, *call[:-1])


def sync_wrapper(fn: Callable[..., Any], bind: Bind, finish: Finish, fail: Callable[..., Outcome] = failure, witness: Witness = None) -> Callable[..., Outcome]:
    """``invoke(*inputs, native_ctx)`` for a plain function; ``witness(native_ctx, e)`` is
    told of every exception raised binding the inputs or running ``fn``."""

    def invoke(*call: Any) -> Outcome:
        try:
            kwargs = bind(*call)
        except Exception as e:  # noqa: BLE001 - the inputs could not become the parameters
            return unbound(e, call, fail, witness)
        try:
            value = fn(**kwargs)
            # A str, the commonest result, is never an InputRequiredResult: no call asks.
            if type(value) is not str and is_input_required(value):
                return hand_over(value, call[-1], witness)
            return finish(value)
        except BaseException as e:  # noqa: BLE001 - every failure is reported to the client
            if witness is not None:
                witness(call[-1], e)
            return fail(e, *call[:-1])

    return invoke


class _AsyncCall:
    """One running coroutine handler: started and cancelled from engine threads, run on
    ``loop``; reports its outcome to ``completer`` exactly once.

    The task reports its own outcome at the end of its last step, rather than through a
    done callback, which the loop would run one iteration later (an iteration is a pass
    through the loop's selector). A task cancelled before its first step never runs its
    body, so ``_cancel`` reports that case itself."""

    __slots__ = ("loop", "run_call", "completer", "task", "cancelled", "began")

    def __init__(self, loop: Any, run_call: Callable[[], Any], completer: Callable[[Outcome], None]) -> None:
        self.loop = loop
        self.run_call = run_call
        self.completer = completer
        self.task: Any = None
        self.cancelled = False
        # Whether the task's body has begun (from then on it reports its own outcome).
        self.began = False

    def start(self) -> None:
        if self.cancelled:
            self.completer(_CANCELLED)
            return
        self.task = self.loop.create_task(self._run())

    async def _run(self) -> None:
        self.began = True
        try:
            outcome = await self.run_call()
        except BaseException as e:  # noqa: BLE001 - cancellation, SystemExit and the like: still answer
            import asyncio  # already loaded: this runs on an asyncio loop

            cancelled = isinstance(e, asyncio.CancelledError)
            self.completer(_CANCELLED if cancelled else failure(e))
            if cancelled:
                raise
            return
        self.completer(outcome)

    def cancel(self) -> None:
        """Cancels the task (from any thread)."""
        self.cancelled = True
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._cancel)

    def _cancel(self) -> None:
        if self.task is None:
            return
        if not self.began and not self.task.done():
            # Its body will not run: the cancellation is thrown in before its first line.
            self.completer(_CANCELLED)
        self.task.cancel()


# The outcome of a call cancelled before its handler finished.
_CANCELLED: Outcome = (PROTOCOL_ERROR, (INTERNAL_ERROR, "request cancelled", None))


def async_wrapper(
    fn: Callable[..., Any],
    bind: Bind,
    finish: Finish,
    loop_of: Callable[[], Any],
    fail: Callable[..., Outcome] = failure,
    witness: Witness = None,
) -> Callable[..., _AsyncCall]:
    """``start(*inputs, native_ctx, completer)`` for a coroutine function (``witness`` as
    for ``sync_wrapper``)."""

    def start(*call: Any) -> _AsyncCall:
        *inputs, completer = call

        async def run() -> Outcome:
            import asyncio  # already loaded: this runs on an asyncio loop

            try:
                kwargs = bind(*inputs)
            except Exception as e:  # noqa: BLE001 - the inputs could not become the parameters
                return unbound(e, inputs, fail, witness)
            try:
                value = await fn(**kwargs)
                if type(value) is not str and is_input_required(value):
                    return hand_over(value, inputs[-1], witness)
                return finish(value)
            except InputRequired:
                return (INPUT_REQUIRED, None)
            except asyncio.CancelledError:
                raise
            except BaseException as e:  # noqa: BLE001 - SystemExit and the like too: a task that
                # raised them would stop the event loop every async handler runs on
                if witness is not None:
                    witness(inputs[-1], e)
                return fail(e, *inputs[:-1])

        loop = loop_of()
        handle = _AsyncCall(loop, run, completer)
        loop.call_soon_threadsafe(handle.start)
        return handle

    return start


def is_async(fn: Any) -> bool:
    """Whether ``fn`` is a coroutine function (or an object whose ``__call__`` is one)."""
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(getattr(fn, "__call__", None))


def wrapper(
    fn: Callable[..., Any], is_async: bool, bind: Bind, finish: Finish, loop_of: Callable[[], Any], fail: Callable[..., Outcome] = failure, witness: Witness = None
) -> Callable[..., Any]:
    """The wrapper for ``fn``, sync or async."""
    if is_async:
        return async_wrapper(fn, bind, finish, loop_of, fail, witness)
    return sync_wrapper(fn, bind, finish, fail, witness)


# ----- plain tools, called by the engine directly ---------------------------------------------


DirectCall = Tuple[
    Callable[..., Any], Optional[Tuple[str, ...]], bool, Callable[[Any, Any], Outcome], Callable[[BaseException, Any], Outcome]
]


def direct_tool(
    fn: Callable[..., Any], spec: FunctionSpec, is_async: bool, finish: Finish, fail: Callable[..., Outcome], witness: Witness = None
) -> Optional[DirectCall]:
    """How the engine calls a plain tool without ``sync_wrapper``: a synchronous function
    whose parameters take the arguments as they are (no ``Context``, no converter, no
    ``Field`` default). The engine passes the arguments the function names (all of them
    for ``**kwargs``), calls it and reads a ``str`` result itself; it hands any other
    result to ``rest(value, native_ctx)`` and an exception to ``failed(e, native_ctx)``,
    which answer as ``sync_wrapper`` does. The flag after the names says whether they come
    in the function's own order and a call that gives every one of them may pass them by
    position (``_positional``). None for any other tool."""
    if is_async or spec.context_param is not None or spec.field_defaults or any(p.convert is not None for p in spec.params):
        return None

    def rest(value: Any, native: Any) -> Outcome:
        try:
            if is_input_required(value):
                return hand_over(value, native, witness)
            return finish(value)
        except BaseException as e:  # noqa: BLE001 - every failure is reported to the client
            return failed(e, native)

    def failed(e: BaseException, native: Any) -> Outcome:
        if witness is not None:
            witness(native, e)
        return fail(e)

    names = _positional(fn, spec)
    return (fn, None if spec.var_keyword else (names or tuple(spec.names)), names is not None, rest, failed)


def _positional(fn: Callable[..., Any], spec: FunctionSpec) -> Optional[Tuple[str, ...]]:
    """The parameters of ``fn`` in its own order when each may be given by position as well
    as by name, and they are exactly the ones its arguments bind to: a call that gives every
    one of them then passes a tuple, with no dict of keyword arguments built and unpacked.
    The signature is the callable's own, not that of a function it wraps
    (``functools.wraps``): a wrapper taking ``**kwargs`` gets its arguments by name as
    before."""
    try:
        params = inspect.signature(fn, follow_wrapped=False).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params):
        return None
    names = tuple(p.name for p in params)
    return names if frozenset(names) == spec.names else None


# ----- binding inputs to parameters ----------------------------------------------------------


def _context(spec: FunctionSpec, server_ref: Any) -> Optional[Callable[[Any], Context]]:
    if spec.context_param is None:
        return None
    server = server_ref()
    # The server's kind of context (``MCPServer``'s reads as the official SDK's does).
    make: Callable[..., Context] = Context if server is None else server._context_type
    return lambda native: make(native, server_ref)


def bind_tool(spec: FunctionSpec, server_ref: Any) -> Bind:
    """Tool arguments (already validated JSON) to keyword arguments."""
    names = spec.names
    convs = [(p.name, p.convert) for p in spec.params if p.convert is not None]
    cp = spec.context_param
    make_ctx = _context(spec, server_ref)

    filter_names = not spec.var_keyword
    # Loops over empty collections still make an iterator object per call: the common tool
    # (no `Field` defaults, no converted parameters) skips them, on flags that are bools
    # (a tuple or list tested for truth costs a call per test).
    field_defaults = tuple(spec.field_defaults.items())
    has_defaults, has_convs = bool(field_defaults), bool(convs)

    def bind(args: Dict[str, Any], native: Any) -> Dict[str, Any]:
        if filter_names and not names.issuperset(args):
            args = {k: v for k, v in args.items() if k in names}
        if has_defaults:
            for name, default in field_defaults:
                if name not in args:
                    args[name] = default()
        if has_convs:
            for name, convert in convs:
                if name in args:
                    args[name] = convert(args[name])
        if make_ctx is not None:
            args[cp] = make_ctx(native)  # type: ignore[index]
        return args

    return bind


def _from_text(p: Any) -> Optional[Callable[[str], Any]]:
    """Converts a string input (template variable, prompt argument) to the parameter's type."""
    tp = p.annotation
    if tp in (str, Any) or tp is None:
        return None
    if tp in (int, float):
        return tp  # type: ignore[no-any-return]
    if tp is bool:
        return lambda s: s.strip().lower() in ("1", "true", "yes", "on")
    convert = p.convert

    def parse(s: str) -> Any:
        import json

        try:
            value = json.loads(s)
        except ValueError:
            value = s
        return convert(value) if convert is not None else value

    return parse


def bind_strings(spec: FunctionSpec, server_ref: Any, uri_param: bool) -> Bind:
    """String inputs (template variables, prompt arguments) to keyword arguments; with
    ``uri_param``, a parameter named ``uri`` gets the resource URI."""
    convs = {p.name: _from_text(p) for p in spec.params}
    cp = spec.context_param
    make_ctx = _context(spec, server_ref)

    def bind(*call: Any) -> Dict[str, Any]:
        *head, strings, native = call
        out: Dict[str, Any] = {}
        for name, value in strings.items():
            if name in convs:
                convert = convs[name]
                out[name] = convert(value) if convert is not None else value
        if uri_param and "uri" in convs and "uri" not in out:
            out["uri"] = head[0]
        if make_ctx is not None:
            out[cp] = make_ctx(native)  # type: ignore[index]
        return out

    return bind


def _sdk_annotated(tp: Any) -> bool:
    """True when ``tp`` names a class of the official ``mcp`` package (alone or in a union)."""
    if isinstance(tp, type):
        return tp.__module__.partition(".")[0] in ("mcp", "mcp_types")
    import typing

    return any(_sdk_annotated(a) for a in typing.get_args(tp))


class _Argument:
    """The argument being completed, for a provider whose ``argument`` parameter is not a
    str: ``name`` and ``value``."""

    __slots__ = ("name", "value")

    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = name, value


def _completion_input(spec: FunctionSpec, name: str) -> Callable[[Any], Any]:
    """How the input ``name`` reaches the provider: as the official type its parameter is
    annotated with (built by pydantic, which the official package brings), else as is."""
    param = next((p for p in spec.params if p.name == name), None)
    if param is None or not _sdk_annotated(param.annotation):
        return lambda data: data
    from pydantic import TypeAdapter

    adapter = TypeAdapter(param.annotation)
    return adapter.validate_python


def bind_context_only(spec: FunctionSpec, server_ref: Any) -> Bind:
    """A function called with no inputs: only its ``Context`` parameter, if it has one."""
    cp = spec.context_param
    make_ctx = _context(spec, server_ref)
    if make_ctx is None or cp is None:
        return lambda native: {}
    return lambda native: {cp: make_ctx(native)}


def bind_completion(spec: FunctionSpec, server_ref: Any) -> Bind:
    """Completion inputs to the parameters the function names: ``ref``, ``argument``,
    ``value``, ``context``. Parameters annotated with the official SDK's types
    (``PromptReference``, ``CompletionArgument``, ``CompletionContext``) get those objects,
    as the official ``@completion()`` passes them; an ``argument`` that is not a str gets its
    ``name`` and ``value``."""
    wanted = spec.names
    cp = spec.context_param
    make_ctx = _context(spec, server_ref)
    as_ref = _completion_input(spec, "ref")
    as_context = _completion_input(spec, "context")
    official_context = any(p.name == "context" and _sdk_annotated(p.annotation) for p in spec.params)
    argument_param = next((p for p in spec.params if p.name == "argument"), None)
    argument_object = argument_param is not None and argument_param.annotation not in (str, Any, None)
    as_argument = _completion_input(spec, "argument")

    def bind(ref: Any, argument: str, value: str, context: Dict[str, str], native: Any) -> Dict[str, Any]:
        arg: Any = argument
        if argument_object:
            arg = as_argument({"name": argument, "value": value}) if _sdk_annotated(argument_param.annotation) else _Argument(argument, value)  # type: ignore[union-attr]
        ctx_value: Any = context
        if official_context:
            ctx_value = as_context({"arguments": context}) if context else None
        given = {"ref": as_ref(ref), "argument": arg, "value": value, "context": ctx_value}
        out = {k: v for k, v in given.items() if k in wanted}
        if make_ctx is not None:
            out[cp] = make_ctx(native)  # type: ignore[index]
        return out

    return bind


# ----- return values to results --------------------------------------------------------------


def _json(value: Any) -> Any:
    """A return value read as JSON by the engine, once (what it does not know, ``jsonable``
    makes plain); a value that cannot be read raises here, as the handler's own error."""
    return json_value(value, jsonable)


def _json_text(data: Any) -> str:
    if isinstance(data, str):
        return data
    import json

    return json.dumps(data, ensure_ascii=False)


def tool_finish(spec: Optional[FunctionSpec], explicit_output: bool) -> Finish:
    """A tool's return value to the engine's result vocabulary (the engine decides the wire
    shape: text, JSON text, ``structuredContent`` under an output schema; docs/results.md).

    A return annotation that is not an object type declares the wrapped schema
    ``{"result": ...}``; the engine wraps every value that is not an object, and a dict
    returned for such an annotation is wrapped here."""
    wrap = spec is not None and spec.wrap_output and not explicit_output

    def finish(value: Any) -> Outcome:
        if isinstance(value, str):
            return (VALUE, value)
        if isinstance(value, CallToolResult):
            return (RESULT, value.to_mcp())
        if type(value).__name__ == "CallToolResult" and sdk_object(value) is not None:
            return (RESULT, sdk_object(value))
        if is_content(value):
            return (CONTENT, [content_block(value)])
        if isinstance(value, (list, tuple)) and any(is_content(v) for v in value):
            return (CONTENT, [content_block(v) for v in value])
        data = _json(value)
        if wrap and data.is_object:
            return (VALUE, {"result": data})
        return (VALUE, data)

    return finish


def _resource_value(value: Any) -> Any:
    """One item a reader returned, as the engine reads it: text and bytes as they are, the
    contents helpers and official objects as their wire dicts, anything else as JSON."""
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, bytearray):
        return bytes(value)
    if isinstance(value, ResourceContents):
        return value.to_mcp()
    return _json(value)


def resource_finish(value: Any) -> Outcome:
    """A resource reader's return value, for the engine to read as contents (docs/results.md:
    text, bytes, contents objects, or any value sent as JSON text; None: not found)."""
    if isinstance(value, (list, tuple)):
        return (RESULT, [_resource_value(v) for v in value])
    return (RESULT, _resource_value(value))


def _message(m: Any) -> Any:
    """One prompt message as the engine reads it: a ``Message`` or official message as its
    wire dict, a dict with a role with its content converted, anything else as content."""
    if isinstance(m, Message):
        return m.to_mcp()
    official = sdk_object(m)
    if isinstance(official, dict) and "role" in official:
        return official
    if isinstance(m, dict) and "role" in m:
        content = m["content"]
        return {"role": m["role"], "content": content if isinstance(content, str) else content_block(content)}
    if isinstance(m, str):
        return m
    if isinstance(m, (Content, dict, bytes)):
        return content_block(m)
    raise TypeError(f"a prompt message cannot be a {type(m).__name__}")


def prompt_finish(value: Any) -> Outcome:
    """A prompt function's return value, for the engine to read as a prompt result
    (docs/results.md: text, messages, or a whole result; the engine refuses anything else,
    None included, as in every language)."""
    if value is None:
        return (RESULT, None)
    official = sdk_object(value)
    if isinstance(official, dict) and "messages" in official:
        return (RESULT, official)
    if isinstance(value, dict) and "messages" in value:
        return (RESULT, _json(value))
    if isinstance(value, (list, tuple)):
        return (RESULT, [_message(m) for m in value])
    return (RESULT, _message(value))


def completion_finish(value: Any) -> Outcome:
    """A completion function's return value (values, a ``Completion``, an official one or a
    dict), for the engine to read as a completion (docs/results.md). Values may come lazily
    (a generator, ``filter``, ``map``, ``range``): they are a list."""
    if isinstance(value, Completion):
        return (RESULT, value.to_mcp())
    if isinstance(value, (Iterator, range)):
        value = list(value)
    return (RESULT, _json(value))


def listed_finish(value: Any) -> Outcome:
    """A template's ``list_resources`` return value (dicts or the official SDK's ``Resource``
    objects, as a list or under ``resources``) as JSON; the engine reads the list."""
    return (RESULT, _json(value))


def verifier_finish(value: Any) -> Outcome:
    """A token verifier's grant (None: the token is refused)."""
    if value is None:
        return (TOOL_ERROR, ("the token was not accepted", None))
    return (RESULT, {"subject": value.subject, "scopes": list(value.scopes), "client_id": value.client_id, "extra": _data(value.extra)})


def verifier_failure(e: BaseException, *inputs: Any) -> Outcome:
    """A verifier's exception: ``AuthError`` says why (401, or 403 with scopes); anything
    else refuses the token without telling the client why (the traceback goes to stderr)."""
    if isinstance(e, AuthError):
        if e.required_scopes is not None:
            return (PROTOCOL_ERROR, (403, e.message, list(e.required_scopes)))
        return (TOOL_ERROR, (e.message, None))
    import traceback

    traceback.print_exception(type(e), e, e.__traceback__, file=sys.stderr)
    return (TOOL_ERROR, ("the token could not be verified", None))


def bind_verifier(name: str) -> Bind:
    """The verifier takes the token as its only argument, named ``name``."""
    return lambda token, native: {name: token}

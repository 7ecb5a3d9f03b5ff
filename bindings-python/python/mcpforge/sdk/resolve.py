"""Resolvers: a tool parameter annotated ``Annotated[T, Resolve(fn)]`` is filled by running
``fn`` before the tool, not by the client's arguments (the official 2.x ``Resolve``).

A resolver takes the ``Context``, the tool's arguments by name, and other resolved values
(``Annotated[U, Resolve(other)]``); each runs at most once per call. It returns its value, or
asks the client for it: ``Elicit(message, Model)`` (a form), ``Sample(messages, ...)`` or
``ListRoots()``. The question goes out as the engine asks any question of a handler (a
request to the client on the handshake versions; on 2026-07-28 an ``input_required`` result,
the tool running again from the start with the answer), under the resolver's own key, so each
question is asked once; the questions of resolvers that do not depend on each other go out
together, in one round. A parameter annotated with the answer type (``ElicitationResult[T]``
or one of its members) gets the whole answer; one annotated ``T`` gets the accepted value, and
a declined or cancelled form ends the call with a tool error.

``with_resolvers(fn)`` makes the function the server registers: the tool without its resolved
parameters (so they are not in its input schema), taking the context, which fills them and
calls the tool; a body that returns an ``InputRequiredResult`` as well is the tool's crash
(resolvers and the body cannot both drive the rounds of one call). Markers of the official package (``mcp.server.mcpserver.Resolve``, its
``Elicit``, ...) and mcpforge's own are both understood; the answers are the official
package's types when its markers asked, mcpforge's otherwise."""

from __future__ import annotations

import functools
import inspect
import types
import typing
from typing import Any, Callable, Dict, Hashable, List, Optional, Tuple

import logging

from .._convert import input_required_type
from .._input_required import is_input_required
from .._native import STATELESS_PROTOCOL_VERSION
from ..context import AcceptedElicitation as _AcceptedAnswer, Context, Elicit as _ElicitAsk, InputAsk
from ..errors import MISSING_REQUIRED_CLIENT_CAPABILITY, InvalidSignature, McpError, ToolError
from .._function_spec import _is_context
from .resolve_outcomes import Accepted, is_question, official, prepare
from .resolve_state import StateEntry, check_answer, decode_state, encode_state, question_digest, restore

_log = logging.getLogger("mcpforge")

__all__ = ["Resolve", "with_resolvers", "resolved_parameters", "returns_input_required"]

# The official answer types a consumer may ask for instead of the accepted value.
_ANSWER_TYPES = ("AcceptedElicitation", "DeclinedElicitation", "CancelledElicitation", "ElicitResult")

# The name of the context parameter added to a tool that takes none of its own.
_CONTEXT = "_mcpforge_resolver_context"


class Resolve:
    """``Annotated[T, Resolve(fn)]``: fill the parameter by running ``fn``."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn


def _is_resolve(marker: Any) -> bool:
    return type(marker).__name__ == "Resolve" and callable(getattr(marker, "fn", None))


def _hints(fn: Callable[..., Any]) -> Dict[str, Any]:
    target = fn if inspect.isroutine(fn) else getattr(type(fn), "__call__", fn)
    try:
        return typing.get_type_hints(target, include_extras=True)
    except Exception:  # noqa: BLE001 - no resolvable hints: nothing is resolved
        return {}


def _wants_answer(type_arg: Any) -> bool:
    """Whether the annotated type is the answer (``ElicitationResult[T]`` or a member)."""
    value = getattr(type_arg, "__value__", None) or getattr(typing.get_origin(type_arg), "__value__", None)
    if value is not None:
        type_arg = value
    members = typing.get_args(type_arg) if typing.get_origin(type_arg) is not None else (type_arg,)
    return any(isinstance(m, type) and any(c.__name__ in _ANSWER_TYPES for c in m.__mro__) for m in members)


def _marker(annotation: Any) -> Tuple[Optional[Any], bool]:
    """The ``Resolve`` of an ``Annotated`` annotation, and whether it wants the answer."""
    if typing.get_origin(annotation) is not typing.Annotated:
        return None, False
    type_arg, *metadata = typing.get_args(annotation)
    marker = next((m for m in metadata if _is_resolve(m)), None)
    return marker, (marker is not None and _wants_answer(type_arg))


def _label(fn: Callable[..., Any]) -> str:
    """A resolver's name in messages (a callable object has only its type's)."""
    return getattr(fn, "__name__", None) or type(fn).__name__


def _nested_resolve(annotation: Any) -> bool:
    """Whether a ``Resolve`` marker sits inside ``annotation`` below its top level."""
    if typing.get_origin(annotation) is typing.Annotated:
        return any(_is_resolve(m) for m in typing.get_args(annotation)[1:])
    return any(_nested_resolve(arg) for arg in typing.get_args(annotation))


def resolved_parameters(fn: Callable[..., Any]) -> Dict[str, Tuple[Any, bool]]:
    """The parameters of ``fn`` a resolver fills: name -> (``Resolve``, wants the answer).
    A marker buried in a union (``Annotated[T, Resolve(f)] | None``) is refused with
    ``InvalidSignature``: only a marker at the top level is honoured."""
    hints = _hints(fn)
    out: Dict[str, Tuple[Any, bool]] = {}
    for name in inspect.signature(fn).parameters:
        annotation = hints.get(name)
        marker, answer = _marker(annotation)
        if marker is not None:
            out[name] = (marker, answer)
        elif typing.get_origin(annotation) is not typing.Annotated and _nested_resolve(annotation):
            raise InvalidSignature(
                f"Parameter {name!r} of {_label(fn)!r} wraps `Resolve(...)` in a union; "
                "annotate the parameter directly as `Annotated[T, Resolve(...)]`"
            )
    return out


def _input_required_arm(annotation: Any) -> bool:
    """Whether an annotation has an ``InputRequiredResult`` arm, through ``Annotated``, type
    aliases (``type X = ...``) and unions."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _input_required_arm(typing.get_args(annotation)[0])
    try:
        value = getattr(annotation, "__value__", None)
    except NameError:  # an alias naming what exists only for type checkers
        return False
    if value is not None:
        return _input_required_arm(value)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_input_required_arm(arg) for arg in typing.get_args(annotation))
    return input_required_type(annotation)


def returns_input_required(fn: Callable[..., Any]) -> bool:
    """Whether ``fn``'s return annotation carries an ``InputRequiredResult`` arm."""
    return _input_required_arm(_hints(fn).get("return"))


_QUESTIONS = ("Elicit", "Sample", "ListRoots")


def check_elicit_return(annotation: Any, name: str) -> None:
    """Refuses a resolver's return annotation with more than one question arm (``Elicit[T]``,
    ``Sample``, ``ListRoots``, mcpforge's or the official ones): a resolver asks one
    question."""
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    count = 0
    for arm in typing.get_args(annotation) if union else (annotation,):
        kind = typing.get_origin(arm) or arm
        if isinstance(kind, type) and (issubclass(kind, InputAsk) or (official(kind) and kind.__name__ in _QUESTIONS)):
            count += 1
    if count > 1:
        raise InvalidSignature(
            f"Resolver {name!r} return annotation has multiple Elicit/Sample/ListRoots arms; "
            "a resolver asks one question - split it into separate resolvers"
        )


def resolver_key(fn: Callable[..., Any]) -> Hashable:
    """A resolver's identity within one call: a bound method by its function (a built-in
    one, which has none, by its name) and the identity of its object, since each access
    makes a new bound method; anything else by its identity."""
    bound = getattr(fn, "__self__", None)
    if bound is not None:
        func = getattr(fn, "__func__", None)
        return (id(func) if func is not None else getattr(fn, "__name__", id(fn)), id(bound))
    return id(fn)


def state_key(fn: Callable[..., Any]) -> str:
    """A resolver's base key on the wire, which any worker derives alike: its
    ``module:qualname`` (a callable object's type's)."""
    qualname = getattr(fn, "__qualname__", None) or type(fn).__qualname__
    module = getattr(fn, "__module__", None) or type(fn).__module__
    return f"{module}:{qualname}"


def uses_input_required(protocol_version: Optional[str]) -> bool:
    """Whether a request of ``protocol_version`` asks through ``input_required`` results
    (2026-07-28 and later) rather than requests sent during the call."""
    return isinstance(protocol_version, str) and protocol_version >= STATELESS_PROTOCOL_VERSION


_key = resolver_key
_wire_key = state_key


def _wire_keys(resolved: Dict[str, Tuple[Any, bool]]) -> Dict[Hashable, str]:
    """Each resolver's key on the wire, made once when the tool is registered: its
    ``module:qualname``, which any worker derives alike; resolvers sharing one (closures of
    one factory, two instances' methods) get ``#1``, ``#2``, ... in the order the tool's
    parameters reach them, depth first."""
    keys: Dict[Hashable, str] = {}
    seen: Dict[str, int] = {}

    def visit(fn: Callable[..., Any]) -> None:
        key = _key(fn)
        if key in keys:
            return
        base = _wire_key(fn)
        count = seen.get(base, 0)
        seen[base] = count + 1
        keys[key] = base if count == 0 else f"{base}#{count}"
        hints = _hints(fn)
        for name in inspect.signature(fn).parameters:
            marker, _ = _marker(hints.get(name))
            if marker is not None:
                visit(marker.fn)

    for marker, _ in resolved.values():
        visit(marker.fn)
    return keys


def _check(fn: Callable[..., Any], arguments: List[str], stack: Tuple[Hashable, ...] = ()) -> None:
    """Refuses, when the tool is registered, a resolver that depends on itself or has a
    parameter nothing can fill (as the official ``InvalidSignature`` does)."""
    if _key(fn) in stack:
        raise InvalidSignature(f"Resolver {_label(fn)!r} has a cyclic dependency")
    hints = _hints(fn)
    check_elicit_return(hints.get("return"), _label(fn))
    for name, param in inspect.signature(fn).parameters.items():
        annotation = hints.get(name)
        marker, _ = _marker(annotation)
        if marker is not None:
            _check(marker.fn, arguments, stack + (_key(fn),))
        elif not (_is_context(annotation) or name in arguments or param.default is not inspect.Parameter.empty):
            raise InvalidSignature(
                f"Resolver {_label(fn)!r} parameter {name!r} cannot be resolved: "
                "expected a Context, an Annotated[_, Resolve(...)], or a tool argument by name"
            )


def _unwrap(outcome: Any, name: str, annotation: Any = None) -> Any:
    """The accepted value; an answer of the client to a consumer annotated with a pydantic
    model (the official ``CreateMessageResult``, ``ListRootsResult``) is that model."""
    if getattr(outcome, "action", None) == "accept":
        wire = getattr(outcome, "wire", None)
        kind = typing.get_args(annotation)[0] if typing.get_origin(annotation) is typing.Annotated else None
        if wire is not None and isinstance(kind, type) and hasattr(kind, "model_validate"):
            return kind.model_validate(wire)
        return outcome.data
    raise ToolError(f"Resolver for parameter {name!r} could not resolve: elicitation was {outcome.action}")


def _answer(outcome: Any, official: bool) -> Any:
    """What a consumer of the whole answer gets: a value given without asking is accepted,
    in the package of the ``Resolve`` that asked for it."""
    if not isinstance(outcome, Accepted):
        return outcome
    if official:
        from mcp.server.elicitation import AcceptedElicitation  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        return AcceptedElicitation(data=outcome.data)
    return _AcceptedAnswer(content=outcome.data)


def _require_capability(ctx: Any, ask: InputAsk, wire_key: str) -> None:
    """Refuses, with -32021 and the capability wanted, a question the client declared it
    cannot answer, before it is sent during the call (a session of the handshake versions;
    the engine checks the questions of an ``input_required`` result itself). A bare
    ``elicitation: {}`` is a form capability; one naming only ``url`` is not."""
    wanted: Dict[str, Any]
    caps = Context.client_capabilities.fget(ctx) if isinstance(ctx, Context) else None  # type: ignore[attr-defined]
    if not isinstance(caps, dict):
        return
    if ask.method == "elicitation/create":
        have = caps.get("elicitation")
        if isinstance(have, dict) and ("form" in have or "url" not in have):
            return
        name, wanted = "form elicitation", {"elicitation": {"form": {}}}
    elif ask.method == "sampling/createMessage":
        have = caps.get("sampling")
        tools = bool(ask.params.get("tools") or ask.params.get("toolChoice"))
        if isinstance(have, dict) and (not tools or "tools" in have):
            return
        name, wanted = ("sampling.tools", {"sampling": {"tools": {}}}) if tools else ("sampling", {"sampling": {}})
    else:
        if isinstance(caps.get("roots"), dict):
            return
        name, wanted = "roots", {"roots": {}}
    raise McpError(
        MISSING_REQUIRED_CLIENT_CAPABILITY,
        f"Client did not declare the {name} capability required by resolver {wire_key!r}",
        {"requiredCapabilities": wanted},
    )


class _Rounds:
    """The rounds of one call on the 2026-07-28 wire, as the official resolvers keep them
    (``resolve_state``): the state read back, the client's answers, the outcomes to carry on
    and the questions still open."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        given = Context.input_responses.fget(ctx) if isinstance(ctx, Context) else getattr(ctx, "input_responses", None)  # type: ignore[attr-defined]
        self.answers: Dict[str, Any] = dict(given or {})
        self.state = decode_state(getattr(ctx, "request_state", None))
        self.persist: Dict[str, StateEntry] = {}
        self.pending: Dict[str, InputAsk] = {}

    def fulfil(self, wire_key: str, marker: Any) -> Any:
        """The outcome of ``marker``'s question, or None when it is to be asked this round:
        a recorded answer to the same wording first, then an answer the client sent to the
        question as last asked; an answer to another wording, or to a question not asked,
        asks again."""
        ask, read = prepare(marker, wire_key)
        q = question_digest(ask)
        outcome = restore(self.state, wire_key, marker, ask, q, self.persist)
        if outcome is not None:
            return outcome
        raw = self.answers.get(wire_key)
        if raw is not None and self.state.asked.get(wire_key) != q:
            _log.info("Discarding the answer for resolver %r: the question changed since it was asked", wire_key)
            raw = None
        if raw is None:
            self.pending[wire_key] = ask
            return None
        if not isinstance(ask, _ElicitAsk):
            try:
                check_answer(marker, raw)
                outcome = read(raw)
            except (ValueError, TypeError, KeyError):  # pydantic's ValidationError is a ValueError
                raise ToolError(f"Resolver {wire_key!r} received a response of the wrong kind") from None
            self.persist[wire_key] = StateEntry("accept", raw, q)
            return outcome
        if not isinstance(raw, dict) or raw.get("action") not in ("accept", "decline", "cancel"):
            raise ToolError(f"Resolver {wire_key!r} received a non-elicitation response")
        outcome = read(raw)
        self.persist[wire_key] = StateEntry(raw["action"], raw.get("content") if raw["action"] == "accept" else None, q)
        return outcome

    def stop(self) -> BaseException:
        """The signal that ends this round with the open questions and the state."""
        asked = {key: question_digest(ask) for key, ask in self.pending.items()}
        return self.ctx.input_required(list(self.pending.items()), encode_state(self.persist, asked))  # type: ignore[no-any-return]


async def _resolve_all(
    resolved: Dict[str, Tuple[Any, bool]], hints: Dict[str, Any], arguments: Dict[str, Any], ctx: Any, wire_keys: Dict[Hashable, str]
) -> Dict[str, Any]:
    """The resolved parameters' values. The resolvers run in waves: each wave runs every
    resolver whose own resolved inputs are known, and the questions of that wave, which do
    not depend on each other, go to the client together, in one round; the resolvers that
    needed those answers run in the next wave. Each resolver runs at most once per call (per
    round). On the handshake versions a round is ``ctx.ask_all`` during the call; on
    2026-07-28 the questions of the first wave that has any end the call with an
    ``input_required`` result carrying the state (``_Rounds``), and the tool runs again when
    the client answers."""
    outcomes: Dict[Hashable, Any] = {}
    rounds = _Rounds(ctx) if uses_input_required(getattr(ctx, "protocol_version", None)) else None

    async def attempt(fn: Callable[..., Any], questions: Dict[Hashable, Tuple[str, Any]]) -> bool:
        """Runs ``fn`` when its inputs are known; whether its outcome is known now."""
        key = _key(fn)
        if key in outcomes:
            return True
        if key in questions:
            return False
        hints = _hints(fn)
        kwargs: Dict[str, Any] = {}
        ready = True
        for name, param in inspect.signature(fn).parameters.items():
            annotation = hints.get(name)
            marker, answer = _marker(annotation)
            if marker is not None:
                # Every input is tried, so that the questions behind each go out in this wave.
                if not await attempt(marker.fn, questions):
                    ready = False
                elif ready:
                    outcome = outcomes[_key(marker.fn)]
                    kwargs[name] = _answer(outcome, official(marker)) if answer else _unwrap(outcome, name, annotation)
            elif _is_context(annotation):
                kwargs[name] = ctx
            elif name in arguments:
                kwargs[name] = arguments[name]
        if not ready:
            return False
        result = fn(**kwargs)
        if inspect.isawaitable(result):
            result = await result
        if not is_question(result):
            outcomes[key] = Accepted(result)
            return True
        wire_key = wire_keys.get(key) or _wire_key(fn)
        found = rounds.fulfil(wire_key, result) if rounds is not None else None
        if found is None:
            questions[key] = (wire_key, result)
            return False
        outcomes[key] = found
        return True

    while True:
        questions: Dict[Hashable, Tuple[str, Any]] = {}
        for marker, _ in resolved.values():
            await attempt(marker.fn, questions)
        if not questions:
            break
        if rounds is not None:
            raise rounds.stop()
        prepared = [(wire_key, prepare(question, wire_key)) for wire_key, question in questions.values()]
        for wire_key, (ask, _) in prepared:
            _require_capability(ctx, ask, wire_key)
        raw = ctx.ask_all([(wire_key, ask) for wire_key, (ask, _) in prepared])
        answers = await raw if inspect.isawaitable(raw) else raw
        for key, (_, (_, read)), answer in zip(questions, prepared, answers):
            outcomes[key] = read(answer)

    values: Dict[str, Any] = {}
    for name, (marker, answer) in resolved.items():
        outcome = outcomes[_key(marker.fn)]
        values[name] = _answer(outcome, official(marker)) if answer else _unwrap(outcome, name, hints.get(name))
    return values


def with_resolvers(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` itself when no parameter of it is resolved; else the tool to register in its
    place (see the module documentation)."""
    resolved = resolved_parameters(fn)
    if not resolved:
        return fn
    if returns_input_required(fn):
        raise InvalidSignature(
            f"Tool {_label(fn)!r} combines Resolve(...) parameters with an InputRequiredResult return; "
            "a call has one input_required channel, so either resolvers or the tool body drive it"
        )
    signature = inspect.signature(fn)
    hints = _hints(fn)
    arguments = [n for n in signature.parameters if n not in resolved and not _is_context(hints.get(n))]
    for marker, _ in resolved.values():
        _check(marker.fn, arguments)
    wire_keys = _wire_keys(resolved)
    own_context = next((n for n in signature.parameters if _is_context(hints.get(n))), None)
    context_name = own_context or _CONTEXT
    params = [p for n, p in signature.parameters.items() if n not in resolved]
    if own_context is None:
        params.append(inspect.Parameter(_CONTEXT, inspect.Parameter.KEYWORD_ONLY, annotation=Context))
    is_async = inspect.iscoroutinefunction(fn)

    async def tool(**kwargs: Any) -> Any:
        ctx = kwargs[context_name] if own_context is not None else kwargs.pop(_CONTEXT)
        given = {n: v for n, v in kwargs.items() if n in arguments}
        kwargs.update(await _resolve_all(resolved, hints, given, ctx, wire_keys))
        result = fn(**kwargs)
        result = await result if is_async else result
        if is_input_required(result):  # the annotated form is refused at registration
            raise RuntimeError(
                f"Tool {_label(fn)!r} returned an InputRequiredResult while its parameters use Resolve(...); "
                "a call has one input_required channel, so the multi-round flow is driven either by resolvers or by the tool body"
            )
        return result

    functools.update_wrapper(tool, fn)
    del tool.__wrapped__  # type: ignore[attr-defined]  # the signature below is what is served
    tool.__signature__ = signature.replace(parameters=sorted(params, key=lambda p: p.kind))  # type: ignore[attr-defined]
    # The evaluated hints: the function's own text annotations name its module's globals.
    tool.__annotations__ = {n: a for n, a in hints.items() if n not in resolved}
    if own_context is None:
        tool.__annotations__[_CONTEXT] = Context
    return tool

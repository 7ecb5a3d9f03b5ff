"""Resolvers: a tool parameter annotated ``Annotated[T, Resolve(fn)]`` is filled by running
``fn`` before the tool, not by the client's arguments (the official 2.x ``Resolve``).

A resolver takes the ``Context``, the tool's arguments by name, and other resolved values
(``Annotated[U, Resolve(other)]``); each runs at most once per call. It returns its value, or
asks the client for it: ``Elicit(message, Model)`` (a form), ``Sample(messages, ...)`` or
``ListRoots()``. The question goes out as the engine asks any question of a handler (a
request to the client on the handshake versions; on 2026-07-28 an ``input_required`` result,
the tool running again from the start with the answer), under the resolver's own key, so each
question is asked once. A parameter annotated with the answer type (``ElicitationResult[T]``
or one of its members) gets the whole answer; one annotated ``T`` gets the accepted value, and
a declined or cancelled form ends the call with a tool error.

``with_resolvers(fn)`` makes the function the server registers: the tool without its resolved
parameters (so they are not in its input schema), taking the context, which fills them and
calls the tool. Markers of the official package (``mcp.server.mcpserver.Resolve``, its
``Elicit``, ...) and mcpforge's own are both understood; the answers are the official
package's types when its markers asked, mcpforge's otherwise."""

from __future__ import annotations

import functools
import inspect
import typing
from typing import Any, Callable, Dict, Hashable, List, Optional, Tuple

from ..context import AcceptedElicitation as _AcceptedAnswer, Context, Elicit as _ElicitAsk, InputAsk, _elicit_result, _roots, _sampling_result
from ..errors import ToolError
from .._function_spec import _is_context

__all__ = ["Resolve", "with_resolvers", "resolved_parameters"]

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


def resolved_parameters(fn: Callable[..., Any]) -> Dict[str, Tuple[Any, bool]]:
    """The parameters of ``fn`` a resolver fills: name -> (``Resolve``, wants the answer)."""
    hints = _hints(fn)
    out: Dict[str, Tuple[Any, bool]] = {}
    for name in inspect.signature(fn).parameters:
        marker, answer = _marker(hints.get(name))
        if marker is not None:
            out[name] = (marker, answer)
    return out


def _key(fn: Callable[..., Any]) -> Hashable:
    bound = getattr(fn, "__self__", None)
    if bound is not None:
        return (id(getattr(fn, "__func__", fn)), id(bound))
    return id(fn)


def _wire_key(fn: Callable[..., Any]) -> str:
    qualname = getattr(fn, "__qualname__", None) or type(fn).__qualname__
    module = getattr(fn, "__module__", None) or type(fn).__module__
    return f"{module}:{qualname}"


def _check(fn: Callable[..., Any], arguments: List[str], stack: Tuple[Hashable, ...] = ()) -> None:
    """Refuses, when the tool is registered, a resolver that depends on itself or has a
    parameter nothing can fill (as the official ``InvalidSignature`` does)."""
    if _key(fn) in stack:
        raise TypeError(f"Resolver {getattr(fn, '__name__', fn)!r} has a cyclic dependency")
    hints = _hints(fn)
    for name, param in inspect.signature(fn).parameters.items():
        annotation = hints.get(name)
        marker, _ = _marker(annotation)
        if marker is not None:
            _check(marker.fn, arguments, stack + (_key(fn),))
        elif not (_is_context(annotation) or name in arguments or param.default is not inspect.Parameter.empty):
            raise TypeError(
                f"Resolver {getattr(fn, '__name__', fn)!r} parameter {name!r} cannot be resolved: "
                "expected a Context, an Annotated[_, Resolve(...)], or a tool argument by name"
            )


class _Ask(InputAsk):
    """A question of a marker, as the engine asks it."""

    def __init__(self, method: str, params: Dict[str, Any]) -> None:
        self.method = method
        super().__init__(params)


def _official(marker: Any) -> bool:
    return type(marker).__module__.partition(".")[0] == "mcp"


async def _fulfil(marker: Any, key: str, ctx: Any) -> Any:
    """Asks the client what ``marker`` asks; the answer as the marker's package has it."""
    if isinstance(marker, InputAsk):  # mcpforge's own Elicit, Sample, ListRoots
        raw = await ctx.ask(key, marker)
        if isinstance(marker, _ElicitAsk):
            return _elicit_result(raw, marker)
        return _Accepted(_sampling_result(raw) if marker.method == "sampling/createMessage" else _roots(raw))
    kind = type(marker).__name__
    if kind == "Elicit":
        ask = _ElicitAsk(marker.message, marker.schema)
        answer = _elicit_result(await ctx.ask(key, ask), ask)
        from mcp.server.elicitation import AcceptedElicitation, CancelledElicitation, DeclinedElicitation  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        if answer.action == "accept":
            return AcceptedElicitation(data=answer.content)
        return DeclinedElicitation() if answer.action == "decline" else CancelledElicitation()
    from mcp import types  # type: ignore[import-not-found, unused-ignore]  # optional dependency

    if kind == "Sample":
        params = marker.params.model_dump(mode="json", by_alias=True, exclude_none=True)
        return _Accepted(types.CreateMessageResult.model_validate(await ctx.ask(key, _Ask("sampling/createMessage", params))))
    return _Accepted(types.ListRootsResult.model_validate(await ctx.ask(key, _Ask("roots/list", {}))))


def _is_question(value: Any) -> bool:
    """Whether a resolver's value asks the client: mcpforge's questions, or the official
    ``Elicit``, ``Sample`` and ``ListRoots``."""
    return isinstance(value, InputAsk) or (_official(value) and type(value).__name__ in ("Elicit", "Sample", "ListRoots"))


class _Accepted:
    """A value a resolver gave (or a question other than a form, answered): accepted."""

    action = "accept"

    def __init__(self, data: Any) -> None:
        self.data = data


def _unwrap(outcome: Any, name: str) -> Any:
    if getattr(outcome, "action", None) == "accept":
        return outcome.data
    raise ToolError(f"Resolver for parameter {name!r} could not resolve: elicitation was {outcome.action}")


def _answer(outcome: Any, official: bool) -> Any:
    """What a consumer of the whole answer gets: a value given without asking is accepted,
    in the package of the ``Resolve`` that asked for it."""
    if not isinstance(outcome, _Accepted):
        return outcome
    if official:
        from mcp.server.elicitation import AcceptedElicitation  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        return AcceptedElicitation(data=outcome.data)
    return _AcceptedAnswer(content=outcome.data)


async def _resolve_all(resolved: Dict[str, Tuple[Any, bool]], arguments: Dict[str, Any], ctx: Any) -> Dict[str, Any]:
    cache: Dict[Hashable, Any] = {}

    async def resolve(fn: Callable[..., Any]) -> Any:
        key = _key(fn)
        if key in cache:
            return cache[key]
        hints = _hints(fn)
        kwargs: Dict[str, Any] = {}
        for name, param in inspect.signature(fn).parameters.items():
            annotation = hints.get(name)
            marker, answer = _marker(annotation)
            if marker is not None:
                outcome = await resolve(marker.fn)
                kwargs[name] = _answer(outcome, _official(marker)) if answer else _unwrap(outcome, name)
            elif _is_context(annotation):
                kwargs[name] = ctx
            elif name in arguments:
                kwargs[name] = arguments[name]
        result = fn(**kwargs)
        if inspect.isawaitable(result):
            result = await result
        if _is_question(result):
            outcome = await _fulfil(result, _wire_key(fn), ctx)
        else:
            outcome = _Accepted(result)
        cache[key] = outcome
        return outcome

    values: Dict[str, Any] = {}
    for name, (marker, answer) in resolved.items():
        outcome = await resolve(marker.fn)
        values[name] = _answer(outcome, _official(marker)) if answer else _unwrap(outcome, name)
    return values


def with_resolvers(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` itself when no parameter of it is resolved; else the tool to register in its
    place (see the module documentation)."""
    resolved = resolved_parameters(fn)
    if not resolved:
        return fn
    signature = inspect.signature(fn)
    hints = _hints(fn)
    arguments = [n for n in signature.parameters if n not in resolved and not _is_context(hints.get(n))]
    for marker, _ in resolved.values():
        _check(marker.fn, arguments)
    own_context = next((n for n in signature.parameters if _is_context(hints.get(n))), None)
    context_name = own_context or _CONTEXT
    params = [p for n, p in signature.parameters.items() if n not in resolved]
    if own_context is None:
        params.append(inspect.Parameter(_CONTEXT, inspect.Parameter.KEYWORD_ONLY, annotation=Context))
    is_async = inspect.iscoroutinefunction(fn)

    async def tool(**kwargs: Any) -> Any:
        ctx = kwargs[context_name] if own_context is not None else kwargs.pop(_CONTEXT)
        given = {n: v for n, v in kwargs.items() if n in arguments}
        kwargs.update(await _resolve_all(resolved, given, ctx))
        result = fn(**kwargs)
        return await result if is_async else result

    functools.update_wrapper(tool, fn)
    del tool.__wrapped__  # type: ignore[attr-defined]  # the signature below is what is served
    tool.__signature__ = signature.replace(parameters=sorted(params, key=lambda p: p.kind))  # type: ignore[attr-defined]
    # The evaluated hints: the function's own text annotations name its module's globals.
    tool.__annotations__ = {n: a for n, a in hints.items() if n not in resolved}
    if own_context is None:
        tool.__annotations__[_CONTEXT] = Context
    return tool

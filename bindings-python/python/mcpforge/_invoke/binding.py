"""Argument binding: a call's inputs (tool arguments, template variables, prompt arguments,
completion inputs, a token) to the keyword arguments of the registered function, with its
``Context`` parameter filled in."""

from __future__ import annotations

import json
import typing
from typing import Any, Callable, Dict, Optional

from .._function_spec import FunctionSpec
from ..context import Context
from .outcomes import Bind


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
        try:
            value = json.loads(s)
        except ValueError:
            value = s
        return convert(value) if convert is not None else value

    return parse


def from_strings(spec: FunctionSpec) -> Callable[[Dict[str, Any]], Dict[str, Any]]:
    """Inputs given as strings (prompt arguments, template variables) to keyword arguments of
    the function's types; values that are not strings are passed as they are, names the
    function does not take are dropped. No ``Context``: the caller adds it."""
    convs = {p.name: _from_text(p) for p in spec.params}

    def convert(strings: Dict[str, Any]) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        for name, value in strings.items():
            if name in convs:
                to_type = convs[name]
                out[name] = to_type(value) if to_type is not None and isinstance(value, str) else value
        return out

    return convert


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
    from pydantic import TypeAdapter  # optional dependency

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

def bind_verifier(name: str) -> Bind:
    """The verifier takes the token as its only argument, named ``name``."""
    return lambda token, native: {name: token}

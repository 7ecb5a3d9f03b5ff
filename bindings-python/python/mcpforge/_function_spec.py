"""``function_spec(fn)``: what a registered function is to the engine, read from its
signature, type hints and docstring: its input schema, how to convert each argument, which
parameter takes the ``Context``, its description and parameter descriptions, and its output
schema (return annotation; ``schema`` turns the types into JSON Schema)."""

from __future__ import annotations

import dataclasses
import enum
import functools
import inspect
import json
import types
import typing
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import _docstrings
from ._convert import input_required_type, is_pydantic_model, is_typeddict, jsonable, plain_class_hints
from .content import CallToolResult, Completion, Content, Message, ResourceContents
from .context import Context
from .errors import InvalidSignature
from .schema import Converter, NoneType, SchemaBuilder, UnionType, is_abc, pydantic_style

__all__ = ["FunctionSpec", "Param", "function_spec"]


@dataclasses.dataclass
class Param:
    """One parameter the client fills: its name, whether it is required, and the converter
    from the JSON value (None: passed as is)."""

    name: str
    required: bool
    convert: Optional[Converter]
    annotation: Any


@dataclasses.dataclass
class FunctionSpec:
    """What a handler function declares."""

    params: List[Param]
    names: "frozenset[str]"
    var_keyword: bool
    context_param: Optional[str]
    input_schema: Dict[str, Any]
    description: Optional[str]
    param_descriptions: Dict[str, str]
    output_schema: Optional[Dict[str, Any]]
    wrap_output: bool
    return_annotation: Any
    # Parameters whose default is a ``pydantic.Field``: the value each gets when the client
    # leaves it out (the Field's default, not the ``FieldInfo``).
    field_defaults: Dict[str, Callable[[], Any]] = dataclasses.field(default_factory=dict)

    @property
    def needs_conversion(self) -> bool:
        """True when some argument needs a converter."""
        return any(p.convert is not None for p in self.params)


def _is_context(tp: Any) -> bool:
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) is typing.Union or (UnionType is not None and isinstance(tp, UnionType)):
        return any(_is_context(a) for a in typing.get_args(tp))
    return isinstance(tp, type) and (issubclass(tp, Context) or _official_context(tp))


def _result_model(ret: Any) -> Any:
    """``Annotated[CallToolResult, Model]`` (the official SDK's way to give a tool that
    returns whole results an output schema) as ``Model``; any other annotation as it is."""
    if typing.get_origin(ret) is typing.Annotated:
        base, *metadata = typing.get_args(ret)
        if isinstance(base, type) and base.__name__ == "CallToolResult" and metadata and isinstance(metadata[0], type):
            return metadata[0]
    return ret


def _without_input_required(ret: Any) -> Any:
    """A return annotation without its arms of the official ``InputRequiredResult`` or its
    subclasses (a tool that may stop to ask the client returns one instead of its result):
    the result's schema is the other arms', as the official SDK writes it; nothing left is
    no annotation."""
    if input_required_type(ret):
        return inspect.Signature.empty
    if typing.get_origin(ret) in (typing.Union, UnionType):
        arms = [a for a in typing.get_args(ret) if not input_required_type(a)]
        if not arms:
            return inspect.Signature.empty
        if len(arms) < len(typing.get_args(ret)):
            return typing.Union[tuple(arms)] if len(arms) > 1 else arms[0]
    return ret


def _official_context(tp: type) -> bool:
    """The official ``mcp`` package's ``Context`` (or a subclass): a module that still imports
    it gets mcpforge's context for that parameter. Recognised by module, never imported."""
    return any(c.__name__ == "Context" and c.__module__.startswith("mcp.server.") for c in tp.__mro__)


def _unstructured_return(tp: Any) -> bool:
    """Return types sent as content only, without an output schema."""
    if tp in (inspect.Signature.empty, None, NoneType, str, Any, bytes, bytearray, list, tuple):
        return True
    if isinstance(tp, type) and issubclass(tp, (Content, CallToolResult, ResourceContents, Message, Completion)):
        return True
    if isinstance(tp, type) and tp.__module__.partition(".")[0] in ("mcp", "mcp_types"):
        return True  # the official SDK's content blocks and results
    if _hintless_class(tp):
        return True  # nothing describes its instances: no output schema (as on the official SDK)
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unstructured_return(typing.get_args(tp)[0])
    if origin in (list, tuple) or is_abc(origin, "Sequence"):
        args = typing.get_args(tp)
        return not args or (_unstructured_return(args[0]) and args[0] is not str)
    if origin is typing.Union or (UnionType is not None and isinstance(tp, UnionType)):
        # A union naming a content type (``str | Image | dict``) is content: its values are
        # blocks that no JSON Schema describes (as on the official SDK).
        args = typing.get_args(tp)
        return all(_unstructured_return(a) for a in args) or any(_content_class(a) for a in args)
    return False


def _release_one_unstructured(tp: Any) -> bool:
    """1.x's ``FastMCP`` reading of a return type: only what has no JSON Schema is sent
    without an output schema. A list, sequence or union of the official content blocks
    (``list[ContentBlock]``) is structured there, wrapped as ``{"result": [...]}`` (2.x sends
    such blocks as content only); mcpforge's ``Image`` and ``Audio``, like the official 1.x
    helpers, and classes without type hints have no schema (``_schemaless``)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _release_one_unstructured(typing.get_args(tp)[0])
    if origin in (list, tuple) or is_abc(origin, "Sequence") or origin is typing.Union or (UnionType is not None and isinstance(tp, UnionType)):
        return _schemaless(tp)
    if _official_model(tp):
        return False  # the official content blocks are pydantic models: they have a schema
    return _unstructured_return(tp)


def _official_model(tp: Any) -> bool:
    """One of the official package's pydantic models (a content block, ...), not its
    ``CallToolResult``, which a tool returns as its whole result."""
    return isinstance(tp, type) and tp.__module__.partition(".")[0] == "mcp" and tp.__name__ != "CallToolResult" and is_pydantic_model(tp)


def _schemaless(tp: Any) -> bool:
    """Whether no JSON Schema describes ``tp`` in 1.x's reading: a bare ``list``, mcpforge's
    content helpers, the official classes that are not pydantic models, classes without type
    hints, and the lists and unions holding one."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _schemaless(typing.get_args(tp)[0])
    if origin in (list, tuple) or is_abc(origin, "Sequence"):
        args = typing.get_args(tp)
        return not args or _schemaless(args[0])
    if origin is typing.Union or (UnionType is not None and isinstance(tp, UnionType)):
        return any(_schemaless(a) for a in typing.get_args(tp))
    if tp in (list, tuple, inspect.Signature.empty):
        return True
    if isinstance(tp, type) and issubclass(tp, Content):
        return True
    if isinstance(tp, type) and tp.__module__.partition(".")[0] == "mcp":
        return not _official_model(tp)
    return _hintless_class(tp)


def _typeddict_defaults(schema: Dict[str, Any]) -> Dict[str, Any]:
    """A TypedDict's output schema as 1.x writes it (the keys it does not require get the
    default None, from the model 1.x makes of it)."""
    required = set(schema.get("required", ()))
    props = {k: v if k in required else {**v, "default": None} for k, v in schema.get("properties", {}).items()}
    return {**schema, "properties": props}


def _content_class(tp: Any) -> bool:
    """mcpforge's content blocks (``Image``, ``Audio``, ...) and the official SDK's classes."""
    if not isinstance(tp, type):
        return False
    return issubclass(tp, Content) or tp.__module__.partition(".")[0] in ("mcp", "mcp_types")


def _hintless_class(tp: Any) -> bool:
    """An ordinary class of the program's own without type hints (``plain_class_hints``)."""
    if not isinstance(tp, type) or tp.__module__ in ("builtins", "datetime") or issubclass(tp, enum.Enum):
        return False
    if is_typeddict(tp) or dataclasses.is_dataclass(tp) or is_pydantic_model(tp) or _is_context(tp):
        return False
    return tp.__module__.partition(".")[0] not in ("typing", "collections", "mcpforge") and plain_class_hints(tp) is None


def _object_type(tp: Any) -> bool:
    """Return types whose values are JSON objects (sent as ``structuredContent`` directly)."""
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    origin = typing.get_origin(tp)
    return (
        tp is dict
        or origin is dict
        or is_typeddict(tp)
        or (dataclasses.is_dataclass(tp) and isinstance(tp, type))
        or is_pydantic_model(tp)
        or plain_class_hints(tp) is not None
    )


def _sdk_dict_return(tp: Any) -> Optional[str]:
    """How the official SDK's structured output reads a dict return annotation (its own
    rule, followed by the drop-in): the bare builtin ``dict`` has no output schema
    (``"none"``); only a builtin ``dict[str, V]`` is an object sent as it is; ``typing.Dict``,
    ``Dict[K, V]`` and ``dict[int, V]`` are wrapped as ``{"result": ...}`` (``"wrap"``).
    None for anything that is not a dict."""
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if tp is dict:
        return "none"
    if typing.get_origin(tp) is not dict:
        return None
    builtin = isinstance(tp, types.GenericAlias)  # dict[...], not typing.Dict[...]
    args = typing.get_args(tp)
    return "object" if builtin and len(args) == 2 and args[0] is str else "wrap"


def _root(schema: Dict[str, Any], defs: Dict[str, Any]) -> Dict[str, Any]:
    return {**schema, "$defs": defs} if defs else schema


def _titled(schema: Dict[str, Any], title: str) -> Dict[str, Any]:
    """An object schema of parameters (or of a wrapped result) as pydantic writes it for the
    official SDK: ``title`` on the object (such as ``NAMEArguments``), and each property as
    ``pydantic_style`` writes it."""
    props = {name: pydantic_style(prop, name) for name, prop in schema["properties"].items()}
    return {**schema, "properties": props, "title": title}


def _inlined_root(schema: Dict[str, Any], defs: Dict[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """An object schema that is a ``$ref`` to one of ``defs`` (a model's) as that definition
    itself, with the other definitions beside it, as the official SDK writes it: an output
    schema's root must be an object schema. A definition that is referred to (a recursive
    model) stays among the definitions too."""
    ref = schema.get("$ref")
    if len(schema) != 1 or not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        return schema, defs
    name = ref[len("#/$defs/") :]
    if name not in defs:
        return schema, defs
    if f'"{ref}"' in json.dumps(defs, default=str):
        return defs[name], defs
    return defs[name], {k: v for k, v in defs.items() if k != name}


def _text_return(tp: Any) -> bool:
    """``str``, ``Optional[str]`` (``str | None``) or ``None``, ``Annotated`` or not."""
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if tp in (str, None, NoneType):
        return True
    if typing.get_origin(tp) is typing.Union or (UnionType is not None and isinstance(tp, UnionType)):
        args = typing.get_args(tp)
        return str in args and all(a in (str, NoneType) for a in args)
    return False


def pydantic_field(default: Any) -> Any:
    """A ``pydantic.Field(...)`` given as a parameter's default (its ``FieldInfo``), or None."""
    cls = type(default)
    if cls.__name__ == "FieldInfo" and cls.__module__.partition(".")[0] == "pydantic":
        return default
    return None


# A parameter's default that its ``default_factory`` makes for each call, written in no
# schema (``_schema_default``).
_PER_CALL = object()


def _schema_default(field: Any, pydantic_style: bool) -> Any:
    """The default a ``pydantic.Field`` (one with a default) gives the input schema: its
    value, a ``default_factory`` run once to write it; or, in a schema written as pydantic
    writes it (``titles``), ``_PER_CALL`` for a factory, which pydantic leaves out of the
    schema, so that the factory runs only when a call needs the value."""
    if pydantic_style and field.default_factory is not None:
        return _PER_CALL
    return field.get_default(call_default_factory=True)


def _annotated_field(tp: Any) -> Any:
    """A ``pydantic.Field`` with a default among the ``Annotated`` metadata of ``tp``
    (``Annotated[int, Field(1)]``: the parameter has that default), or None."""
    if typing.get_origin(tp) is not typing.Annotated:
        return None
    for m in reversed(typing.get_args(tp)[1:]):
        field = pydantic_field(m)
        if field is not None and not field.is_required():
            return field
    return None


# Type qualifiers, which say how an attribute or a key may be used, not what a value is.
_TYPE_QUALIFIERS = frozenset({"Final", "ClassVar", "Required", "NotRequired", "ReadOnly", "InitVar"})


def _qualified(ret: Any) -> bool:
    """Whether a return annotation is a type qualifier (``Final[int]``, ``ClassVar``, ...),
    through ``Annotated``."""
    while typing.get_origin(ret) is typing.Annotated:
        ret = typing.get_args(ret)[0]
    kind = typing.get_origin(ret) or ret
    return getattr(kind, "_name", None) in _TYPE_QUALIFIERS or type(kind).__name__ == "InitVar"


def _written_return(fn: Callable[..., Any], ret: Any) -> Any:
    """A return annotation as written; text (postponed annotations) evaluated in the
    function's module, as ``typing.get_type_hints`` evaluates it; what does not evaluate
    stays text."""
    if not isinstance(ret, str):
        return ret
    try:
        return eval(ret, getattr(fn, "__globals__", {}))  # noqa: S307 - the annotation get_type_hints evaluates too
    except Exception:  # noqa: BLE001 - a name only a type checker knows: kept as text
        return ret


def _check_official_return(name: str, ret: Any, structured_output: Optional[bool]) -> None:
    """The official SDK's rules for a tool's return annotation, refused with
    ``InvalidSignature`` as its servers refuse them at registration: structured output asked
    for with no annotation, a type qualifier (``-> Final[int]``), and ``CallToolResult``
    inside a union."""
    if structured_output is True and ret is inspect.Signature.empty:
        raise InvalidSignature(f"Function {name}: return annotation required for structured output")
    if _qualified(ret):
        raise InvalidSignature(f"Function {name}: return annotation contains an invalid type qualifier")
    arms = typing.get_args(ret) if typing.get_origin(ret) is typing.Union or (UnionType is not None and isinstance(ret, UnionType)) else ()
    if any(isinstance(a, type) and a.__name__ == "CallToolResult" for a in arms):
        raise InvalidSignature(
            f"Function {name}: CallToolResult cannot be used in Union or Optional types. To return empty results, use: CallToolResult(content=[])"
        )


def _output_type_schema(builder: SchemaBuilder, name: str, ret: Any, structured_output: Optional[bool], official_docs: bool) -> Any:
    """The schema of a return annotation. A type without one (a class with a ``Callable``
    field, a ``NamedTuple``, a TypedDict naming a type that does not resolve) raises
    ``TypeError``; read as the official SDK reads it (``official_docs``), it leaves the tool
    without structured output instead, and ``InvalidSignature`` when structured output was
    asked for (``structured_output=True``). The official reading has no schema for a
    ``NamedTuple`` either (it reads a class by its fields, and a tuple's are not)."""
    try:
        if official_docs and isinstance(ret, type) and issubclass(ret, tuple) and hasattr(ret, "_fields"):
            raise TypeError(f"no schema for the NamedTuple {ret.__name__}")
        return builder.schema(ret)
    except (TypeError, NameError) as e:
        if not official_docs:
            raise
        if structured_output is True:
            raise InvalidSignature(f"Function {name}: return type {getattr(ret, '__name__', ret)} is not serializable for structured output") from e
        return None


def function_spec(
    fn: Callable[..., Any],
    *,
    structured_output: Optional[bool] = None,
    skip: Tuple[str, ...] = (),
    text_schema: bool = False,
    titles: bool = False,
    official_docs: bool = False,
    release: Optional[str] = None,
) -> FunctionSpec:
    """Reads ``fn``: parameters (``skip`` names are filled by the caller, not the client),
    schemas, converters, descriptions. ``text_schema`` gives a ``str``, ``Optional[str]`` or
    ``None`` return annotation the wrapped output schema ``{"result": ...}`` (the official
    SDK's choice; without it such a tool sends its text alone), and dict return annotations
    the official SDK's reading (``_sdk_dict_return``). ``titles`` puts in the input schema
    the ``title``s pydantic writes for the official SDK (``_titled``) and, as pydantic, no
    default for a ``default_factory`` (``_schema_default``), and ``official_docs`` takes
the description as the official SDK does: the docstring as written, with no parameter
descriptions read from an ``Args:`` section. ``release`` ``"1.x"`` reads the return
annotation as 1.x's ``FastMCP`` does where it differs from 2.x: a list or union of the
official content blocks is structured (``_release_one_unstructured``) and a TypedDict's keys
it does not require have the default None (``_typeddict_defaults``)."""
    sig = inspect.signature(fn)
    # A callable object's annotations are those of its class's ``__call__``.
    annotated = fn if inspect.isroutine(fn) or inspect.isclass(fn) else getattr(type(fn), "__call__", fn)
    try:
        hints = typing.get_type_hints(annotated, include_extras=True)
    except Exception as e:
        written = _written_return(fn, sig.return_annotation)
        if official_docs and _qualified(written):  # typing refuses `-> Final[int]` itself
            _check_official_return(getattr(fn, "__name__", "tool"), written, structured_output)
        raise TypeError(f"cannot resolve the type hints of {getattr(fn, '__qualname__', fn)!r}: {e}") from e
    doc = inspect.getdoc(fn) or ""
    # As the official SDK reads it (``official_docs``): the docstring as it is, and no
    # parameter descriptions taken from it.
    param_docs = {} if official_docs else _docstrings.param_docs(doc)
    builder = SchemaBuilder(titles)
    props: Dict[str, Any] = {}
    required: List[str] = []
    params: List[Param] = []
    context_param = None
    var_keyword = False
    field_defaults: Dict[str, Callable[[], Any]] = {}
    for name, p in sig.parameters.items():
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            var_keyword = True
            continue
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        annotation = hints.get(name, Any)
        if _is_context(annotation):
            context_param = name
            continue
        if name in skip:
            continue
        if p.kind is inspect.Parameter.POSITIONAL_ONLY:
            raise TypeError(f"{fn.__qualname__}: positional-only parameter {name!r} cannot be filled by name")
        default = p.default
        field = pydantic_field(default)
        if field is None:
            prop = builder.schema(annotation)
            inner = _annotated_field(annotation) if default is inspect.Parameter.empty else None
            if inner is not None:
                default = _schema_default(inner, titles)
                field_defaults[name] = functools.partial(inner.get_default, call_default_factory=True)
        else:  # its description, title, examples and constraints, and its own default
            prop = builder._annotated(annotation, (field,))
            default = inspect.Parameter.empty if field.is_required() else _schema_default(field, titles)
            if default is not inspect.Parameter.empty:
                field_defaults[name] = functools.partial(field.get_default, call_default_factory=True)
        if default is _PER_CALL:
            pass
        elif default is not inspect.Parameter.empty:
            try:
                prop = {**prop, "default": jsonable(default)}
            except TypeError:
                pass
        else:
            required.append(name)
        if name in param_docs and "description" not in prop:
            prop = {**prop, "description": param_docs[name]}
        props[name] = prop
        params.append(Param(name, default is inspect.Parameter.empty, builder.converter(annotation), annotation))
    input_schema: Dict[str, Any] = {"type": "object", "properties": props}
    if required:
        input_schema["required"] = required
    function_name = getattr(fn, "__name__", "tool")
    if titles:
        input_schema = _titled(input_schema, f"{function_name}Arguments")
    input_schema = _root(input_schema, builder.defs)

    ret = _result_model(_without_input_required(hints.get("return", sig.return_annotation)))
    if official_docs:
        _check_official_return(function_name, ret, structured_output)
    output_schema, wrap = None, False
    if structured_output is None and text_schema and _text_return(ret):
        structured_output = True
    sdk_dict = _sdk_dict_return(ret) if text_schema else None
    if structured_output is None and sdk_dict == "none":
        structured_output = False
    unstructured = _release_one_unstructured if release == "1.x" else _unstructured_return
    structured = structured_output if structured_output is not None else not unstructured(ret)
    out_builder = SchemaBuilder(titles)
    schema = _output_type_schema(out_builder, function_name, ret, structured_output, official_docs) if structured and ret is not inspect.Signature.empty else None
    if schema is not None:
        if _object_type(ret) and sdk_dict != "wrap":
            schema, defs = _inlined_root(schema, out_builder.defs)
            if titles and sdk_dict == "object":
                schema = {**schema, "title": f"{function_name}DictOutput"}  # pydantic's name for it
            if release == "1.x" and is_typeddict(ret):
                schema = _typeddict_defaults(schema)
            output_schema = _root(schema, defs)
        else:
            wrapped = {"type": "object", "properties": {"result": schema}, "required": ["result"]}
            if titles:
                wrapped = _titled(wrapped, f"{function_name}Output")
            output_schema, wrap = _root(wrapped, out_builder.defs), True
    return FunctionSpec(
        params=params,
        names=frozenset(p.name for p in params),
        var_keyword=var_keyword,
        context_param=context_param,
        input_schema=input_schema,
        description=(getattr(fn, "__doc__", None) or None) if official_docs else _docstrings.description(doc),
        param_descriptions=param_docs,
        output_schema=output_schema,
        wrap_output=wrap,
        return_annotation=ret,
        field_defaults=field_defaults,
    )

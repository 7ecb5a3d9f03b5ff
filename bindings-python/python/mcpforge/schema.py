"""Type hints to JSON Schema (draft 2020-12), and JSON values back to the annotated types.

Supported: ``int``, ``float``, ``str``, ``bool``, ``bytes`` (base64), ``None``, ``list``/
``Sequence``/``set``/``tuple``, ``dict[str, T]``, ``Optional``/``Union`` (also ``X | Y``),
``Literal``, ``Enum``, ``TypedDict``, dataclasses, pydantic models (when pydantic is
installed), ordinary classes whose attributes have type hints (``class User: name: str``,
as the official SDK describes them; their instances are sent as those attributes),
``datetime``/``date``/``time``, and ``Annotated[T, ...]`` carrying a description
(a plain string), an ``mcpforge.Field``, a ``pydantic.Field`` or ``annotated_types``
constraints. Named types (enums, TypedDicts, dataclasses, models, classes) go to ``$defs``.
A tool returning a class of the program's own without any type hints gets no output
schema (as on the official SDK).

``function_spec(fn)`` reads a whole function: its input schema, how to convert each
argument, which parameter takes the ``Context``, its description and parameter
descriptions (docstring), and its output schema (return annotation).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import inspect
import json
import sys
import typing
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._validators import has_validators, validated

__all__ = ["Field", "FunctionSpec", "Param", "SchemaBuilder", "function_spec", "type_schema"]

_NoneType = type(None)
_MISSING = object()
Converter = Callable[[Any], Any]

if sys.version_info >= (3, 10):
    from types import UnionType as _UnionType
else:  # pragma: no cover - 3.9
    _UnionType = None


class Field:
    """Describes a parameter in ``Annotated[T, Field(...)]``: description, title, examples
    and the usual constraints (``ge``, ``gt``, ``le``, ``lt``, ``multiple_of``,
    ``min_length``, ``max_length``, ``pattern``)."""

    def __init__(
        self,
        description: Optional[str] = None,
        *,
        title: Optional[str] = None,
        examples: Optional[List[Any]] = None,
        ge: Optional[float] = None,
        gt: Optional[float] = None,
        le: Optional[float] = None,
        lt: Optional[float] = None,
        multiple_of: Optional[float] = None,
        min_length: Optional[int] = None,
        max_length: Optional[int] = None,
        pattern: Optional[str] = None,
    ) -> None:
        self.description, self.title, self.examples = description, title, examples
        self.ge, self.gt, self.le, self.lt, self.multiple_of = ge, gt, le, lt, multiple_of
        self.min_length, self.max_length, self.pattern = min_length, max_length, pattern


# Constraint attribute -> JSON Schema keyword (numbers, then strings/arrays by type below).
_NUMBER_KEYS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum", "multiple_of": "multipleOf"}
_LENGTH_KEYS = {
    "string": {"min_length": "minLength", "max_length": "maxLength"},
    "array": {"min_length": "minItems", "max_length": "maxItems"},
    "object": {"min_length": "minProperties", "max_length": "maxProperties"},
}


def _is_pydantic_model(tp: Any) -> bool:
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(tp, type) and issubclass(tp, pydantic.BaseModel)


# The qualifiers of a TypedDict key (``NotRequired[int]``): ``__required_keys__`` already
# says what they say, so the key's schema is its inner type's.
_KEY_QUALIFIERS = frozenset({"Required", "NotRequired", "ReadOnly"})


def _key_type(tp: Any) -> Any:
    """A TypedDict key's type without its ``Required``/``NotRequired``/``ReadOnly``."""
    while getattr(typing.get_origin(tp), "_name", None) in _KEY_QUALIFIERS:
        tp = typing.get_args(tp)[0]
    return tp


def _key_required(key: str, hint: Any, tp: Any) -> bool:
    """Whether a TypedDict key is required: its ``Required``/``NotRequired`` when it has one
    (read from the hint too, as ``__required_keys__`` misses them in a module with postponed
    annotations), else the class's ``total``."""
    while True:
        name: Optional[str] = getattr(typing.get_origin(hint), "_name", None)
        if name in ("Required", "NotRequired"):
            return name == "Required"
        if name not in _KEY_QUALIFIERS:
            return key in tp.__required_keys__
        hint = typing.get_args(hint)[0]


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__required_keys__")


def plain_class_hints(tp: Any) -> Optional[Dict[str, Any]]:
    """The type hints of an ordinary class's public attributes (``class User: name: str``),
    which describe its instances as objects (as the official SDK does); None for a class
    without any, and for builtins, enums, TypedDicts, dataclasses and pydantic models."""
    if not isinstance(tp, type) or tp.__module__ == "builtins" or issubclass(tp, enum.Enum):
        return None
    if _is_typeddict(tp) or dataclasses.is_dataclass(tp) or _is_pydantic_model(tp):
        return None
    try:
        hints = typing.get_type_hints(tp, include_extras=True)
    except Exception:
        return None
    public = {k: v for k, v in hints.items() if not k.startswith("_") and typing.get_origin(v) is not typing.ClassVar}
    return public or None


def _int(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _float(value: Any) -> Any:
    """A JSON integer given for a ``float`` parameter arrives as a float, as pydantic (and so
    the official SDK) hands it over: ``a: float`` called with ``1`` gets ``1.0``."""
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


class SchemaBuilder:
    """Builds schemas for several types sharing one ``$defs``; also builds the converters
    from JSON values to the annotated types (None where the JSON value is already right)."""

    def __init__(self) -> None:
        self.defs: Dict[str, Any] = {}
        self._converters: Dict[Any, Optional[Converter]] = {}

    # ----- schemas -------------------------------------------------------------------------

    def schema(self, tp: Any) -> Dict[str, Any]:
        """The JSON Schema of ``tp``."""
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is typing.Annotated:
            return self._annotated(args[0], args[1:])
        if tp is Any or tp is inspect.Parameter.empty or tp is object:
            return {}
        if tp is None or tp is _NoneType:
            return {"type": "null"}
        simple = {bool: "boolean", int: "integer", float: "number", str: "string"}
        if tp in simple:
            return {"type": simple[tp]}
        if tp in (bytes, bytearray):
            return {"type": "string", "contentEncoding": "base64"}
        if tp is datetime.datetime:
            return {"type": "string", "format": "date-time"}
        if tp is datetime.date:
            return {"type": "string", "format": "date"}
        if tp is datetime.time:
            return {"type": "string", "format": "time"}
        if origin is typing.Union or (_UnionType is not None and isinstance(tp, _UnionType)):
            return self._union(args)
        if origin is typing.Literal:
            return self._literal(args)
        if origin in (list, set, frozenset) or _is_abc(origin, "Sequence", "Iterable", "Collection", "MutableSequence", "Set", "MutableSet"):
            items = self.schema(args[0]) if args else {}
            out: Dict[str, Any] = {"type": "array", "items": items}
            if origin in (set, frozenset) or _is_abc(origin, "Set", "MutableSet"):
                out["uniqueItems"] = True
            return out
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return {"type": "array", "items": self.schema(args[0])}
            prefix = [self.schema(a) for a in args]
            return {"type": "array", "prefixItems": prefix, "minItems": len(prefix), "maxItems": len(prefix)}
        if origin is dict or _is_abc(origin, "Mapping", "MutableMapping"):
            out = {"type": "object"}
            if len(args) == 2 and args[1] is not Any:
                out["additionalProperties"] = self.schema(args[1])
            return out
        if tp in (list, tuple, set, frozenset):
            return {"type": "array"}
        if tp is dict:
            return {"type": "object"}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return self._named(tp, self._enum)
        if _is_typeddict(tp):
            return self._named(tp, self._typeddict)
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            return self._named(tp, self._dataclass)
        if _is_pydantic_model(tp):
            return self._pydantic(tp)
        if plain_class_hints(tp) is not None:
            return self._named(tp, self._plain_class)
        raise TypeError(f"cannot derive a JSON Schema from the type {tp!r}; pass an explicit schema")

    def _named(self, tp: type, body: Callable[[Any], Dict[str, Any]]) -> Dict[str, Any]:
        name = tp.__name__
        if name not in self.defs:
            self.defs[name] = {}  # placeholder: recursive references resolve to it
            self.defs[name] = body(tp)
        return {"$ref": f"#/$defs/{name}"}

    def _annotated(self, tp: Any, metadata: Tuple[Any, ...]) -> Dict[str, Any]:
        out = dict(self.schema(tp))
        for m in metadata:
            if isinstance(m, str):
                out["description"] = m
                continue
            for attr, key in (("description", "description"), ("title", "title"), ("examples", "examples")):
                value = getattr(m, attr, None)
                if value is not None and not callable(value):
                    out[key] = value
            constraints = [m, *getattr(m, "metadata", ())]  # pydantic keeps annotated_types here
            lengths = _LENGTH_KEYS.get(out.get("type", ""), {})
            for c in constraints:
                for attr, key in {**_NUMBER_KEYS, **lengths, "pattern": "pattern"}.items():
                    value = getattr(c, attr, None)
                    if value is not None and not callable(value):
                        out[key] = value
        return out

    def _union(self, args: Tuple[Any, ...]) -> Dict[str, Any]:
        options = [self.schema(a) for a in args]
        types = [o.get("type") for o in options]
        if all(isinstance(t, str) and len(o) == 1 for t, o in zip(types, options)):
            return {"type": list(dict.fromkeys(types))}  # e.g. ["string", "null"]
        return {"anyOf": options}

    def _literal(self, values: Tuple[Any, ...]) -> Dict[str, Any]:
        plain = [v.value if isinstance(v, enum.Enum) else v for v in values]
        out: Dict[str, Any] = {"enum": plain} if len(plain) > 1 else {"const": plain[0]}
        kinds = {_json_type(v) for v in plain}
        if len(kinds) == 1 and None not in kinds:
            out["type"] = kinds.pop()
        return out

    def _enum(self, tp: type) -> Dict[str, Any]:
        out = self._literal(tuple(m.value for m in tp))  # type: ignore[attr-defined]
        out["title"] = tp.__name__
        return out

    def _object(self, tp: type, fields: List[Tuple[str, Any, Any]], required: List[str]) -> Dict[str, Any]:
        props: Dict[str, Any] = {}
        docs = _param_docs(inspect.getdoc(tp) or "")
        for name, annotation, default in fields:
            prop = self.schema(annotation)
            if default is not _MISSING:
                try:
                    from ._convert import jsonable

                    prop = {**prop, "default": jsonable(default)}
                except TypeError:
                    pass
            if name in docs and "description" not in prop and "$ref" not in prop:
                prop = {**prop, "description": docs[name]}
            props[name] = prop
        out: Dict[str, Any] = {"type": "object", "title": tp.__name__, "properties": props}
        if required:
            out["required"] = required
        return out

    def _typeddict(self, tp: type) -> Dict[str, Any]:
        hints = typing.get_type_hints(tp, include_extras=True)
        required = [k for k, v in hints.items() if _key_required(k, v, tp)]
        return self._object(tp, [(k, _key_type(v), _MISSING) for k, v in hints.items()], required)

    def _dataclass(self, tp: type) -> Dict[str, Any]:
        hints = typing.get_type_hints(tp, include_extras=True)
        fields, required = [], []
        for f in dataclasses.fields(tp):
            default = f.default if f.default is not dataclasses.MISSING else _MISSING
            if default is _MISSING and f.default_factory is dataclasses.MISSING:
                required.append(f.name)
            fields.append((f.name, hints.get(f.name, Any), default))
        return self._object(tp, fields, required)

    def _plain_class(self, tp: type) -> Dict[str, Any]:
        hints = plain_class_hints(tp) or {}
        fields = [(name, hint, getattr(tp, name, _MISSING)) for name, hint in hints.items()]
        return self._object(tp, fields, [name for name, _, default in fields if default is _MISSING])

    def _pydantic(self, tp: Any) -> Dict[str, Any]:
        schema = tp.model_json_schema(ref_template="#/$defs/{model}")
        for name, sub in schema.pop("$defs", {}).items():
            self.defs.setdefault(name, sub)
        self.defs.setdefault(tp.__name__, schema)
        return {"$ref": f"#/$defs/{tp.__name__}"}

    # ----- converters ----------------------------------------------------------------------

    def converter(self, tp: Any) -> Optional[Converter]:
        """A function from the JSON value to ``tp``, or None when none is needed."""
        key = tp if _hashable(tp) else id(tp)
        if key not in self._converters:
            self._converters[key] = None  # recursion guard
            self._converters[key] = self._make_converter(tp)
        return self._converters[key]

    def _make_converter(self, tp: Any) -> Optional[Converter]:
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is typing.Annotated:
            if has_validators(args[1:]):
                return validated(tp)
            return self.converter(args[0])
        if tp is int:
            return _int
        if tp is float:
            return _float
        if tp in (bytes, bytearray):
            import base64

            return base64.b64decode
        if tp in (datetime.datetime, datetime.date, datetime.time):
            return tp.fromisoformat  # type: ignore[no-any-return]
        if origin is typing.Union or (_UnionType is not None and isinstance(tp, _UnionType)):
            return self._union_converter(args)
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return tp
        if _is_pydantic_model(tp):
            return tp.model_validate  # type: ignore[no-any-return]
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            return self._dataclass_converter(tp)
        if origin in (list, set, frozenset, tuple) or _is_abc(origin, "Sequence", "Set", "MutableSequence", "Iterable"):
            return self._sequence_converter(origin, args)
        if origin is dict and len(args) == 2:
            inner = self.converter(args[1])
            if inner is not None:
                return lambda v: {k: inner(x) for k, x in v.items()}
        return None

    def _union_converter(self, args: Tuple[Any, ...]) -> Optional[Converter]:
        options = [a for a in args if a is not _NoneType]
        convs = [self.converter(a) for a in options]
        if all(c is None for c in convs):
            return None
        if len(options) == 1:
            only = convs[0]
            return lambda v: None if v is None else only(v)  # type: ignore[misc]

        def convert(v: Any) -> Any:
            for c in convs:
                if c is None:
                    continue
                try:
                    return c(v)
                except Exception:  # not this member of the union
                    continue
            return v

        return convert

    def _sequence_converter(self, origin: Any, args: Tuple[Any, ...]) -> Optional[Converter]:
        build = origin if origin in (set, frozenset, tuple) else None
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            convs = [self.converter(a) for a in args]
            return lambda v: tuple(c(x) if c else x for c, x in zip(convs, v))
        inner = self.converter(args[0]) if args else None
        if inner is None and build is None:
            return None
        if inner is None:
            return build
        make: Callable[[Any], Any] = build or list
        convert_item: Converter = inner
        return lambda v: make(convert_item(x) for x in v)

    def _dataclass_converter(self, tp: type) -> Converter:
        hints = typing.get_type_hints(tp, include_extras=True)
        convs = {f.name: self.converter(hints.get(f.name, Any)) for f in dataclasses.fields(tp) if f.init}

        def convert(v: Any) -> Any:
            if not isinstance(v, dict):
                return v
            kwargs = {}
            for k, x in v.items():
                if k in convs:
                    c = convs[k]
                    kwargs[k] = c(x) if c is not None else x
            return tp(**kwargs)

        return convert


def _hashable(tp: Any) -> bool:
    try:
        hash(tp)
        return True
    except TypeError:
        return False


def _is_abc(origin: Any, *names: str) -> bool:
    import collections.abc as abc

    return origin is not None and any(origin is getattr(abc, n, None) for n in names)


def _json_type(v: Any) -> Optional[str]:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    return None


def type_schema(tp: Any) -> Dict[str, Any]:
    """The JSON Schema of one type, with its ``$defs`` at the root."""
    b = SchemaBuilder()
    out = b.schema(tp)
    if b.defs:
        ref = out.get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        if ref and len(b.defs) == 1:  # a single named type: inline it
            inlined: Dict[str, Any] = b.defs[name]
            return inlined
        out = {**out, "$defs": b.defs}
    return out


# ----- docstrings ----------------------------------------------------------------------------

_SECTIONS = ("args:", "arguments:", "parameters:", "params:", "returns:", "return:", "raises:", "yields:", "attributes:")


def _description(doc: str) -> Optional[str]:
    """The docstring without its Args/Returns/... sections (Google style) or :param: lines."""
    lines = []
    for line in doc.splitlines():
        stripped = line.strip().lower()
        if stripped in _SECTIONS or stripped.startswith((":param", ":return", ":raises", ":type", ":rtype")):
            break
        lines.append(line)
    text = "\n".join(lines).strip()
    return text or None


def _param_docs(doc: str) -> Dict[str, str]:
    """Parameter descriptions from ``Args:``/``Attributes:`` sections and ``:param x:`` lines."""
    out: Dict[str, str] = {}
    in_args = False
    current: Optional[str] = None
    for raw in doc.splitlines():
        line = raw.strip()
        low = line.lower()
        if low.startswith(":param "):
            name, _, text = line[len(":param ") :].partition(":")
            out[name.split()[-1]] = text.strip()
            continue
        if low in ("args:", "arguments:", "parameters:", "params:", "attributes:"):
            in_args, current = True, None
            continue
        if low in _SECTIONS:
            in_args = False
            continue
        if not in_args or not line:
            continue
        head, sep, text = line.partition(":")
        name = head.split("(")[0].strip()
        if sep and name.isidentifier() and raw.startswith(" " * 4) and len(raw) - len(raw.lstrip()) <= 8:
            current = name
            out[name] = text.strip()
        elif current:
            out[current] = f"{out[current]} {line}".strip()
    return out


# ----- functions -----------------------------------------------------------------------------


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
    from .context import Context

    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) is typing.Union or (_UnionType is not None and isinstance(tp, _UnionType)):
        return any(_is_context(a) for a in typing.get_args(tp))
    return isinstance(tp, type) and issubclass(tp, Context)


def _unstructured_return(tp: Any) -> bool:
    """Return types sent as content only, without an output schema."""
    from .content import CallToolResult, Completion, Content, Message, ResourceContents

    if tp in (inspect.Signature.empty, None, _NoneType, str, Any, bytes, bytearray, list, tuple):
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
    if origin in (list, tuple) or _is_abc(origin, "Sequence"):
        args = typing.get_args(tp)
        return not args or (_unstructured_return(args[0]) and args[0] is not str)
    if origin is typing.Union or (_UnionType is not None and isinstance(tp, _UnionType)):
        # A union naming a content type (``str | Image | dict``) is content: its values are
        # blocks that no JSON Schema describes (as on the official SDK).
        args = typing.get_args(tp)
        return all(_unstructured_return(a) for a in args) or any(_content_class(a) for a in args)
    return False


def _content_class(tp: Any) -> bool:
    """mcpforge's content blocks (``Image``, ``Audio``, ...) and the official SDK's classes."""
    from .content import Content

    if not isinstance(tp, type):
        return False
    return issubclass(tp, Content) or tp.__module__.partition(".")[0] in ("mcp", "mcp_types")


def _hintless_class(tp: Any) -> bool:
    """An ordinary class of the program's own without type hints (``plain_class_hints``)."""
    if not isinstance(tp, type) or tp.__module__ in ("builtins", "datetime") or issubclass(tp, enum.Enum):
        return False
    if _is_typeddict(tp) or dataclasses.is_dataclass(tp) or _is_pydantic_model(tp) or _is_context(tp):
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
        or _is_typeddict(tp)
        or (dataclasses.is_dataclass(tp) and isinstance(tp, type))
        or _is_pydantic_model(tp)
        or plain_class_hints(tp) is not None
    )


def _root(schema: Dict[str, Any], defs: Dict[str, Any]) -> Dict[str, Any]:
    return {**schema, "$defs": defs} if defs else schema


def _text_return(tp: Any) -> bool:
    """``str``, ``Optional[str]`` (``str | None``) or ``None``, ``Annotated`` or not."""
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if tp in (str, None, _NoneType):
        return True
    if typing.get_origin(tp) is typing.Union or (_UnionType is not None and isinstance(tp, _UnionType)):
        args = typing.get_args(tp)
        return str in args and all(a in (str, _NoneType) for a in args)
    return False


def _field_default(default: Any) -> Any:
    """A ``pydantic.Field(...)`` given as a parameter's default (its ``FieldInfo``), or None."""
    cls = type(default)
    if cls.__name__ == "FieldInfo" and cls.__module__.partition(".")[0] == "pydantic":
        return default
    return None


def function_spec(
    fn: Callable[..., Any], *, structured_output: Optional[bool] = None, skip: Tuple[str, ...] = (), text_schema: bool = False
) -> FunctionSpec:
    """Reads ``fn``: parameters (``skip`` names are filled by the caller, not the client),
    schemas, converters, descriptions. ``text_schema`` gives a ``str``, ``Optional[str]`` or
    ``None`` return annotation the wrapped output schema ``{"result": ...}`` (the official
    SDK's choice; without it such a tool sends its text alone)."""
    sig = inspect.signature(fn)
    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except Exception as e:
        raise TypeError(f"cannot resolve the type hints of {getattr(fn, '__qualname__', fn)!r}: {e}") from e
    doc = inspect.getdoc(fn) or ""
    param_docs = _param_docs(doc)
    builder = SchemaBuilder()
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
        field = _field_default(default)
        if field is None:
            prop = builder.schema(annotation)
        else:  # its description, title, examples and constraints, and its own default
            prop = builder._annotated(annotation, (field,))
            default = inspect.Parameter.empty if field.is_required() else field.get_default(call_default_factory=True)
            if default is not inspect.Parameter.empty:
                field_defaults[name] = functools.partial(field.get_default, call_default_factory=True)
        if default is not inspect.Parameter.empty:
            try:
                from ._convert import jsonable

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
    input_schema = _root(input_schema, builder.defs)

    ret = hints.get("return", sig.return_annotation)
    output_schema, wrap = None, False
    if structured_output is None and text_schema and _text_return(ret):
        structured_output = True
    structured = structured_output if structured_output is not None else not _unstructured_return(ret)
    if structured and ret is not inspect.Signature.empty:
        out_builder = SchemaBuilder()
        schema = out_builder.schema(ret)
        if _object_type(ret):
            if "$ref" in schema and len(out_builder.defs) == 1:
                name, schema = next(iter(out_builder.defs.items()))
                if f'"#/$defs/{name}"' not in json.dumps(schema, default=str):
                    out_builder.defs = {}  # a recursive type keeps its definition for its own references
            output_schema = _root(schema, out_builder.defs)
        else:
            wrapped = {"type": "object", "properties": {"result": schema}, "required": ["result"]}
            output_schema, wrap = _root(wrapped, out_builder.defs), True
    return FunctionSpec(
        params=params,
        names=frozenset(p.name for p in params),
        var_keyword=var_keyword,
        context_param=context_param,
        input_schema=input_schema,
        description=_description(doc),
        param_descriptions=param_docs,
        output_schema=output_schema,
        wrap_output=wrap,
        return_annotation=ret,
        field_defaults=field_defaults,
    )

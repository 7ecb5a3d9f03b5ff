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

A whole function (its parameters, ``Context`` parameter and output schema) is read by
``_function_spec``.
"""

from __future__ import annotations

import base64
import collections.abc as abc
import dataclasses
import datetime
import enum
import inspect
import json
import sys
import typing
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._convert import is_pydantic_model, is_typeddict, jsonable, plain_class_hints
from ._docstrings import param_docs
from ._validators import has_validators, validated

__all__ = ["Field", "SchemaBuilder", "type_schema"]

NoneType = type(None)
_MISSING = object()
Converter = Callable[[Any], Any]

if sys.version_info >= (3, 10):
    from types import UnionType as UnionType  # re-exported for _function_spec
else:  # pragma: no cover - 3.9
    UnionType = None


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


def _length_keys(json_type: Any) -> List[Tuple[str, str]]:
    """The length constraints (attribute, keyword) that apply to a schema of `json_type`: one
    type name, or the list of a union (``Optional[str]`` is ``["string", "null"]``), where
    each keyword constrains only the values of its own type."""
    names = json_type if isinstance(json_type, list) else [json_type]
    return [pair for name in names if isinstance(name, str) for pair in _LENGTH_KEYS.get(name, {}).items()]


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




def _int(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _float(value: Any) -> Any:
    """A JSON integer given for a ``float`` parameter arrives as a float, as pydantic (and so
    the official SDK) hands it over: ``a: float`` called with ``1`` gets ``1.0``."""
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


# The keywords that constrain values of one JSON type, which pydantic writes inside that
# type's branch of an ``anyOf``.
_TYPE_KEYWORDS = {
    "string": ("minLength", "maxLength", "pattern", "format"),
    "number": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    "integer": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    "array": ("items", "prefixItems", "minItems", "maxItems", "uniqueItems"),
    "object": ("properties", "required", "additionalProperties", "minProperties", "maxProperties"),
}


def _any_of(schema: Dict[str, Any]) -> Dict[str, Any]:
    """``{"type": ["string", "null"], "maxLength": 5}`` as pydantic writes it:
    ``{"anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}]}``; the other keywords
    (title, description, default, ...) stay outside."""
    types = schema.get("type")
    if not isinstance(types, list):
        return schema
    inner = {k for t in types for k in _TYPE_KEYWORDS.get(t, ())}
    branches = [{"type": t, **{k: schema[k] for k in _TYPE_KEYWORDS.get(t, ()) if k in schema}} for t in types]
    return {"anyOf": branches, **{k: v for k, v in schema.items() if k != "type" and k not in inner}}


def pydantic_style(prop: Dict[str, Any], name: str) -> Dict[str, Any]:
    """A property's schema as pydantic writes it (the official SDK's schemas): a union of
    types as ``anyOf`` (``_any_of``), and the property's name in title case as its ``title``
    (``source_timezone`` is ``Source Timezone``) unless it has one or is only a reference to
    a model's definition."""
    prop = _any_of(prop)
    if "title" in prop or set(prop) == {"$ref"}:
        return prop
    return {**prop, "title": name.replace("_", " ").title()}


class SchemaBuilder:
    """Builds schemas for several types sharing one ``$defs``; also builds the converters
    from JSON values to the annotated types (None where the JSON value is already right)."""

    def __init__(self, titles: bool = False) -> None:
        # ``titles``: objects' properties written as pydantic writes them (``pydantic_style``).
        self.titles = titles
        self.defs: Dict[str, Any] = {}
        self._converters: Dict[Any, Optional[Converter]] = {}
        # The pydantic adapters of the types whose schemas pydantic gave (``_by_pydantic``).
        self._adapters: Dict[Any, Any] = {}

    # ----- schemas -------------------------------------------------------------------------

    def schema(self, tp: Any) -> Dict[str, Any]:
        """The JSON Schema of ``tp``."""
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is typing.Annotated:
            return self._annotated(args[0], args[1:])
        if tp is Any or tp is inspect.Parameter.empty or tp is object:
            return {}
        if tp is None or tp is NoneType:
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
        if origin is typing.Union or (UnionType is not None and isinstance(tp, UnionType)):
            return self._union(args)
        if origin is typing.Literal:
            return self._literal(args)
        if origin in (list, set, frozenset) or is_abc(origin, "Sequence", "Iterable", "Collection", "MutableSequence", "Set", "MutableSet"):
            items = self.schema(args[0]) if args else {}
            out: Dict[str, Any] = {"type": "array", "items": items}
            if origin in (set, frozenset) or is_abc(origin, "Set", "MutableSet"):
                out["uniqueItems"] = True
            return out
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return {"type": "array", "items": self.schema(args[0])}
            prefix = [self.schema(a) for a in args]
            return {"type": "array", "prefixItems": prefix, "minItems": len(prefix), "maxItems": len(prefix)}
        if origin is dict or is_abc(origin, "Mapping", "MutableMapping"):
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
        if is_typeddict(tp):
            return self._named(tp, self._typeddict)
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            return self._named(tp, self._dataclass)
        if is_pydantic_model(tp):
            return self._pydantic(tp)
        if plain_class_hints(tp) is not None:
            return self._named(tp, self._plain_class)
        adapted = self._by_pydantic(tp)
        if adapted is not None:
            return adapted
        raise TypeError(f"cannot derive a JSON Schema from the type {tp!r}; pass an explicit schema")

    def _by_pydantic(self, tp: Any) -> Optional[Dict[str, Any]]:
        """The schema pydantic gives a type of its own (``AnyUrl``, ``EmailStr``, ``UUID``,
        ``Decimal``, ...), when pydantic is loaded and knows it; its values are then validated
        into that type by pydantic too (``converter``)."""
        pydantic = sys.modules.get("pydantic")
        if pydantic is None:
            return None
        try:
            adapter = pydantic.TypeAdapter(tp)
            schema: Dict[str, Any] = adapter.json_schema(ref_template="#/$defs/{model}")
        except Exception:  # not a type pydantic knows either
            return None
        for name, sub in schema.pop("$defs", {}).items():
            self.defs.setdefault(name, sub)
        self._adapters[tp if _hashable(tp) else id(tp)] = adapter
        return schema

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
            extra = getattr(m, "json_schema_extra", None)  # pydantic's Field(json_schema_extra={...})
            if isinstance(extra, dict):
                out.update(extra)
            constraints = [m, *getattr(m, "metadata", ())]  # pydantic keeps annotated_types here
            keys = [*_NUMBER_KEYS.items(), *_length_keys(out.get("type")), ("pattern", "pattern")]
            for c in constraints:
                for attr, key in keys:
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
        docs = param_docs(inspect.getdoc(tp) or "")
        for name, annotation, default in fields:
            prop = self.schema(annotation)
            if default is not _MISSING:
                try:
                    prop = {**prop, "default": jsonable(default)}
                except TypeError:
                    pass
            if name in docs and "description" not in prop and "$ref" not in prop:
                prop = {**prop, "description": docs[name]}
            props[name] = pydantic_style(prop, name) if self.titles else prop
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
            return base64.b64decode
        if tp in (datetime.datetime, datetime.date, datetime.time):
            return tp.fromisoformat  # type: ignore[no-any-return]
        if origin is typing.Union or (UnionType is not None and isinstance(tp, UnionType)):
            return self._union_converter(args)
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return tp
        if is_pydantic_model(tp):
            return tp.model_validate  # type: ignore[no-any-return]
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            return self._dataclass_converter(tp)
        if origin in (list, set, frozenset, tuple) or is_abc(origin, "Sequence", "Set", "MutableSequence", "Iterable"):
            return self._sequence_converter(origin, args)
        if origin is dict and len(args) == 2:
            inner = self.converter(args[1])
            if inner is not None:
                return lambda v: {k: inner(x) for k, x in v.items()}
        adapter = self._adapters.get(tp if _hashable(tp) else id(tp))
        if adapter is not None:
            return adapter.validate_python  # type: ignore[no-any-return]
        return None

    def _union_converter(self, args: Tuple[Any, ...]) -> Optional[Converter]:
        options = [a for a in args if a is not NoneType]
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


def is_abc(origin: Any, *names: str) -> bool:
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

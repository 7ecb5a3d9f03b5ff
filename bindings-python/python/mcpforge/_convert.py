"""What handlers return, turned into wire values: ``jsonable`` (dataclasses, pydantic models,
enums, dates, tuples and sets to plain JSON types; ordinary classes by the type hints of
their attributes, ``plain_class_hints``), ``wire`` (definition fields) and ``sdk_object``
(objects of the official ``mcp`` package, such as ``mcp.types.TextContent`` or
``CallToolResult``, in their wire form; the package is never imported: its objects are
recognised by their module). Content blocks are ``mcpforge.content``'s (``content_block``)."""

from __future__ import annotations

import base64
import dataclasses
import enum
import sys
import typing
from typing import Any, Dict, Optional

from ._block import Content

__all__ = ["input_required_type", "jsonable", "official_types", "plain_class_hints", "sdk_object", "wire", "BYTES_TYPES"]

# The raw bytes a handler may return (for a tool, the engine picks their content block).
BYTES_TYPES = (bytes, bytearray, memoryview)

_PLAIN = (str, int, float, bool, type(None))

# The top-level modules whose pydantic models are the official SDK's protocol types.
_SDK_MODULES = ("mcp", "mcp_types")


def official_types() -> Any:
    """The official package's types module (``mcp_types`` in 2.x, ``mcp.types`` in 1.x), or
    None when it is not installed."""
    try:
        import mcp_types  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        return mcp_types
    except ImportError:
        pass
    try:
        import mcp.types  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        return mcp.types
    except ImportError:
        return None


def input_required_type(tp: Any) -> bool:
    """Whether ``tp`` is the official ``InputRequiredResult`` or a class made from it
    (recognised by its name: mcpforge does not depend on the official package)."""
    return isinstance(tp, type) and any(c.__name__ == "InputRequiredResult" for c in tp.__mro__)


def sdk_object(value: Any) -> Any:
    """The wire form (a dict) of an object of the official ``mcp`` package, or None for
    anything else. Fields left unset are omitted, and ``resultType`` is left to the engine,
    which writes what each protocol version expects."""
    module = type(value).__module__.partition(".")[0]
    if module not in _SDK_MODULES:
        return None
    # The official ``Image`` and ``Audio`` helpers are plain classes that make their block.
    for make in ("to_image_content", "to_audio_content"):
        block = getattr(value, make, None)
        if callable(block):
            value = block()
            break
    dump = getattr(value, "model_dump", None)
    if not callable(dump):
        return None
    data = dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(data, dict):
        data.pop("resultType", None)
    return data


def wire(value: Any) -> Any:
    """A definition field (icons, annotations, ...) as plain JSON: helpers by ``to_mcp()``,
    official ``mcp`` objects by their wire form, anything else by ``jsonable``."""
    if isinstance(value, (list, tuple)):
        return [wire(v) for v in value]
    to_mcp = getattr(value, "to_mcp", None)
    if callable(to_mcp):
        return to_mcp()
    official = sdk_object(value)
    return official if official is not None else jsonable(value)


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types (dict, list, str, int, float, bool, None)."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dict):
        return {str(k.value if isinstance(k, enum.Enum) else k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    official = sdk_object(value)
    if official is not None:
        return official
    dump = getattr(value, "model_dump", None)
    if callable(dump):  # a pydantic model
        return dump(mode="json", by_alias=True)
    if isinstance(value, BYTES_TYPES):
        return base64.b64encode(bytes(value)).decode("ascii")
    iso = getattr(value, "isoformat", None)
    if callable(iso):  # datetime, date, time
        return iso()
    if isinstance(value, Content):
        return value.to_mcp()
    hints = plain_class_hints(type(value))
    if hints is not None:  # an ordinary class with type hints: its annotated attributes
        return {name: jsonable(getattr(value, name)) for name in hints if hasattr(value, name)}
    raise TypeError(f"{type(value).__name__} is not JSON-serializable")


def is_pydantic_model(tp: Any) -> bool:
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(tp, type) and issubclass(tp, pydantic.BaseModel)


def is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__required_keys__")


def plain_class_hints(tp: Any) -> Optional[Dict[str, Any]]:
    """The type hints of an ordinary class's public attributes (``class User: name: str``),
    which describe its instances as objects (as the official SDK does); None for a class
    without any, and for builtins, enums, TypedDicts, dataclasses and pydantic models."""
    if not isinstance(tp, type) or tp.__module__ == "builtins" or issubclass(tp, enum.Enum):
        return None
    if is_typeddict(tp) or dataclasses.is_dataclass(tp) or is_pydantic_model(tp):
        return None
    try:
        hints = typing.get_type_hints(tp, include_extras=True)
    except Exception:
        return None
    public = {k: v for k, v in hints.items() if not k.startswith("_") and typing.get_origin(v) is not typing.ClassVar}
    return public or None

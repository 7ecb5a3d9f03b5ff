"""What handlers return, turned into wire values: ``jsonable`` (dataclasses, pydantic models,
enums, dates, tuples and sets to plain JSON types), ``content_block`` (strings, bytes
and content helpers to content blocks, bytes by the engine's rule) and ``sdk_object`` (objects of the official ``mcp``
package, such as ``mcp.types.TextContent`` or ``CallToolResult``, in their wire form; the
package is never imported: its objects are recognised by their module)."""

from __future__ import annotations

import base64
import dataclasses
import enum
from typing import Any, Dict

from ._native import bytes_content
from .content import Content

__all__ = ["jsonable", "content_block", "is_content", "sdk_object", "wire", "BYTES_TYPES"]

# The raw bytes a handler may return; the engine picks their content block.
BYTES_TYPES = (bytes, bytearray, memoryview)

_PLAIN = (str, int, float, bool, type(None))

# The top-level modules whose pydantic models are the official SDK's protocol types.
_SDK_MODULES = ("mcp", "mcp_types")
# The ``type`` of each content block of the protocol.
CONTENT_TYPES = frozenset({"text", "image", "audio", "resource", "resource_link"})


def sdk_object(value: Any) -> Any:
    """The wire form (a dict) of an object of the official ``mcp`` package, or None for
    anything else. Fields left unset are omitted, and ``resultType`` is left to the engine,
    which writes what each protocol version expects."""
    module = type(value).__module__.partition(".")[0]
    if module not in _SDK_MODULES:
        return None
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
    from .schema import plain_class_hints

    hints = plain_class_hints(type(value))
    if hints is not None:  # an ordinary class with type hints: its annotated attributes
        return {name: jsonable(getattr(value, name)) for name in hints if hasattr(value, name)}
    raise TypeError(f"{type(value).__name__} is not JSON-serializable")


def is_content(value: Any) -> bool:
    """True for a content helper, an official ``mcp`` content block, or bytes (sent as the
    block the engine picks for them)."""
    if isinstance(value, (Content, *BYTES_TYPES)):
        return True
    official = sdk_object(value)
    return isinstance(official, dict) and official.get("type") in CONTENT_TYPES


def content_block(value: Any) -> Dict[str, Any]:
    """One content block: a str is text, bytes the engine's block for them (an image, audio,
    else an embedded blob; docs/results.md), a helper its own block, an official ``mcp``
    block its wire form, a dict is taken as a block already."""
    if isinstance(value, Content):
        return value.to_mcp()
    official = sdk_object(value)
    if isinstance(official, dict):
        return official
    if isinstance(value, str):
        return {"type": "text", "text": value}
    if isinstance(value, BYTES_TYPES):
        return bytes_content(bytes(value))
    if isinstance(value, dict):
        return value
    raise TypeError(f"{type(value).__name__} is not a content block")

"""What handlers return, turned into wire values: ``jsonable`` (dataclasses, pydantic models,
enums, dates, tuples and sets to plain JSON types) and ``content_block`` (strings, bytes
and content helpers to content blocks)."""

from __future__ import annotations

import base64
import dataclasses
import enum
from typing import Any, Dict

from .content import Content, Image, ResourceContents, sniff_mime_type

__all__ = ["jsonable", "content_block", "is_content", "BYTES_URI"]

# The URI of an embedded resource made from bytes that are not an image or audio clip.
BYTES_URI = "data:application/octet-stream"

_PLAIN = (str, int, float, bool, type(None))


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
    dump = getattr(value, "model_dump", None)
    if callable(dump):  # a pydantic model
        return dump(mode="json", by_alias=True)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    iso = getattr(value, "isoformat", None)
    if callable(iso):  # datetime, date, time
        return iso()
    if isinstance(value, Content):
        return value.to_mcp()
    raise TypeError(f"{type(value).__name__} is not JSON-serializable")


def is_content(value: Any) -> bool:
    """True for a content helper, or bytes (sent as an image or an embedded blob)."""
    return isinstance(value, (Content, bytes, bytearray))


def content_block(value: Any) -> Dict[str, Any]:
    """One content block: a str is text, bytes an image (or an embedded blob), a helper its
    own block, a dict is taken as a block already."""
    if isinstance(value, Content):
        return value.to_mcp()
    if isinstance(value, str):
        return {"type": "text", "text": value}
    if isinstance(value, (bytes, bytearray)):
        data = bytes(value)
        mime = sniff_mime_type(data)
        if mime is not None and mime.startswith("image/"):
            return Image(data, mime_type=mime).to_mcp()
        contents = ResourceContents(BYTES_URI, blob=data, mime_type=mime or "application/octet-stream")
        return {"type": "resource", "resource": contents.to_mcp()}
    if isinstance(value, dict):
        return value
    raise TypeError(f"{type(value).__name__} is not a content block")

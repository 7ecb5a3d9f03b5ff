"""Results: a registered function's return value to the engine's result vocabulary (the
engine decides the wire shape; docs/results.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .._convert import BYTES_TYPES, jsonable, sdk_object
from .._native import json_value
from ..content import CONTENT_TYPES, CallToolResult, Completion, Content, Message, ResourceContents, content_block, is_content
from .failures import _data
from .outcomes import BYTES, CONTENT, RESULT, TOOL_ERROR, VALUE, Finish, Outcome


def _json(value: Any) -> Any:
    """A return value read as JSON by the engine, once (what it does not know, ``jsonable``
    makes plain); a value that cannot be read raises here, as the handler's own error."""
    return json_value(value, jsonable)


def _json_text(data: Any) -> str:
    if isinstance(data, str):
        return data
    return json.dumps(data, ensure_ascii=False)


def _list_block(item: Any) -> Any:
    """One item of a returned list that holds content: content (a helper, an official block,
    a dict that is a block) as its block, a str as text, any other value as its JSON text,
    indented, as the official SDK writes it."""
    if is_content(item) or isinstance(item, str) or (isinstance(item, dict) and item.get("type") in CONTENT_TYPES):
        return content_block(item)
    return {"type": "text", "text": json.dumps(item, indent=2, ensure_ascii=False, default=jsonable)}


def tool_finish(mirror_blocks: bool = False) -> Finish:
    """A tool's return value to the engine's result vocabulary (the engine decides the wire
    shape: text, JSON text, ``structuredContent`` under an output schema, the content block
    of raw bytes; docs/results.md).

    A return annotation that is not an object type declares the wrapped schema
    ``{"result": ...}``, and the tool is registered so (``wrappedOutput``): the engine then
    wraps every value, objects too. ``mirror_blocks`` (a 1.x ``FastMCP`` tool whose wrapped
    output schema describes content blocks, ``list[ContentBlock]``): a returned list of
    content blocks is sent as its blocks and, as ``structuredContent``, ``{"result": [...]}``
    of the same blocks, as 1.x sends it."""

    def finish(value: Any) -> Outcome:
        if mirror_blocks and isinstance(value, (list, tuple)) and any(is_content(v) for v in value):
            blocks = [_list_block(v) for v in value]
            return (RESULT, {"content": blocks, "structuredContent": {"result": jsonable(list(value))}})
        if isinstance(value, str):
            return (VALUE, value)
        if isinstance(value, BYTES_TYPES):
            return (BYTES, bytes(value))
        if isinstance(value, CallToolResult):
            return (RESULT, value.to_mcp())
        if type(value).__name__ == "CallToolResult" and sdk_object(value) is not None:
            return (RESULT, sdk_object(value))
        if is_content(value):
            return (CONTENT, [content_block(value)])
        if isinstance(value, (list, tuple)) and any(is_content(v) for v in value):
            return (CONTENT, [_list_block(v) for v in value])
        return (VALUE, _json(value))

    return finish


def _resource_value(value: Any) -> Any:
    """One item a reader returned, as the engine reads it: text and bytes as they are, the
    contents helpers and official objects as their wire dicts, anything else as JSON."""
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, BYTES_TYPES):
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
    if isinstance(m, (Content, dict, *BYTES_TYPES)):
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


"""Helpers for what handlers return: content blocks (``Text``, ``Image``, ``Audio``,
``ResourceLink``, ``EmbeddedResource``), whole results (``CallToolResult``), prompt
messages (``Message``) and completion suggestions (``Completion``). Each has ``to_mcp()``,
the wire form as a dict."""

from __future__ import annotations

import base64
import json
import mimetypes
import os
from typing import Any, Dict, List, Optional, Sequence, Union

from ._block import Content
from ._convert import BYTES_TYPES, jsonable, official_types, sdk_object
from ._native import bytes_content, media_type

__all__ = [
    "Content",
    "Text",
    "Image",
    "Audio",
    "File",
    "Icon",
    "ResourceLink",
    "EmbeddedResource",
    "ResourceContents",
    "CallToolResult",
    "Message",
    "UserMessage",
    "AssistantMessage",
    "Completion",
    "Block",
    "content_block",
    "is_content",
]

# The ``type`` of each content block of the protocol.
CONTENT_TYPES = frozenset({"text", "image", "audio", "resource", "resource_link"})

# The media types of common file suffixes, ahead of the platform's table (``mimetypes``
# reads the system's, which names a .wav `audio/x-wav` on some machines).
_MEDIA_SUFFIXES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".flac": "audio/flac", ".aac": "audio/aac",
    ".m4a": "audio/mp4",
}


def sniff_mime_type(data: bytes) -> Optional[str]:
    """The MIME type of an image or audio clip, from its first bytes (the engine's sniffing,
    the same that picks the block of a tool's raw bytes); None for anything else."""
    return media_type(bytes(data))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _optional(**fields: Any) -> Dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class Text(Content):
    """A text block."""

    def __init__(self, text: str, *, annotations: Optional[Dict[str, Any]] = None) -> None:
        self.text = text
        self.annotations = annotations

    def to_mcp(self) -> Dict[str, Any]:
        return {"type": "text", "text": self.text, **_optional(annotations=self.annotations)}


class _Binary(Content):
    kind = ""
    # The MIME type when neither ``mime_type``, ``format``, the file name nor the bytes tell.
    fallback_mime = ""
    # The MIME type of a file whose suffix names none; None: read it from the bytes.
    unknown_suffix_mime: Optional[str] = None

    def __init__(
        self,
        path: Union[str, "os.PathLike[str]", bytes, None] = None,
        data: Optional[bytes] = None,
        format: Optional[str] = None,
        *,
        mime_type: Optional[str] = None,
        annotations: Optional[Dict[str, Any]] = None,
    ) -> None:
        if isinstance(path, (bytes, bytearray)) and data is None:  # ``Image(data, mime_type=...)``
            data = bytes(path)
            path = None
        if (data is None) == (path is None):
            raise ValueError(f"{type(self).__name__} needs exactly one of data and path")
        if data is None:
            with open(os.fspath(path), "rb") as f:  # type: ignore[arg-type]
                data = f.read()
        if mime_type is None and format is not None:
            mime_type = f"{self.kind}/{format.lower()}"
        if mime_type is None and path is not None:
            name = str(os.fspath(path))
            suffix = os.path.splitext(name)[1].lower()
            mime_type = _MEDIA_SUFFIXES.get(suffix) or mimetypes.guess_type(name)[0] or self.unknown_suffix_mime
        self.data = data
        self.mime_type = mime_type or sniff_mime_type(data) or self.fallback_mime
        self.annotations = annotations

    def to_mcp(self) -> Dict[str, Any]:
        block = {"type": self.kind, "data": _b64(self.data), "mimeType": self.mime_type}
        return {**block, **_optional(annotations=self.annotations)}


class Image(_Binary):
    """An image block: ``Image(path)``, ``Image(data=...)`` or ``Image(data)``; the MIME
    type comes from ``mime_type``, ``format`` (``"jpeg"``: ``image/jpeg``), the file name or
    the bytes, else ``image/png``."""

    kind = "image"
    fallback_mime = "image/png"


class Audio(_Binary):
    """An audio block, built like ``Image`` (MIME type from ``mime_type``, ``format``, the file
    name or the bytes, else ``audio/wav``)."""

    kind = "audio"
    fallback_mime = "audio/wav"


class File(Content):
    """A file as an embedded resource: ``File(path)`` or ``File(data=..., format="pdf")``.
    Its URI is ``file:///`` and ``name`` (else the file name, else ``resource``); a text MIME
    type is sent as text, anything else as a base64 blob."""

    def __init__(
        self,
        path: Union[str, "os.PathLike[str]", None] = None,
        data: Optional[bytes] = None,
        format: Optional[str] = None,
        name: Optional[str] = None,
        description: Optional[str] = None,
        *,
        mime_type: Optional[str] = None,
        annotations: Optional[Dict[str, Any]] = None,
    ) -> None:
        if (data is None) == (path is None):
            raise ValueError("File needs exactly one of data and path")
        if data is None:
            with open(os.fspath(path), "rb") as f:  # type: ignore[arg-type]
                data = f.read()
        if mime_type is None and format is not None:
            mime_type = mimetypes.guess_type(f"x.{format}")[0] or f"application/{format.lower()}"
        if mime_type is None and path is not None:
            mime_type = mimetypes.guess_type(os.fspath(path))[0]
        self.data = data
        self.mime_type = mime_type or sniff_mime_type(data) or "application/octet-stream"
        self.name = name or (os.path.basename(os.fspath(path)) if path is not None else "resource")
        self.description = description
        self.annotations = annotations

    def to_mcp(self) -> Dict[str, Any]:
        uri = f"file:///{self.name}"
        if self.mime_type.startswith("text/"):
            contents = ResourceContents(uri, text=self.data.decode("utf-8"), mime_type=self.mime_type)
        else:
            contents = ResourceContents(uri, blob=self.data, mime_type=self.mime_type)
        return {"type": "resource", "resource": contents.to_mcp(), **_optional(annotations=self.annotations)}


class ResourceLink(Content):
    """A link to a resource (2025-06-18+; older clients get a text block)."""

    def __init__(
        self,
        uri: str,
        name: str,
        *,
        title: Optional[str] = None,
        description: Optional[str] = None,
        mime_type: Optional[str] = None,
        size: Optional[int] = None,
    ) -> None:
        self.uri, self.name, self.title = uri, name, title
        self.description, self.mime_type, self.size = description, mime_type, size

    def to_mcp(self) -> Dict[str, Any]:
        extra = _optional(title=self.title, description=self.description, mimeType=self.mime_type, size=self.size)
        return {"type": "resource_link", "uri": self.uri, "name": self.name, **extra}


class ResourceContents:
    """The contents of a resource: text, or bytes (sent base64)."""

    def __init__(
        self,
        uri: Optional[str] = None,
        *,
        text: Optional[str] = None,
        blob: Optional[bytes] = None,
        mime_type: Optional[str] = None,
        meta: Optional[Dict[str, Any]] = None,
    ) -> None:
        if (text is None) == (blob is None):
            raise ValueError("ResourceContents needs exactly one of text and blob")
        self.uri, self.text, self.blob, self.mime_type, self.meta = uri, text, blob, mime_type, meta

    def to_mcp(self, default_uri: str = "") -> Dict[str, Any]:
        """The contents as their wire dict (``default_uri`` when no URI was given)."""
        body: Dict[str, Any] = {"uri": self.uri or default_uri}
        if self.mime_type is not None:
            body["mimeType"] = self.mime_type
        if self.text is not None:
            body["text"] = self.text
        else:
            body["blob"] = _b64(self.blob or b"")
        if self.meta is not None:
            body["_meta"] = self.meta
        return body


class EmbeddedResource(Content):
    """A resource embedded in a result or prompt message."""

    def __init__(
        self,
        uri: str,
        *,
        text: Optional[str] = None,
        blob: Optional[bytes] = None,
        mime_type: Optional[str] = None,
        annotations: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.resource = ResourceContents(uri, text=text, blob=blob, mime_type=mime_type)
        self.annotations = annotations

    def to_mcp(self) -> Dict[str, Any]:
        return {"type": "resource", "resource": self.resource.to_mcp(), **_optional(annotations=self.annotations)}


class CallToolResult:
    """A complete tool result, sent as is (after output-schema validation)."""

    def __init__(
        self,
        content: Sequence[Union[Content, Dict[str, Any], str]] = (),
        *,
        structured_content: Any = None,
        is_error: bool = False,
        meta: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.content = list(content)
        self.structured_content = structured_content
        self.is_error = is_error
        self.meta = meta

    def to_mcp(self) -> Dict[str, Any]:
        body: Dict[str, Any] = {"content": [content_block(c) for c in self.content]}
        if self.structured_content is not None:
            body["structuredContent"] = jsonable(self.structured_content)
        if self.is_error:
            body["isError"] = True
        if self.meta is not None:
            body["_meta"] = self.meta
        return body


def _as_json(value: Any) -> Any:
    """``value`` as it goes on the wire: objects in a dict given as a block (a pydantic
    ``AnyUrl``) as their text."""
    return json.loads(json.dumps(value, default=str))


def _media_block(content: Any) -> Any:
    """An ``Image`` or ``Audio`` helper as its content block: the official package's
    ``ImageContent``/``AudioContent`` when it is installed (as its messages hold them), else a
    ``Block``; anything else as it is."""
    if not isinstance(content, _Binary):
        return content
    block = content.to_mcp()
    types = official_types()
    model = getattr(types, "ImageContent" if content.kind == "image" else "AudioContent", None)
    return model.model_validate(block) if model is not None else Block(block)


class Message:
    """A prompt message: a role and one content block (a str is a text block; an ``Image``
    or ``Audio`` helper becomes its block when the message is made)."""

    def __init__(self, content: Union[Content, Dict[str, Any], str], role: str = "user") -> None:
        if role not in ("user", "assistant"):
            raise ValueError(f"role must be 'user' or 'assistant', not {role!r}")
        self.role = role
        self.content = _media_block(content)

    def to_mcp(self) -> Dict[str, Any]:
        return {"role": self.role, "content": content_block(self.content)}

    def __eq__(self, other: object) -> bool:
        """Messages are equal when their roles and content blocks are: ``UserMessage("hi")``
        equals ``UserMessage(TextContent(type="text", text="hi"))``."""
        if not isinstance(other, Message):
            return NotImplemented
        same: bool = _as_json(self.to_mcp()) == _as_json(other.to_mcp())
        return same

    __hash__ = None  # type: ignore[assignment]  # equal by value, and mutable

    def __repr__(self) -> str:
        return f"{type(self).__name__}(role={self.role!r}, content={self.content!r})"


class UserMessage(Message):
    """A prompt message from the user."""

    def __init__(self, content: Union[Content, Dict[str, Any], str], role: str = "user") -> None:
        super().__init__(content, role)


class AssistantMessage(Message):
    """A prompt message from the assistant."""

    def __init__(self, content: Union[Content, Dict[str, Any], str], role: str = "assistant") -> None:
        super().__init__(content, role)


class Icon:
    """An icon of a server, tool, resource or prompt: ``src`` (a URL or a ``data:`` URI),
    ``mime_type``, ``sizes`` (``["48x48"]``) and ``theme`` (``"light"``/``"dark"``). Plain
    dicts in the wire form work as well."""

    def __init__(self, src: str, mime_type: Optional[str] = None, sizes: Optional[Sequence[str]] = None, theme: Optional[str] = None) -> None:
        self.src, self.mime_type, self.theme = src, mime_type, theme
        self.sizes = list(sizes) if sizes is not None else None

    def to_mcp(self) -> Dict[str, Any]:
        """The icon as its wire dict."""
        return {"src": self.src, **_optional(mimeType=self.mime_type, sizes=self.sizes, theme=self.theme)}


class Completion:
    """Completion suggestions (at most 100 are sent; ``has_more`` is then set)."""

    def __init__(self, values: Sequence[str], *, total: Optional[int] = None, has_more: Optional[bool] = None) -> None:
        self.values: List[str] = list(values)
        self.total = total
        self.has_more = has_more

    def to_mcp(self) -> Dict[str, Any]:
        return {"values": self.values, **_optional(total=self.total, hasMore=self.has_more)}


class Block(Dict[str, Any]):
    """A content block the client sent (a sampling answer): a dict whose keys are also
    attributes, in either spelling (``block.text``, ``block.mime_type`` for ``mimeType``)."""

    def __getattr__(self, name: str) -> Any:
        head, *rest = name.split("_")
        key = head + "".join(part.title() for part in rest)
        for candidate in (name, key):
            if candidate in self:
                value = self[candidate]
                return Block(value) if isinstance(value, dict) and not isinstance(value, Block) else value
        raise AttributeError(name)


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

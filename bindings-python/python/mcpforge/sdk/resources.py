"""``mcpforge.sdk.resources`` (published as ``mcpforge.resources``): resource objects under the official SDK's module path
(``mcp.server.mcpserver.resources``), for servers that build a resource first and register
it with ``server.add_resource(resource)``.

``Resource`` holds what a listing shows (``uri``, ``name`` (the URI when not given),
``title``, ``description``, ``mime_type`` (``text/plain`` by default), ``icons``,
``annotations``, ``meta``) and reads its contents with ``await resource.read()``:
``TextResource(text=...)``, ``BinaryResource(data=...)``, ``FunctionResource(fn=...)`` (or
``FunctionResource.from_function(fn, uri, ...)``; the function's return value is converted
as a reader's is) and ``FileResource(path=...)`` (text or bytes by its MIME type). The official classes are
pydantic models; these are plain classes with the same keywords."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Union

__all__ = ["BinaryResource", "FileResource", "FunctionResource", "Resource", "TextResource"]


class Resource:
    """A concrete resource: its listing fields and ``read()`` (see the module documentation)."""

    def __init__(
        self,
        *,
        uri: str,
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        mime_type: str = "text/plain",
        icons: Optional[List[Any]] = None,
        annotations: Any = None,
        meta: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.uri = str(uri)
        self.name = name if name is not None else self.uri
        self.title, self.description, self.mime_type = title, description, mime_type
        self.icons, self.annotations, self.meta = icons, annotations, meta

    async def read(self) -> Any:
        """The contents: text, bytes, or a value converted as a reader's return value is."""
        raise NotImplementedError(f"{type(self).__name__}.read")


class TextResource(Resource):
    """A resource whose contents are ``text``."""

    def __init__(self, *, text: str, **fields: Any) -> None:
        super().__init__(**fields)
        self.text = text

    async def read(self) -> str:
        return self.text


class BinaryResource(Resource):
    """A resource whose contents are ``data`` (bytes)."""

    def __init__(self, *, data: bytes, **fields: Any) -> None:
        fields.setdefault("mime_type", "application/octet-stream")
        super().__init__(**fields)
        self.data = data

    async def read(self) -> bytes:
        return self.data


class FunctionResource(Resource):
    """A resource read by calling ``fn()`` (a function or a coroutine function)."""

    def __init__(self, *, fn: Callable[[], Any], **fields: Any) -> None:
        super().__init__(**fields)
        self.fn = fn

    @classmethod
    def from_function(cls, fn: Callable[[], Any], uri: str, name: Optional[str] = None, **fields: Any) -> "FunctionResource":
        """A ``FunctionResource`` named after ``fn`` and described by its docstring unless
        ``name`` and ``description`` are given."""
        fields.setdefault("description", inspect.getdoc(fn))
        if fields.get("mime_type") is None:
            fields.pop("mime_type", None)
        return cls(fn=fn, uri=uri, name=name or getattr(fn, "__name__", None), **fields)

    async def read(self) -> Any:
        value = self.fn()
        return await value if inspect.isawaitable(value) else value


class FileResource(Resource):
    """A resource read from the file at ``path``: decoded with ``encoding`` and sent as text,
    or sent as bytes when ``encoding`` is None or ``is_binary`` (1.x's keyword) is true.
    ``encoding`` defaults, as in the official 2.x, to the ``charset`` of ``mime_type``, else
    UTF-8 (a BOM dropped) for textual types (``text/*``, JSON, XML), else None."""

    def __init__(self, *, path: Union[str, Path], encoding: Optional[str] = "", is_binary: Optional[bool] = None, **fields: Any) -> None:
        super().__init__(**fields)
        self.path = Path(path)
        if encoding == "":
            encoding = _default_encoding(self.mime_type)
        self.encoding = None if is_binary else encoding

    async def read(self) -> Union[str, bytes]:
        import asyncio  # loaded on use

        path, encoding = self.path, self.encoding
        if encoding is None:
            return await asyncio.to_thread(path.read_bytes)
        return await asyncio.to_thread(path.read_text, encoding=encoding)


def _default_encoding(mime_type: str) -> Optional[str]:
    kind, _, parameters = mime_type.partition(";")
    for parameter in parameters.split(";"):
        key, _, value = parameter.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    kind = kind.strip().lower()
    textual = kind.startswith("text/") or kind.endswith(("/json", "+json", "/xml", "+xml"))
    return "utf-8-sig" if textual else None

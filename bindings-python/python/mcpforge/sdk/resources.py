"""``mcpforge.sdk.resources`` (published as ``mcpforge.resources``): resource objects under the official SDK's module path
(``mcp.server.mcpserver.resources``), for servers that build a resource first and register
it with ``server.add_resource(resource)``.

``Resource`` holds what a listing shows (``uri``, ``name`` (the URI when not given),
``title``, ``description``, ``mime_type`` (``text/plain`` by default), ``icons``,
``annotations``, ``meta``) and reads its contents with ``await resource.read()``:
``TextResource(text=...)``, ``BinaryResource(data=...)``, ``FunctionResource(fn=...)`` (or
``FunctionResource.from_function(fn, uri, ...)``; the function's return value is read as
the official one reads it, below) and ``FileResource(path=...)`` (text or bytes by its MIME type). The official classes are
pydantic models; these are plain classes with the same keywords, and what the official
models refuse when made (a resource with neither ``uri`` nor ``name``, a relative
``FileResource`` path, an unknown or non-text ``encoding``) raises here too, pydantic's
``ValidationError`` where the official does (a plain ``ValueError`` without pydantic).
``Resource`` is abstract: a subclass defines ``read()``. A ``FunctionResource`` calls a
plain function in a worker thread, and its value, when not text or bytes, is its JSON text
(indented), as the official one reads it.

Where 1.x and 2.x differ, these objects behave as the installed official release's
(``installed_release``): with 1.x, ``uri`` is pydantic's ``AnyUrl`` and a failed read raises
``ValueError`` (``Error reading resource URI: ...``, ``Error reading file PATH: ...``) with
the original exception as its cause; with 2.x (or without the official package) ``uri`` is
a ``str`` and the function's exception, or the file's ``OSError``, passes through."""

from __future__ import annotations

import abc
import codecs
import inspect
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Union

from .offloop import call, input_required_result, json_text
from .release import installed_release

__all__ = ["BinaryResource", "FileResource", "FunctionResource", "Resource", "TextResource"]


def invalid(model: str, field: str, value: Any, message: str) -> ValueError:
    """The error of a field the official pydantic model refuses: pydantic's
    ``ValidationError`` (a ``ValueError``) when pydantic is installed, else a ``ValueError``."""
    try:
        from pydantic_core import ValidationError  # optional dependency: the official models' error
    except ImportError:
        return ValueError(f"{field}: {message}")
    line = {"type": "value_error", "loc": (field,), "input": value, "ctx": {"error": ValueError(message)}}
    return ValidationError.from_exception_data(model, [line])  # type: ignore[list-item]


class Resource(abc.ABC):
    """A concrete resource: its listing fields and ``read()`` (see the module documentation)."""

    def __init__(
        self,
        *,
        uri: Optional[str] = None,
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        mime_type: str = "text/plain",
        icons: Optional[List[Any]] = None,
        annotations: Any = None,
        meta: Optional[Dict[str, Any]] = None,
    ) -> None:
        if uri is None and name is None:
            raise ValueError("Either name or uri must be provided")
        self.uri = _uri(uri) if uri is not None else None
        self.name = name if name is not None else (str(self.uri) if self.uri is not None else None)
        self.title, self.description, self.mime_type = title, description, mime_type
        self.icons, self.annotations, self.meta = icons, annotations, meta

    @classmethod
    def model_validate(cls, data: Dict[str, Any]) -> Any:
        """A resource made from its fields as a dict, as the official pydantic models make one
        (what they refuse raises here as ``cls(**data)`` raises)."""
        return cls(**data)

    @abc.abstractmethod
    async def read(self) -> Any:
        """The contents: text or bytes."""


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

    async def read(self) -> Union[str, bytes]:
        if installed_release() != "1.x":
            return await self._read()
        try:
            return await self._read()
        except Exception as e:
            raise ValueError(f"Error reading resource {self.uri}: {e}") from e

    async def _read(self) -> Union[str, bytes]:
        value = await call(self.fn)
        if isinstance(value, (str, bytes)):
            return value
        if input_required_result(value):
            raise ValueError(
                "static resources cannot return InputRequiredResult; "
                "only resource template functions participate in the multi-round-trip flow"
            )
        return json_text(value)


class FileResource(Resource):
    """A resource read from the file at ``path``: decoded with ``encoding`` and sent as text,
    or sent as bytes when ``encoding`` is None or ``is_binary`` (1.x's keyword, refused as
    2.x refuses it when the official 2.x is installed) is true.
    ``encoding`` defaults, as in the official 2.x, to the ``charset`` of ``mime_type``, else
    UTF-8 (a BOM dropped) for textual types (``text/*``, JSON, XML), else None."""

    def __init__(self, *, path: Union[str, Path], encoding: Optional[str] = "", is_binary: Optional[bool] = None, **fields: Any) -> None:
        if is_binary is not None and installed_release() == "2.x":
            raise invalid("FileResource", "is_binary", is_binary, "is_binary was removed; pass encoding=None to read the file as bytes")
        super().__init__(**fields)
        self.path = Path(path)
        if not self.path.is_absolute():
            raise ValueError(f"Path must be absolute: {self.path}")
        if encoding == "":
            encoding = _default_encoding(self.mime_type)
        self.encoding = None if is_binary else _text_encoding(encoding)
        self.is_binary = bool(is_binary)

    async def read(self) -> Union[str, bytes]:
        import asyncio  # loaded on use

        path, encoding = self.path, self.encoding
        try:
            if encoding is None:
                return await asyncio.to_thread(path.read_bytes)
            return await asyncio.to_thread(path.read_text, encoding=encoding)
        except Exception as e:
            if installed_release() != "1.x":
                raise
            raise ValueError(f"Error reading file {path}: {e}") from e


def _uri(uri: Any) -> Any:
    """A resource's ``uri``: pydantic's ``AnyUrl`` with 1.x installed (an ``AnyUrl`` given
    is kept), else its text."""
    if installed_release() != "1.x":
        return str(uri)
    from pydantic import AnyUrl  # optional dependency: the official 1.x package brings pydantic

    return uri if isinstance(uri, AnyUrl) else AnyUrl(str(uri))


def _default_encoding(mime_type: str) -> Optional[str]:
    kind, _, parameters = mime_type.partition(";")
    for parameter in parameters.split(";"):
        key, _, value = parameter.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    kind = kind.strip().lower()
    textual = kind.startswith("text/") or kind.endswith(("/json", "+json", "/xml", "+xml"))
    return "utf-8-sig" if textual else None


def _text_encoding(encoding: Optional[str]) -> Optional[str]:
    """``encoding`` when Python knows it as a text encoding (checked when the resource is
    made, not at its first read)."""
    if encoding is None:
        return None
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise invalid("FileResource", "encoding", encoding, f"unknown encoding: {encoding}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise invalid("FileResource", "encoding", encoding, f"{encoding} is not a text encoding")
    return encoding

"""``Tool``: one function as a tool, outside any server of the program's own (the official
SDK's ``Tool``: ``Tool.from_function(fn, ...)``, ``await tool.run(arguments, context)``, its
``name``, ``description``, ``parameters``, ``output_schema``, ``fn_metadata``,
``is_async`` and ``context_kwarg``).

There is no second tool path here: a ``Tool`` is the function registered on an engine server
of its own (``MCPServer``, made when the tool is), so that its input and output schemas are
the ones the server writes and ``run`` is a ``tools/call`` through the engine, validated,
bound and converted as a client's call is (the server's direct ``call_tool``). ``run``
returns what the function returned (the engine's result is read only for its errors), or
with ``convert_result=True`` the ``CallToolResult`` a client would get. Handed to a server
(``MCPServer(tools=[tool])``), the function registers there under the same fields.

What differs from the official object: the function gets the context of its call through
the engine, not the ``context`` given to ``run`` (which is taken for the official
signature); calls of one ``Tool`` run one at a time (each reads back its own function's
return value)."""

from __future__ import annotations

import asyncio
import functools
import inspect
from typing import Any, Callable, Dict, List, Optional

from ..sdk.exceptions import ToolError
from .._input_required import is_input_required
from ..utilities._declared import hints
from ..utilities.func_metadata import FuncMetadata, func_metadata, server_class

__all__ = ["Tool"]


def _is_async(fn: Callable[..., Any]) -> bool:
    """Whether calling ``fn`` (a function or a callable object) gives a coroutine."""
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(getattr(fn, "__call__", None))


def _recording(fn: Callable[..., Any], returned: List[Any]) -> Callable[..., Any]:
    """``fn`` as the engine server registers it: the same name, docstring, signature and
    annotations, appending each value it returns to ``returned``."""
    if _is_async(fn):

        async def record_async(*args: Any, **kwargs: Any) -> Any:
            value = await fn(*args, **kwargs)
            returned.append(value)
            return value

        recorder: Callable[..., Any] = record_async
    else:

        def record(*args: Any, **kwargs: Any) -> Any:
            value = fn(*args, **kwargs)
            returned.append(value)
            return value

        recorder = record
    recorder.__name__ = getattr(fn, "__name__", type(fn).__name__)
    recorder.__qualname__ = getattr(fn, "__qualname__", recorder.__name__)
    recorder.__doc__ = getattr(fn, "__doc__", None)
    recorder.__module__ = getattr(fn, "__module__", __name__)
    recorder.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]
    recorder.__annotations__ = hints(fn)
    return recorder


def _text(result: Any) -> str:
    """The text blocks of a direct call's result: a ``CallToolResult`` (2.x), or 1.x's
    content blocks (alone or paired with the structured content)."""
    blocks = getattr(result, "content", None)
    if blocks is None:
        blocks = result[0] if isinstance(result, tuple) else result
    return "\n".join(getattr(block, "text", "") for block in blocks)


class Tool:
    """One function served as a tool by an engine server of its own (see the module)."""

    def __init__(
        self,
        *,
        fn: Callable[..., Any],
        name: str,
        description: str = "",
        parameters: Optional[Dict[str, Any]] = None,
        fn_metadata: Optional[FuncMetadata] = None,
        is_async: Optional[bool] = None,
        context_kwarg: Optional[str] = None,
        title: Optional[str] = None,
        annotations: Any = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        structured_output: Optional[bool] = None,
    ) -> None:
        self.fn = fn
        self.name = name
        self.title = title
        self.description = description
        self.annotations = annotations
        self.icons = icons
        self.meta = meta
        self.is_async = _is_async(fn) if is_async is None else is_async
        self._returned: List[Any] = []
        self._lock: Optional[asyncio.Lock] = None
        self._server = self._serve(structured_output)
        definition = self._server.tools[name]
        # Given parameters (a hand-built Tool) are served as given; else the server's.
        if parameters is not None and parameters != definition.get("inputSchema"):
            self._server._set_input_schema(name, parameters)
        self.parameters: Dict[str, Any] = parameters if parameters is not None else definition.get("inputSchema", {})
        self.context_kwarg = context_kwarg if context_kwarg is not None else self._server._tool_manager.get_tool(name).context_kwarg
        skip = [self.context_kwarg] if self.context_kwarg else []
        self.fn_metadata = fn_metadata if fn_metadata is not None else func_metadata(fn, skip_names=skip, structured_output=structured_output)

    def _serve(self, structured_output: Optional[bool]) -> Any:
        """The engine server this tool is registered on (the server's own rules apply: a
        lambda needs a name, a bad signature raises)."""
        server = server_class()(name=f"tool {self.name}")
        options = {"title": self.title, "annotations": self.annotations, "icons": self.icons, "meta": self.meta, "structured_output": structured_output}
        given = {k: v for k, v in options.items() if v is not None}
        server.add_tool(_recording(self.fn, self._returned), name=self.name, description=self.description or None, **given)
        return server

    @classmethod
    def from_function(
        cls,
        fn: Callable[..., Any],
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        context_kwarg: Optional[str] = None,
        annotations: Any = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        structured_output: Optional[bool] = None,
    ) -> "Tool":
        """A tool of ``fn``, named ``name`` or the function's name (a lambda needs one)."""
        tool_name = name or getattr(fn, "__name__", None)
        if tool_name is None:
            raise AttributeError(f"{fn!r} has no __name__: give the tool a name")
        if tool_name == "<lambda>":
            raise ValueError("You must provide a name for lambda functions")
        return cls(
            fn=fn,
            name=tool_name,
            title=title,
            description=description or getattr(fn, "__doc__", None) or "",
            context_kwarg=context_kwarg,
            annotations=annotations,
            icons=icons,
            meta=meta,
            structured_output=structured_output,
        )

    @functools.cached_property
    def output_schema(self) -> Optional[Dict[str, Any]]:
        """The output schema the server serves for this tool, or None."""
        schema: Optional[Dict[str, Any]] = self._server.tools[self.name].get("outputSchema")
        return schema

    async def run(self, arguments: Dict[str, Any], context: Any = None, convert_result: bool = False) -> Any:
        """Calls the tool through the engine with ``arguments``: the function's return
        value, or (``convert_result``) the ``CallToolResult`` a client gets. Invalid
        arguments and a ``ToolError`` the function raised raise ``ToolError`` ("Error
        executing tool NAME: ..."), a crash ``UnexpectedToolError`` (a ``ToolError``)."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            self._returned.clear()
            result = await self._server.call_tool(self.name, arguments)
            if not self._returned and not is_input_required(result):
                # Neither returned nor raised: refused before the function ran (the
                # arguments did not validate).
                raise ToolError(f"Error executing tool {self.name}: {_text(result)}")
            if convert_result or not self._returned:
                return result
            return self._returned[-1]

    def __repr__(self) -> str:
        return f"Tool(name={self.name!r})"


"""``server._tool_manager``: the official ``ToolManager`` that published servers and the
official tests reach into, as a view over the server's registrations. ``list_tools``,
``get_tool`` and ``_tools`` give ``ToolView`` objects with the official ``Tool``'s readable
fields; ``add_tool`` and ``remove_tool`` register and remove through the server, with its
rules (a second registration of a name keeps the first, an unknown name raises
``ToolError``). Nothing is kept here: every read asks the server."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from .._function_spec import function_spec
from .._invoke.wrappers import is_async


class ToolView:
    """One registered tool as the official ``Tool`` reads: ``name``, ``title``,
    ``description``, ``parameters`` (the input schema), ``output_schema``, ``annotations``,
    ``icons``, ``meta``, and for a function tool ``fn``, ``is_async`` and ``context_kwarg``
    (the parameter that receives the ``Context``)."""

    __slots__ = ("name", "title", "description", "parameters", "output_schema", "annotations", "icons", "meta", "fn", "is_async", "context_kwarg")

    def __init__(self, definition: Dict[str, Any], fn: Optional[Callable[..., Any]]) -> None:
        self.name: str = definition["name"]
        self.title: Optional[str] = definition.get("title")
        self.description: str = definition.get("description") or ""
        self.parameters: Dict[str, Any] = definition.get("inputSchema", {})
        self.output_schema: Optional[Dict[str, Any]] = definition.get("outputSchema")
        self.annotations: Optional[Dict[str, Any]] = definition.get("annotations")
        self.icons: Optional[List[Any]] = definition.get("icons")
        self.meta: Optional[Dict[str, Any]] = definition.get("_meta")
        self.fn = fn
        self.is_async = fn is not None and is_async(fn)
        self.context_kwarg: Optional[str] = function_spec(fn).context_param if fn is not None else None

    def __repr__(self) -> str:
        return f"ToolView(name={self.name!r})"


class ToolManager:
    """The official ``ToolManager`` of ``server`` (see the module)."""

    __slots__ = ("_server",)

    def __init__(self, server: Any) -> None:
        self._server = server

    @property
    def _tools(self) -> Dict[str, ToolView]:
        """Every registered tool by name, as the official manager's dict."""
        functions = self._server._tool_functions
        return {name: ToolView(d, functions.get(name)) for name, d in self._server.tools.items()}

    def get_tool(self, name: str) -> Optional[ToolView]:
        """The tool named ``name``, or None."""
        return self._tools.get(name)

    def list_tools(self) -> List[ToolView]:
        """Every registered tool, in registration order."""
        return list(self._tools.values())

    def add_tool(self, fn: Callable[..., Any], name: Optional[str] = None, **options: Any) -> ToolView:
        """Registers ``fn`` through the server (its keywords: ``title``, ``description``,
        ``annotations``, ``icons``, ``meta``, ``structured_output``) and returns the tool
        served under its name (the first one, when the name was taken)."""
        definition = self._server.add_tool(fn, name=name, **options)
        view = self.get_tool(definition["name"])
        assert view is not None, definition["name"]
        return view

    def remove_tool(self, name: str) -> None:
        """Removes a tool; an unknown name raises ``ToolError``, as the official manager."""
        self._server.remove_tool(name)

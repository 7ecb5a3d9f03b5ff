"""``ToolManager``: standalone tools by name (the official SDK's ``ToolManager``:
``add_tool``, ``get_tool``, ``list_tools``, ``remove_tool``, ``call_tool``,
``warn_on_duplicate_tools``). Each tool is a ``Tool`` (``base``), served by the engine; a
name added twice keeps the first tool and logs "Tool already exists: NAME" unless
``warn_on_duplicate_tools`` is off, as the official manager does. (A server's own manager,
``server._tool_manager``, is a view over its registrations: ``mcpforge.sdk.managers``.)"""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, List, Optional, Sequence

from ..sdk.exceptions import ToolError
from .base import Tool

__all__ = ["ToolManager"]

logger = logging.getLogger(__name__)


class ToolManager:
    """Tools by name, in the order they were added (see the module)."""

    def __init__(self, warn_on_duplicate_tools: bool = True, *, tools: Optional[Sequence[Tool]] = None) -> None:
        self._tools: Dict[str, Tool] = {}
        self.warn_on_duplicate_tools = warn_on_duplicate_tools
        for tool in tools or ():
            if tool.name in self._tools and warn_on_duplicate_tools:
                logger.warning(f"Tool already exists: {tool.name}")
            self._tools[tool.name] = tool

    def get_tool(self, name: str) -> Optional[Tool]:
        """The tool named ``name``, or None."""
        return self._tools.get(name)

    def list_tools(self) -> List[Tool]:
        """Every tool, in the order they were added."""
        return list(self._tools.values())

    def add_tool(
        self,
        fn: Callable[..., Any],
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        annotations: Any = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        structured_output: Optional[bool] = None,
    ) -> Tool:
        """Adds ``Tool.from_function(fn, ...)``; a name already taken keeps (and returns) the
        tool added first."""
        tool = Tool.from_function(fn, name=name, title=title, description=description, annotations=annotations, icons=icons, meta=meta, structured_output=structured_output)
        existing = self._tools.get(tool.name)
        if existing is not None:
            if self.warn_on_duplicate_tools:
                logger.warning(f"Tool already exists: {tool.name}")
            return existing
        self._tools[tool.name] = tool
        return tool

    def remove_tool(self, name: str) -> None:
        """Removes the tool ``name``; an unknown name raises ``ToolError``."""
        if name not in self._tools:
            raise ToolError(f"Unknown tool: {name}")
        del self._tools[name]

    async def call_tool(self, name: str, arguments: Dict[str, Any], context: Any = None, convert_result: bool = False) -> Any:
        """``run`` of the tool named ``name`` (see ``Tool.run``); an unknown name raises
        ``ToolError``."""
        tool = self._tools.get(name)
        if tool is None:
            raise ToolError(f"Unknown tool: {name}")
        return await tool.run(arguments, context, convert_result=convert_result)

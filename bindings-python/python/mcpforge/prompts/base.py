"""``mcpforge.prompts.base``, a thin re-export: the prompt messages (``mcpforge.content``'s
``Message``, ``UserMessage`` and ``AssistantMessage``) and the official ``Prompt`` and
``PromptArgument`` (``mcpforge.sdk.prompts``) under the official SDK's module path
(``mcp.server.mcpserver.prompts.base``). The official 1.x module also hands on three names
of the official types (``TextContent``, ``ContentBlock``, ``Icon``): they are the official
package's own, read from it when asked for."""

from __future__ import annotations

from typing import Any

from ..content import AssistantMessage, Message, UserMessage
from ..sdk.prompts import Prompt, PromptArgument

__all__ = ["AssistantMessage", "Message", "Prompt", "PromptArgument", "UserMessage"]

_OFFICIAL_TYPES = ("TextContent", "ContentBlock", "Icon")


def __getattr__(name: str) -> Any:
    if name not in _OFFICIAL_TYPES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        import mcp_types as types  # type: ignore[import-not-found, unused-ignore]  # optional dependency: the official package's types (2.x)
    except ImportError:
        import mcp.types as types  # type: ignore[import-not-found, unused-ignore]  # optional dependency: the official package's types (1.x)
    return getattr(types, name)

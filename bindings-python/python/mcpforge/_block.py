"""``Content``, the base class of every content helper (``mcpforge.content``), on its own so
that the JSON conversion (``_convert``) recognises blocks without importing the helpers,
which use it in turn."""

from __future__ import annotations

from typing import Any, Dict

__all__ = ["Content"]


class Content:
    """A content block of a tool result or prompt message."""

    def to_mcp(self) -> Dict[str, Any]:
        """The block as its wire dict."""
        raise NotImplementedError

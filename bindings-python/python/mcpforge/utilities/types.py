"""``mcpforge.utilities.types``: ``Image`` and ``Audio`` (``mcpforge.content``'s) under the
official SDK's module path (``mcp.server.mcpserver.utilities.types``)."""

from __future__ import annotations

from ..content import Audio, Image

__all__ = ["Audio", "Image"]

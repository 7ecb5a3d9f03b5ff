"""``mcpforge.utilities.types``: a thin re-export of ``mcpforge.sdk.media``, ``Image`` and
``Audio`` under the official SDK's module path (``mcp.server.mcpserver.utilities.types``),
kept for the programs that import it."""

from __future__ import annotations

from ..sdk.media import Audio, Image

__all__ = ["Audio", "Image"]

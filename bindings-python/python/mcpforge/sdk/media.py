"""``mcpforge.sdk.media`` (published as ``mcpforge.utilities.types``): ``Image`` and ``Audio`` under the official SDK's module path
(``mcp.server.mcpserver.utilities.types``), made as the official ones make them: ``mcpforge``'s
(``mcpforge.content``), but a file whose suffix names no media type is
``application/octet-stream``, as there, where ``mcpforge.Image``/``mcpforge.Audio`` read the
type from the bytes."""

from __future__ import annotations

from .. import content

__all__ = ["Audio", "Image"]


class Image(content.Image):
    """``mcpforge.Image`` with the official SDK's type for an unknown file suffix."""

    unknown_suffix_mime = "application/octet-stream"


class Audio(content.Audio):
    """``mcpforge.Audio`` with the official SDK's type for an unknown file suffix."""

    unknown_suffix_mime = "application/octet-stream"

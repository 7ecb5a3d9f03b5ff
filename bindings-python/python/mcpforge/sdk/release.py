"""Which official ``mcp`` release is installed beside mcpforge: ``release_types()`` (its types
module: ``mcp_types`` in 2.x, ``mcp.types`` in 1.x) and ``installed_release()`` (``"1.x"``,
``"2.x"``, or None when neither is installed). The objects the drop-in layer makes outside a
server (``Resource`` and its kinds) behave as the installed
release's do where 1.x and 2.x differ; a server decides by the class it was made from
(``FastMCP`` is 1.x, ``MCPServer`` 2.x). Part of the drop-in layer."""

from __future__ import annotations

import functools
from typing import Any, Optional

from .._convert import official_types

__all__ = ["installed_release", "release_types"]


def release_types() -> Any:
    """The official types module of the installed release, or None."""
    return official_types()


@functools.lru_cache(maxsize=1)
def installed_release() -> Optional[str]:
    """``"1.x"`` when the installed official package is a 1.x release, ``"2.x"`` when it is
    a 2.x one, None without it (asked once per process)."""
    types = release_types()
    if types is None:
        return None
    return "1.x" if types.__name__ == "mcp.types" else "2.x"

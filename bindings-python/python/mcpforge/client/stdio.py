"""``StdioServerParameters``: how to start a server as a child process for
``mcpforge.client.Client`` (the official ``mcp`` package's class of that name, which the
client accepts too)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Union

__all__ = ["StdioServerParameters"]


@dataclass
class StdioServerParameters:
    """The ``command`` to run with its ``args``; ``env`` is added to the environment the
    child inherits from this process; ``cwd`` is its working directory."""

    command: str
    args: List[str] = field(default_factory=list)
    env: Optional[Dict[str, str]] = None
    cwd: Optional[Union[str, "os.PathLike[str]"]] = None

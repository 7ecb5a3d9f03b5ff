"""``WireView``: a wire object (a dict of the protocol's camelCase fields) readable as the
official SDK's pydantic model of it: ``caps.sampling``, ``caps.roots.list_changed`` (snake
case or the wire's name), None for a field the peer left out, nested objects as views too.
It stays a dict, so code that indexes it or sends it on keeps working."""

from __future__ import annotations

import re
from typing import Any, Dict

__all__ = ["WireView", "viewed"]

_UPPER_AFTER_UNDERSCORE = re.compile(r"_([a-z])")


class WireView(Dict[str, Any]):
    """A dict whose fields read as attributes (see the module documentation)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        for key in (name, _UPPER_AFTER_UNDERSCORE.sub(lambda m: m.group(1).upper(), name)):
            if key in self:
                return viewed(self[key])
        return None  # an optional field the peer did not send


def viewed(value: Any) -> Any:
    """``value`` with its dicts (at any depth in lists) as ``WireView``s."""
    if isinstance(value, dict):
        return WireView(value)
    if isinstance(value, list):
        return [viewed(v) for v in value]
    return value

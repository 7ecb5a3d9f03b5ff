"""What a docstring tells: the description without its ``Args:``/``Returns:`` sections
(``description``) and each parameter's or attribute's own (``param_docs``), in Google style
or with ``:param x:`` lines."""

from __future__ import annotations

from typing import Dict, Optional

__all__ = ["description", "param_docs"]


_SECTIONS = ("args:", "arguments:", "parameters:", "params:", "returns:", "return:", "raises:", "yields:", "attributes:")


def description(doc: str) -> Optional[str]:
    """The docstring without its Args/Returns/... sections (Google style) or :param: lines."""
    lines = []
    for line in doc.splitlines():
        stripped = line.strip().lower()
        if stripped in _SECTIONS or stripped.startswith((":param", ":return", ":raises", ":type", ":rtype")):
            break
        lines.append(line)
    text = "\n".join(lines).strip()
    return text or None


def param_docs(doc: str) -> Dict[str, str]:
    """Parameter descriptions from ``Args:``/``Attributes:`` sections and ``:param x:`` lines."""
    out: Dict[str, str] = {}
    in_args = False
    current: Optional[str] = None
    for raw in doc.splitlines():
        line = raw.strip()
        low = line.lower()
        if low.startswith(":param "):
            name, _, text = line[len(":param ") :].partition(":")
            out[name.split()[-1]] = text.strip()
            continue
        if low in ("args:", "arguments:", "parameters:", "params:", "attributes:"):
            in_args, current = True, None
            continue
        if low in _SECTIONS:
            in_args = False
            continue
        if not in_args or not line:
            continue
        head, sep, text = line.partition(":")
        name = head.split("(")[0].strip()
        if sep and name.isidentifier() and raw.startswith(" " * 4) and len(raw) - len(raw.lstrip()) <= 8:
            current = name
            out[name] = text.strip()
        elif current:
            out[current] = f"{out[current]} {line}".strip()
    return out

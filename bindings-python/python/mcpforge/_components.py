"""The registered tools, prompts and resources of a ``Server``, and which of them the engine
serves. Every registered component keeps its definition and its engine registration (a pair
of callables that add it to the engine and remove it); the engine holds only the components
that are enabled and admitted by the server's tag filter. Enabling or disabling a component
adds it to the engine or removes it from the engine, which tells connected clients that the
list changed, as for any other addition or removal.

Tags follow FastMCP 2.x: a component's tags are sent to clients in its definition's
``_meta`` as ``{"_fastmcp": {"tags": [sorted tags]}}``, and the server's ``include_tags`` and
``exclude_tags`` decide, at registration, which components are served at all.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, FrozenSet, Iterable, Optional

__all__ = ["Components", "TagFilter", "tag_set", "tagged_meta"]


def tag_set(tags: Optional[Iterable[str]], what: str = "tags") -> FrozenSet[str]:
    """``tags`` (a set, list or other collection of strings, or None) as a frozenset; a lone
    string is refused (``tags="db"`` is almost always meant as ``{"db"}``)."""
    if tags is None:
        return frozenset()
    if isinstance(tags, (str, bytes)):
        raise TypeError(f"{what} is a collection of strings (e.g. {{{tags!r}}}), not a single string")
    out = frozenset(tags)
    for tag in out:
        if not isinstance(tag, str):
            raise TypeError(f"{what} must be strings, not {type(tag).__name__} ({tag!r})")
    return out


def tagged_meta(meta: Optional[Dict[str, Any]], tags: FrozenSet[str]) -> Optional[Dict[str, Any]]:
    """The definition's ``_meta``: ``meta`` with the tags under ``_fastmcp`` (FastMCP 2.x's
    key; other keys of a ``_fastmcp`` object given in ``meta`` are kept). Without tags,
    ``meta`` unchanged."""
    if not tags:
        return meta
    meta = dict(meta or {})
    own = meta.get("_fastmcp")
    meta["_fastmcp"] = {**(own if isinstance(own, dict) else {}), "tags": sorted(tags)}
    return meta


class TagFilter:
    """A server's ``include_tags``/``exclude_tags``: a component is served when it has none of
    the excluded tags and, if there are included tags, at least one of them. Exclusion wins.
    No included tags (None or empty) means no inclusion requirement."""

    def __init__(self, include: Optional[Iterable[str]], exclude: Optional[Iterable[str]]) -> None:
        self.include = tag_set(include, "include_tags")
        self.exclude = tag_set(exclude, "exclude_tags")

    def admits(self, tags: FrozenSet[str]) -> bool:
        """True when a component with ``tags`` is served."""
        if self.exclude & tags:
            return False
        return not self.include or bool(self.include & tags)


class _Entry:
    """One registered component: its definition, tags, enabled flag, whether the tag filter
    admits it, and how to add it to the engine and remove it from the engine."""

    __slots__ = ("definition", "tags", "enabled", "admitted", "attach", "detach")

    def __init__(
        self,
        definition: Dict[str, Any],
        tags: FrozenSet[str],
        enabled: bool,
        admitted: bool,
        attach: Callable[[], None],
        detach: Callable[[], bool],
    ) -> None:
        self.definition = definition
        self.tags = tags
        self.enabled = enabled
        self.admitted = admitted
        self.attach = attach
        self.detach = detach

    @property
    def served(self) -> bool:
        return self.enabled and self.admitted


class Components:
    """The components of one kind (``"tool"``, ``"prompt"``, ``"resource"``), by name or URI.
    Safe to use from handlers running on other threads."""

    def __init__(self, kind: str, tag_filter: TagFilter) -> None:
        self.kind = kind
        self._filter = tag_filter
        self._entries: Dict[str, _Entry] = {}
        self._lock = threading.RLock()

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def add(
        self,
        key: str,
        definition: Dict[str, Any],
        tags: FrozenSet[str],
        enabled: bool,
        attach: Callable[[], None],
        detach: Callable[[], bool],
        duplicate: str,
    ) -> None:
        """Registers a component; the engine gets it when it is enabled and admitted by the
        tag filter. A key already registered raises ``ValueError(duplicate)``."""
        with self._lock:
            if key in self._entries:
                raise ValueError(duplicate)
            entry = _Entry(definition, tags, bool(enabled), self._filter.admits(tags), attach, detach)
            if entry.served:
                attach()
            self._entries[key] = entry

    def remove(self, key: str) -> bool:
        """Unregisters a component (the engine drops it if it served it); True if it was
        registered."""
        with self._lock:
            entry = self._entries.pop(key, None)
            if entry is None:
                return False
            if entry.served:
                entry.detach()
            return True

    def set_enabled(self, key: str, enabled: bool) -> None:
        """Enables or disables a registered component (no change: nothing happens). An
        unknown key, or enabling a component the tag filter excludes, raises ``ValueError``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                raise ValueError(f"no {self.kind} {key!r} is registered")
            if enabled and not entry.admitted:
                raise ValueError(f"the {self.kind} {key!r} is excluded by the server's include_tags/exclude_tags")
            if entry.enabled == enabled:
                return
            if enabled:
                entry.attach()  # the engine may refuse the definition: then it stays disabled
            else:
                entry.detach()
            entry.enabled = enabled

    def definitions(self) -> Dict[str, Dict[str, Any]]:
        """Every registered definition, served or not, by key."""
        with self._lock:
            return {key: entry.definition for key, entry in self._entries.items()}

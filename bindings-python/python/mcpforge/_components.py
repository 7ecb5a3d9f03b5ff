"""The registered tools, prompts and resources of a ``Server``: their definitions and tags,
and which of them reach the engine. Every registered component the server's tag filter
admits is registered with the engine, enabled or not; enabling and disabling are the
engine's (``NativeServer.set_enabled``): it keeps a disabled component out of its list and
answers calls of it as for an unknown one, and tells connected clients that the list
changed, as for any other change. So this mirror keeps no enabled flag of its own.

What stays here is Python's own: the definitions (the engine does not hand them back; they
are ``server.tools``, ``server.prompts``, ``server.resources``) and the tags. Tags follow
FastMCP 2.x: a component's tags are sent to clients in its definition's ``_meta`` as
``{"_fastmcp": {"tags": [sorted tags]}}``, and the server's ``include_tags`` and
``exclude_tags`` decide, once, at registration, which components are served at all. That is a
convention of the Python API, fixed for the life of the server, not a state that changes
while serving: a component the filter leaves out never reaches the engine and cannot be
enabled, but its name is taken (the mirror refuses it twice).
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, FrozenSet, Iterable, Optional

__all__ = ["Components", "Definition", "TagFilter", "tag_set", "tagged_meta"]


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


class Definition(Dict[str, Any]):
    """A registered component's definition: the dict clients are sent (``name``,
    ``inputSchema``, ...), with the Python function that serves it as ``function``, so a test
    can call a tool's function directly (``server.tools["add"].function(a=1, b=2)``)."""

    def __init__(self, definition: Dict[str, Any], function: Optional[Callable[..., Any]] = None) -> None:
        super().__init__(definition)
        self.function = function


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
    """One registered component: its definition and tags, whether the tag filter admits it
    (then it is registered with the engine), how to remove it from the engine, and how to
    enable or disable it there."""

    __slots__ = ("definition", "tags", "admitted", "detach", "toggle")

    def __init__(
        self,
        definition: "Definition",
        tags: FrozenSet[str],
        admitted: bool,
        detach: Callable[[], bool],
        toggle: Callable[[bool], bool],
    ) -> None:
        self.definition = definition
        self.tags = tags
        self.admitted = admitted
        self.detach = detach
        self.toggle = toggle


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
        definition: Definition,
        tags: FrozenSet[str],
        enabled: bool,
        attach: Callable[[], None],
        detach: Callable[[], bool],
        toggle: Callable[[bool], bool],
        duplicate: str,
    ) -> None:
        """Registers a component: ``attach`` registers it with the engine when the tag filter
        admits it, ``toggle(False)`` then disables it there unless ``enabled``. A key already
        registered raises ``ValueError(duplicate)``."""
        with self._lock:
            if key in self._entries:
                raise ValueError(duplicate)
            entry = _Entry(definition, tags, self._filter.admits(tags), detach, toggle)
            if entry.admitted:
                attach()
                if not enabled:
                    toggle(False)
            self._entries[key] = entry

    def remove(self, key: str) -> bool:
        """Unregisters a component (the engine drops it, enabled or not); True if it was
        registered."""
        with self._lock:
            entry = self._entries.pop(key, None)
            if entry is None:
                return False
            if entry.admitted:
                entry.detach()
            return True

    def set_enabled(self, key: str, enabled: bool) -> None:
        """Enables or disables a registered component in the engine (no change: nothing
        happens). An unknown key, or enabling a component the tag filter excludes, raises
        ``ValueError``; disabling one is a no-op (it is never served)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                raise ValueError(f"no {self.kind} {key!r} is registered")
            if not entry.admitted:
                if enabled:
                    raise ValueError(f"the {self.kind} {key!r} is excluded by the server's include_tags/exclude_tags")
                return
            entry.toggle(enabled)

    def definitions(self) -> Dict[str, Definition]:
        """Every registered definition, served or not, by key."""
        with self._lock:
            return {key: entry.definition for key, entry in self._entries.items()}

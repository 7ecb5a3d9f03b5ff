"""``AppsSkills``: MCP Apps and skills on a ``Server``.

An app (the ``io.modelcontextprotocol/ui`` extension) is HTML served at a ``ui://`` URI
with the ``text/html;profile=mcp-app`` MIME type and the sandbox settings a host applies
(``csp``, ``permissions``, ``domain``, ``prefers_border``); a tool shows its results in it
with ``@server.tool(ui="ui://...")``. Skills (the ``io.modelcontextprotocol/skills``
extension) are ``SKILL.md`` files and the files beside them, listed by ``skills/list`` and
read as ``skill://`` resources. The engine checks and serves both; this module only hands
them over.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Mapping, Optional, Sequence, TypeVar, Union

from ._core import drop_none
from ._function_spec import function_spec
from ._registering import Registering

__all__ = ["AppsSkills"]

F = TypeVar("F", bound=Callable[..., Any])


class AppsSkills(Registering):
    """MCP Apps (``add_app``, ``app``) and skills (``add_skill``, ``skills_dir``)."""

    def add_app(
        self,
        uri: str,
        html: Optional[str] = None,
        *,
        reader: Optional[Callable[..., Any]] = None,
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        csp: Optional[Mapping[str, Sequence[str]]] = None,
        permissions: Optional[Sequence[str]] = None,
        domain: Optional[str] = None,
        prefers_border: Optional[bool] = None,
    ) -> None:
        """Serves ``html`` (or what ``reader`` returns on each read, called as a resource
        function is) as the app at ``uri`` (``ui://...``) and advertises the MCP Apps
        extension. ``csp`` maps ``connect_domains``, ``resource_domains``, ``frame_domains``
        and ``base_uri_domains`` (or their camelCase names) to origins; ``permissions`` lists
        what the app asks for (``camera``, ``microphone``, ``geolocation``,
        ``clipboardWrite``); ``domain`` is the dedicated origin of its sandbox and
        ``prefers_border`` whether the host draws a border. Raises ``ValueError`` for a URI
        that is not ``ui://``, an unknown permission, or neither ``html`` nor ``reader``."""
        definition = drop_none(
            {
                "uri": uri,
                "html": html,
                "name": name,
                "title": title,
                "description": description,
                "csp": {k: list(v) for k, v in csp.items()} if csp is not None else None,
                "permissions": list(permissions) if permissions is not None else None,
                "domain": domain,
                "prefersBorder": prefers_border,
            }
        )
        if reader is None:
            self._native.add_app(definition)
            return
        spec = function_spec(reader, structured_output=False, official_docs=self._sdk_definitions)
        invoker, is_async = self._reader(reader, uri, spec)
        self._native.add_app(definition, invoker, is_async)

    def app(self, uri: str, **options: Any) -> Callable[[F], F]:
        """Registers a function returning the app's HTML each time it is read
        (``@server.app("ui://weather/view.html")``); the options as for ``add_app``."""

        def decorate(fn: F) -> F:
            self.add_app(uri, reader=fn, **options)
            return fn

        return decorate

    def add_skill(self, skill_md: str, files: Optional[Mapping[str, Union[str, bytes]]] = None) -> None:
        """Serves a skill: the text of its ``SKILL.md`` (YAML frontmatter with ``name`` and
        ``description`` first) and the files beside it, by relative path (``references/
        FORMS.md``). Raises ``ValueError`` for bad frontmatter, a bad path or a name
        already served."""
        given = [(path, data.encode() if isinstance(data, str) else bytes(data)) for path, data in (files or {}).items()]
        self._native.add_skill(skill_md, given)

    def skills_dir(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Serves every skill in the directory ``path``: each subdirectory holding a
        ``SKILL.md``, named as the skill, with every file under it (symbolic links and
        hidden files skipped; at most 512 files and 16 MiB a skill)."""
        self._native.add_skills_dir(os.fspath(path))

    def remove_skill(self, name: str) -> bool:
        """Stops serving a skill and its files; True if it was served."""
        return self._native.remove_skill(name)

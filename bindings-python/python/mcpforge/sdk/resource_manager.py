"""The official SDK's ``ResourceManager``, standalone (``mcp.server.mcpserver.resources``;
published by ``mcpforge.resources``): resources by URI and templates by URI template, held
in Python for programs that build them outside a server. ``get_resource(uri, context)``
gives the resource at ``uri``, else the one the first matching template creates, else raises
``ResourceNotFoundError`` (a ``ValueError`` too, as in 1.x). A URI added twice keeps its first resource (with a warning unless
``warn_on_duplicate_resources`` is false). A server's own resources are served by the
engine; ``server._resource_manager`` is a view of them (``mcpforge.sdk.managers``)."""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, Iterable, List, Optional

from .exceptions import ResourceNotFoundError
from .resources import Resource
from .templates import ResourceTemplate

__all__ = ["ResourceManager"]


class _UnknownResource(ResourceNotFoundError, ValueError):
    """No resource or template gives the URI: 2.x's ``ResourceNotFoundError``, and the
    ``ValueError`` 1.x raised."""


class ResourceManager:
    """Resources and templates, as the official manager holds them (see the module)."""

    def __init__(self, warn_on_duplicate_resources: bool = True, *, resources: Optional[Iterable[Resource]] = None) -> None:
        self._resources: Dict[str, Resource] = {}
        self._templates: Dict[str, ResourceTemplate] = {}
        self.warn_on_duplicate_resources = warn_on_duplicate_resources
        for resource in resources or ():
            self.add_resource(resource)

    def add_resource(self, resource: Resource) -> Resource:
        """Adds ``resource``; returns the resource held at its URI (the first one added)."""
        key = str(resource.uri)
        held = self._resources.get(key)
        if held is None:
            self._resources[key] = resource
            return resource
        if self.warn_on_duplicate_resources:
            logging.getLogger(__name__).warning(f"Resource already exists: {key}")
        return held

    def add_template(self, fn: Callable[..., Any], uri_template: str, name: Optional[str] = None, **fields: Any) -> ResourceTemplate:
        """Adds a template of ``fn`` (``ResourceTemplate.from_function`` and its keywords:
        ``title``, ``description``, ``mime_type``, ``icons``, ``annotations``, ``meta``,
        ``security``); a template added again replaces the first."""
        template = ResourceTemplate.from_function(fn, uri_template, name=name, **fields)
        self._templates[template.uri_template] = template
        return template

    async def get_resource(self, uri: Any, context: Any = None) -> Any:
        """The resource at ``uri``, or the one the first template matching it creates (or
        the ``InputRequiredResult`` its function returned)."""
        key = str(uri)
        resource = self._resources.get(key)
        if resource is not None:
            return resource
        for template in self._templates.values():
            params = template.matches(key)
            if params is not None:
                return await template.create_resource(key, params, context)
        raise _UnknownResource(f"Unknown resource: {uri}")

    def list_resources(self) -> List[Resource]:
        """Every resource, in the order added."""
        return list(self._resources.values())

    def list_templates(self) -> List[ResourceTemplate]:
        """Every template, in the order added."""
        return list(self._templates.values())

"""``mcpforge.resources``: a thin re-export of the official SDK's resource objects under its
module path (``mcp.server.mcpserver.resources``), kept for the programs that import them:
the resources (``mcpforge.sdk.resources``), ``ResourceTemplate`` (``mcpforge.sdk.templates``,
also published as ``mcpforge.resources.templates``) and ``ResourceManager``
(``mcpforge.sdk.resource_manager``)."""

from __future__ import annotations

from ..sdk.resource_manager import ResourceManager
from ..sdk.resources import BinaryResource, FileResource, FunctionResource, Resource, TextResource
from ..sdk.templates import DEFAULT_RESOURCE_SECURITY, ResourceSecurity, ResourceSecurityError, ResourceTemplate
from . import templates

__all__ = [
    "BinaryResource",
    "DEFAULT_RESOURCE_SECURITY",
    "FileResource",
    "FunctionResource",
    "Resource",
    "ResourceManager",
    "ResourceSecurity",
    "ResourceSecurityError",
    "ResourceTemplate",
    "TextResource",
    "templates",
]

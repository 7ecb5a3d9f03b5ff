"""``mcpforge.resources.templates``: a thin re-export of ``mcpforge.sdk.templates`` under the
official SDK's module path (``mcp.server.mcpserver.resources.templates``)."""

from __future__ import annotations

from ..sdk.templates import DEFAULT_RESOURCE_SECURITY, ResourceSecurity, ResourceSecurityError, ResourceTemplate

__all__ = ["DEFAULT_RESOURCE_SECURITY", "ResourceSecurity", "ResourceSecurityError", "ResourceTemplate"]

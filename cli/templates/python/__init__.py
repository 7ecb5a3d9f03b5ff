"""{{name}}: an MCP server on mcpforge."""

from .server import server

__all__ = ["server"]

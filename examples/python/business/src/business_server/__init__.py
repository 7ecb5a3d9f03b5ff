"""business-server: customers, orders and e-mail for an assistant, an MCP server on
mcpforge's low-level API. ``business-server`` (``__main__.main``) runs it over stdio."""

__version__ = "1.0.0"

"""``mcpforge.client``: an async MCP client on the engine's own client, with the method names
and result shapes users of the official ``mcp`` package's ``Client`` know::

    from mcpforge.client import Client

    async with Client("http://127.0.0.1:8000/mcp") as client:  # or Client(server), Client.stdio("cmd", [...])
        tools = await client.list_tools()
        result = await client.call_tool("add", {"a": 1, "b": 2})
        print(result.content[0].text, result.structuredContent)

Results are ``mcpforge.client.types`` objects (no dependency on ``mcp``); errors from the
server raise ``McpError`` (``code``, ``message``, ``data``). OAuth: ``Client(url,
auth=OAuthClientProvider(...))`` (``mcpforge.client.auth``). See docs/python.md, "The client".
"""

from __future__ import annotations

from ..errors import MCPError, McpError
from . import types
from ._answers import ClientRequestContext
from ._client import Client
from .auth import InMemoryTokenStorage, OAuthClientProvider, TokenStorage
from .stdio import StdioServerParameters

__all__ = [
    "Client",
    "ClientRequestContext",
    "InMemoryTokenStorage",
    "MCPError",
    "McpError",
    "OAuthClientProvider",
    "StdioServerParameters",
    "TokenStorage",
    "types",
]

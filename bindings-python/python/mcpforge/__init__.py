"""mcpforge: Model Context Protocol servers in Python, served by a Rust engine.

    from mcpforge import Server, Context

    server = Server("demo", version="1.0.0")

    @server.tool()
    def add(a: int, b: int) -> int:
        \"\"\"Add two numbers.\"\"\"
        return a + b

    server.run()  # stdio; server.run("http", port=8000) for Streamable HTTP

See docs/python.md for the guide.
"""

from __future__ import annotations

from ._native import ENGINE_VERSION
from .auth import AuthInfo, AuthSettings
from .content import (
    Audio,
    CallToolResult,
    Completion,
    Content,
    EmbeddedResource,
    Image,
    Message,
    ResourceContents,
    ResourceLink,
    Text,
)
from .context import Context, Elicit, ElicitResult, ListRoots, Root, Sample, SamplingResult
from .errors import AuthError, InputRequired, McpError, ProtocolError, ResourceNotFound, ToolError
from .schema import Field
from .server import Server

__version__ = ENGINE_VERSION

__all__ = [
    "Audio",
    "AuthError",
    "AuthInfo",
    "AuthSettings",
    "CallToolResult",
    "Completion",
    "Content",
    "Context",
    "Elicit",
    "ElicitResult",
    "EmbeddedResource",
    "Field",
    "Image",
    "InputRequired",
    "ListRoots",
    "McpError",
    "Message",
    "ProtocolError",
    "ResourceContents",
    "ResourceLink",
    "ResourceNotFound",
    "Root",
    "Sample",
    "SamplingResult",
    "Server",
    "Text",
    "ToolError",
    "__version__",
]

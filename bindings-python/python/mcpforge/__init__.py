"""mcpforge: Model Context Protocol servers in Python, served by a Rust engine.

    from mcpforge import Server, Context

    server = Server("demo", version="1.0.0")

    @server.tool()
    def add(a: int, b: int) -> int:
        \"\"\"Add two numbers.\"\"\"
        return a + b

    server.run()  # stdio; server.run("http", port=8000) for Streamable HTTP

Servers written for the official SDK's ``MCPServer`` (2.x) or ``FastMCP`` (1.x) run on
mcpforge by changing their import line (``from mcpforge import MCPServer, Context``). See
docs/python.md for the guide.
"""

from __future__ import annotations

# The official SDK's module paths (thin re-exports of the drop-in layer, ``mcpforge.sdk``)
# are attributes of the package, as they were when they held the code.
from . import exceptions, resources
from ._initialize import Handshake
from ._native import ENGINE_VERSION
from .auth import AuthInfo, AuthSettings
from .content import (
    AssistantMessage,
    Audio,
    CallToolResult,
    Completion,
    Content,
    EmbeddedResource,
    File,
    Icon,
    Image,
    Message,
    ResourceContents,
    ResourceLink,
    Text,
    UserMessage,
)
from .context import (
    AcceptedElicitation,
    CancelledElicitation,
    Context,
    DeclinedElicitation,
    Elicit,
    ElicitationResult,
    ElicitResult,
    ListRoots,
    Root,
    Sample,
    SamplingResult,
    TraceContext,
)
from .extension import Extension, MethodBinding, ResourceBinding, ToolBinding
from .errors import AuthError, ErrorInfo, InputRequired, MCPError, McpError, ProtocolError, ResourceError, ResourceNotFound, ToolError
from .mcpserver import FastMCP, MCPServer, RequestStateSecurity, Resolve, ResourceSecurity
from .schema import Field
from .sdk.extensions import require_client_extension
from .sdk.request_state import AESGCMRequestStateCodec, RequestStateBoundary
from .server import Server
from .session import ReadResourceContents
from .upstream import Upstream

__version__ = ENGINE_VERSION

__all__ = [
    "AESGCMRequestStateCodec",
    "__version__",
    "AcceptedElicitation",
    "AssistantMessage",
    "Audio",
    "AuthError",
    "AuthInfo",
    "AuthSettings",
    "CallToolResult",
    "CancelledElicitation",
    "Completion",
    "Content",
    "Context",
    "DeclinedElicitation",
    "Elicit",
    "ElicitationResult",
    "ElicitResult",
    "EmbeddedResource",
    "ErrorInfo",
    "Extension",
    "FastMCP",
    "Field",
    "File",
    "Handshake",
    "Icon",
    "Image",
    "InputRequired",
    "ListRoots",
    "MCPError",
    "McpError",
    "MCPServer",
    "Message",
    "MethodBinding",
    "ProtocolError",
    "ReadResourceContents",
    "RequestStateBoundary",
    "RequestStateSecurity",
    "require_client_extension",
    "Resolve",
    "ResourceBinding",
    "ResourceContents",
    "ResourceError",
    "ResourceLink",
    "ResourceNotFound",
    "ResourceSecurity",
    "Root",
    "Sample",
    "SamplingResult",
    "Server",
    "Text",
    "ToolBinding",
    "ToolError",
    "TraceContext",
    "Upstream",
    "UserMessage",
]

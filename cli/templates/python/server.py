"""The server and its tools."""

from __future__ import annotations

from typing import Annotated

from mcpforge import Server

server = Server("{{name}}", version="0.1.0", description="{{description}}")


@server.tool()
def greet(name: Annotated[str, "Who to greet."]) -> str:
    """Greet someone by name."""
    return f"Hello, {name}!"

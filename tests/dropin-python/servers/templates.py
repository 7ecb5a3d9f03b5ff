"""Resource templates with typed variables."""

from mcp.server.mcpserver import MCPServer

mcp = MCPServer("templates")

SCRIPT = {"resources": ["users://42/profile", "greeting://Ada", "files://docs/a/b.txt"]}


@mcp.resource("users://{user_id}/profile")
def profile(user_id: int) -> str:
    """A user's profile."""
    return f"user {user_id + 1 - 1} ({type(user_id).__name__})"


@mcp.resource("greeting://{name}", mime_type="text/plain")
def greeting(name: str) -> str:
    """Greet someone."""
    return f"Hello, {name}!"


@mcp.resource("files://docs/{+path}")
def doc(path: str) -> str:
    """A document under docs/."""
    return f"doc at {path}"


if __name__ == "__main__":
    mcp.run()

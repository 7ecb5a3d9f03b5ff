"""The shape of the published reference servers (time, git, fetch): the official middleware
given to the constructor and appended after it, raising the official MCPError; no
`subscriptions/listen` (subscriptions=False); a tool taking the official Context."""

from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import Context, MCPServer
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS

SCRIPT = {"tools": [("echo", {"text": "hi"}), ("where", {}), ("missing", {}), ("echo", {"text": "forbidden"})]}


async def reject_unknown_tools(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
    if ctx.method == "tools/call" and ctx.params is not None:
        name = ctx.params.get("name")
        if isinstance(name, str) and name not in {tool.name for tool in await mcp.list_tools()}:
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown tool: {name}")
    return await call_next(ctx)


mcp = MCPServer("official-middleware", version="1.0.0", subscriptions=False, middleware=[reject_unknown_tools])


async def refuse_forbidden_text(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
    if ctx.method == "tools/call" and (ctx.params or {}).get("arguments", {}).get("text") == "forbidden":
        raise MCPError(code=INVALID_PARAMS, message="that text is refused")
    return await call_next(ctx)


mcp.middleware.append(refuse_forbidden_text)


@mcp.tool()
def echo(text: str) -> str:
    """Says the text back."""
    return text


@mcp.tool()
async def where(ctx: Context) -> str:
    """Names the request it serves."""
    return f"request {ctx.request_id is not None}"


if __name__ == "__main__":
    mcp.run()

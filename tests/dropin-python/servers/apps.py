"""MCP Apps with the official SDK's own extension (`mcp.server.apps.Apps`): a tool bound
to a `ui://` HTML resource with its content security policy and permissions."""

from mcp.server.apps import Apps, ResourceCsp, ResourcePermissions
from mcp.server.mcpserver import MCPServer

SCRIPT = {"tools": [("get_time", {}), ("tick", {})], "resources": ["ui://clock/app.html"]}

apps = Apps()


@apps.tool(resource_uri="ui://clock/app.html", description="The time, shown in the clock app")
def get_time() -> str:
    return "12:00"


@apps.tool(resource_uri="ui://clock/app.html", visibility=["app"], description="Called by the clock app only")
def tick() -> str:
    return "tick"


apps.add_html_resource(
    "ui://clock/app.html",
    '<!doctype html><p id="time">--:--</p>',
    name="Clock",
    csp=ResourceCsp(connect_domains=["https://time.example"]),
    permissions=ResourcePermissions(clipboard_write={}),
    prefers_border=True,
)

mcp = MCPServer("clock", extensions=[apps])

if __name__ == "__main__":
    mcp.run()

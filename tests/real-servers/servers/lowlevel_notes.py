"""A server on the official 1.x low-level API with what mcp-server-sqlite does not use: a
subscription handler, a tool that changes a subscribed resource, a template list and a
completion. The comparison subscribes to one note and not to the other."""

import asyncio

import mcp.types as types
from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.stdio import stdio_server
from pydantic import AnyUrl

server = Server("notes", version="1.0.0")
notes = {"a": "first", "b": "second"}
subscribed = []


@server.list_resources()
async def list_resources() -> list[types.Resource]:
    return [types.Resource(uri=AnyUrl(f"note://{k}"), name=k, mimeType="text/plain") for k in sorted(notes)]


@server.list_resource_templates()
async def list_templates() -> list[types.ResourceTemplate]:
    return [types.ResourceTemplate(uriTemplate="note://{name}", name="note")]


@server.read_resource()
async def read_resource(uri: AnyUrl) -> str:
    return notes[str(uri).removeprefix("note://")]


@server.subscribe_resource()
async def subscribe(uri: AnyUrl) -> None:
    subscribed.append(str(uri))


@server.list_tools()
async def list_tools() -> list[types.Tool]:
    schema = {"type": "object", "properties": {"name": {"type": "string"}, "text": {"type": "string"}}, "required": ["name", "text"]}
    return [types.Tool(name="edit", description="Changes a note.", inputSchema=schema)]


@server.call_tool()
async def call_tool(name: str, arguments: dict) -> list[types.TextContent]:
    notes[arguments["name"]] = arguments["text"]
    await server.request_context.session.send_resource_updated(AnyUrl(f"note://{arguments['name']}"))
    return [types.TextContent(type="text", text=f"subscribed: {', '.join(subscribed)}")]


@server.completion()
async def complete(ref, argument, context) -> types.Completion:
    return types.Completion(values=[k for k in sorted(notes) if k.startswith(argument.value)])


async def main() -> None:
    options = server.create_initialization_options(NotificationOptions(), {})
    async with stdio_server() as (read, write):
        await server.run(read, write, options)


if __name__ == "__main__":
    asyncio.run(main())

"""The server the client tests talk to, in process (``make_server()``) or as a child over
stdio (run this file): tools that echo, add with structured output, report progress, wait
until cancelled (recording it), ask the client for sampling, elicitation and roots, log, and
fail; a resource, a template, a prompt and a completion.

    client_target.py        serve stdio
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any, Dict, List

from mcpforge import Context, McpError, Server, ToolError

# What the `wait` tool saw, by call: "cancelled" once its task was cancelled.
EVENTS: List[str] = []


def make_server() -> Server:
    server = Server("client-target", version="1.2.3", instructions="Test tools.")

    @server.tool()
    def echo(text: str) -> str:
        """Echo the text back."""
        return text

    @server.tool()
    def add(a: int, b: int) -> Dict[str, int]:
        """Add two numbers."""
        return {"sum": a + b}

    @server.tool()
    async def steps(n: int, ctx: Context) -> str:
        """Report n progress steps, logging each."""
        for i in range(n):
            await ctx.report_progress(i + 1, n, f"step {i + 1}")
            await ctx.info(f"step {i + 1}")
        return f"{n} steps"

    @server.tool()
    async def wait(ctx: Context) -> str:
        """Wait until cancelled (at most 30 s)."""
        EVENTS.append("started")
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            EVENTS.append("cancelled")
            raise
        return "waited"

    @server.tool()
    async def ask_all(ctx: Context) -> str:
        """Ask the client for a name, a completion and its roots."""
        person = await ctx.elicit("Name?", {"type": "object", "properties": {"name": {"type": "string"}}})
        reply = await ctx.sample("hi", max_tokens=5)
        roots = await ctx.list_roots()
        name = person.content["name"] if person.content else person.action
        return f"{name} | {reply.text} | {[r.uri for r in roots]}"

    @server.tool()
    def fails() -> str:
        """A tool that fails."""
        raise ToolError("it broke")

    @server.tool()
    def refuses() -> str:
        """A tool that fails the request itself."""
        raise McpError(-32042, "not today", {"why": "tests"})

    @server.resource("memo://text", name="Text", description="A memo", mime_type="text/plain")
    def memo() -> str:
        return "hello"

    @server.resource("memo://items/{item}", name="Item", mime_type="text/plain")
    def item(item: str) -> str:
        return f"item {item}"

    @server.prompt()
    def greet(name: str) -> str:
        """Greet someone."""
        return f"Hello {name}"

    @server.completion(prompt="greet")
    def names(argument: str, value: str) -> List[str]:
        return [n for n in ["ada", "alan", "grace"] if n.startswith(value)]

    return server


def main(argv: List[Any]) -> None:
    make_server().run()


if __name__ == "__main__":
    main(sys.argv)

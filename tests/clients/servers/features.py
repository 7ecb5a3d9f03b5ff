"""A server on the official Python SDK's `MCPServer` (run by the Python of the venv that holds
the official `mcp` 2.x, over stdio) that does what the published servers leave out, so that
tests/clients/test_python_features.py can drive each feature with the mcpforge client:
structured output (and a tool whose structured content breaks its own output schema),
resources with subscriptions and update notifications, a prompt, completion, the logging
level and log messages, progress, a slow tool to time out, sampling, elicitation in form and
URL mode, roots and their `list_changed`, and list-changed notifications.

What the client sends that a tool cannot see (`notifications/cancelled` with its reason,
`notifications/roots/list_changed`) is kept by a middleware and read back with the tool
`seen`. Every argument is bounded: the sizes, counts and delays a client gives are clamped.
"""

from __future__ import annotations

from typing import Any

import anyio
from mcp import types
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.prompts.base import UserMessage
from pydantic import BaseModel, Field

# What the middleware keeps, at most this many entries.
KEPT = 64
LEVELS = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]

observed: list[dict[str, Any]] = []
subscribed: set[str] = set()
state: dict[str, Any] = {"level": "debug"}


async def watch(ctx: Any, call_next: Any) -> Any:
    """Keeps the client's notifications that no handler of this server sees."""
    if ctx.request_id is None and ctx.method in ("notifications/cancelled", "notifications/roots/list_changed"):
        if len(observed) < KEPT:
            observed.append({"method": ctx.method, "params": dict(ctx.params or {})})
    if ctx.method == "tools/call" and (ctx.params or {}).get("name") == "liar":
        result = await call_next(ctx)
        # Structured content that does not match the tool's declared output schema.
        return types.CallToolResult(content=[types.TextContent(type="text", text="{}")], structured_content={"celsius": "hot"})
    return await call_next(ctx)


mcp = MCPServer("features", instructions="Exercises the client.", middleware=[watch])


class Weather(BaseModel):
    city: str
    celsius: float


class Name(BaseModel):
    name: str = Field(description="Who you are")


def short(text: str, limit: int = 64) -> str:
    return text[:limit]


@mcp.tool()
def weather(city: str) -> Weather:
    """A structured result, checked against its output schema."""
    return Weather(city=short(city), celsius=21.5)


@mcp.tool()
def liar() -> Weather:
    """Declares Weather; the middleware answers with content that breaks it."""
    return Weather(city="nowhere", celsius=0)


@mcp.tool()
async def slow(ctx: Context, steps: int = 3, delay: float = 0.1) -> str:
    """Reports progress `steps` times, `delay` seconds apart."""
    steps, delay = max(0, min(steps, 20)), max(0.0, min(delay, 1.0))
    for step in range(steps):
        await anyio.sleep(delay)
        await ctx.report_progress(step + 1, steps, f"step {step + 1}")
    return f"done in {steps} steps"


@mcp.tool()
async def sleepy(seconds: float = 5.0) -> str:
    """Sleeps (at most 10 s): what a client times out on."""
    await anyio.sleep(max(0.0, min(seconds, 10.0)))
    return "woke up"


@mcp.tool()
async def shout(ctx: Context) -> str:
    """A log message at each level from the one the client set (`logging/setLevel`)."""
    first = LEVELS.index(state["level"])
    for level in LEVELS[first:]:
        await ctx.request_context.session.send_log_message(level, {"said": level}, logger="features", related_request_id=ctx.request_id)
    return f"{len(LEVELS) - first} messages"


@mcp.tool()
async def ask_sampling(ctx: Context, prompt: str) -> str:
    """Asks the client's model."""
    result = await ctx.request_context.session.create_message(
        messages=[types.SamplingMessage(role="user", content=types.TextContent(type="text", text=short(prompt, 256)))],
        max_tokens=16,
    )
    return f"{result.model}: {result.content.text if isinstance(result.content, types.TextContent) else '?'}"


@mcp.tool()
async def ask_form(ctx: Context) -> str:
    """Asks the user for a name through a form."""
    answer = await ctx.elicit("What is your name?", Name)
    return f"{answer.action}: {answer.data.name if answer.action == 'accept' else '-'}"


@mcp.tool()
async def ask_url(ctx: Context) -> str:
    """Sends the user to a URL."""
    answer = await ctx.elicit_url("Sign in, please", "https://example.com/sign-in", "sign-in-1")
    return answer.action


@mcp.tool()
async def ask_roots(ctx: Context) -> list[str]:
    """The client's roots."""
    result = await ctx.request_context.session.list_roots()
    return [str(root.uri) for root in result.roots]


@mcp.tool()
async def grow(ctx: Context) -> str:
    """Adds a tool and says the tool, prompt and resource lists changed."""
    if "grown" not in [tool.name for tool in mcp._tool_manager.list_tools()]:
        mcp.add_tool(lambda: "grown", name="grown", description="Added at run time")
    session = ctx.request_context.session
    await session.send_tool_list_changed()
    await session.send_prompt_list_changed()
    await session.send_resource_list_changed()
    return "grown"


@mcp.tool()
async def touch(ctx: Context, uri: str) -> bool:
    """Says `uri` changed, when the client subscribed to it."""
    if uri not in subscribed:
        return False
    await ctx.request_context.session.send_resource_updated(short(uri, 256))
    return True


@mcp.tool()
def seen() -> list[dict[str, Any]]:
    """What the middleware kept of the client's notifications."""
    return list(observed)


@mcp.resource("note://a")
def note_a() -> str:
    """A fixed note."""
    return "the first note"


@mcp.resource("note://{name}")
def note(name: str) -> str:
    """A note by name."""
    return f"a note called {short(name)}"


@mcp.prompt()
def greet(name: str, style: str = "plain") -> list[UserMessage]:
    """Greets someone."""
    return [UserMessage(f"Say hello to {short(name)}, {short(style)}.")]


@mcp.completion()
async def complete(ref: Any, argument: Any, context: Any) -> types.Completion | None:
    options = {"name": ["alpha", "alfred", "beta"], "style": ["plain", "poetic"]}.get(argument.name, [])
    return types.Completion(values=[o for o in options if o.startswith(argument.value)], total=len(options), has_more=False)


async def on_subscribe(ctx: Any, params: types.SubscribeRequestParams) -> types.EmptyResult:
    if len(subscribed) < KEPT:
        subscribed.add(str(params.uri))
    return types.EmptyResult()


async def on_unsubscribe(ctx: Any, params: types.UnsubscribeRequestParams) -> types.EmptyResult:
    subscribed.discard(str(params.uri))
    return types.EmptyResult()


async def on_set_level(ctx: Any, params: types.SetLevelRequestParams) -> types.EmptyResult:
    state["level"] = params.level
    return types.EmptyResult()


low = mcp._lowlevel_server
low.add_request_handler("resources/subscribe", types.SubscribeRequestParams, on_subscribe)
low.add_request_handler("resources/unsubscribe", types.UnsubscribeRequestParams, on_unsubscribe)
low.add_request_handler("logging/setLevel", types.SetLevelRequestParams, on_set_level)

if __name__ == "__main__":
    mcp.run()

"""What the published servers leave out, driven with the mcpforge Python client against servers
on the official SDK, each feature asserted: structured output checked against the output
schema, resources read and subscribed to with their update notifications, a prompt,
completion, the logging level and log messages, progress, a timed-out call cancelled with its
reason, sampling, elicitation in form and URL mode, roots and their `list_changed`, and the
list-changed notifications (tests/clients/servers/features.py, on the official `MCPServer`);
and pagination followed (python-sdk's simple-pagination example, five tools a page).
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import types
from mcpforge.client import Client, StdioServerParameters
from mcpforge.errors import McpError
from support import HANDSHAKE, REPO_ROOT, run

BIN = Path(sys.executable).parent
FEATURES = Path(__file__).parent / "servers" / "features.py"
PAGINATION = BIN.parent.parent / "python-sdk" / "simple-pagination"
# How long a notification may take to arrive; a bound, not an expectation.
ARRIVES = 10.0


class Seen:
    """What the client was told and asked, as it came."""

    def __init__(self) -> None:
        self.notifications: list[Any] = []
        self.logs: list[Any] = []
        self.asked: list[tuple[str, Any]] = []

    async def wait_for(self, found: Callable[[], bool], what: str) -> None:
        with anyio.fail_after(ARRIVES):
            while not found():
                await anyio.sleep(0.01)

    def methods(self) -> list[str]:
        return [n.method for n in self.notifications]


@asynccontextmanager
async def features(seen: Seen, root: Path) -> AsyncIterator[Client]:
    """The mcpforge client on the features server, with callbacks that record and answer."""

    async def sample(context: Any, params: Any) -> types.CreateMessageResult:
        seen.asked.append(("sampling", params))
        return types.CreateMessageResult(role="assistant", content=types.TextContent(type="text", text="Hello from the client"), model="fixed-model")

    async def elicit(context: Any, params: Any) -> dict[str, Any]:
        seen.asked.append(("elicitation", params))
        if params.mode == "url":
            return {"action": "accept"}
        return {"action": "accept", "content": {"name": "Ada"}}

    async def roots(context: Any) -> types.ListRootsResult:
        seen.asked.append(("roots", None))
        return types.ListRootsResult(roots=[types.Root(uri=root.as_uri(), name="work")])

    params = StdioServerParameters(str(BIN / "python"), [str(FEATURES)], cwd=str(REPO_ROOT))
    async with Client(
        params,
        mode=HANDSHAKE,
        sampling_callback=sample,
        elicitation_callback=elicit,
        list_roots_callback=roots,
        logging_callback=seen.logs.append,
        message_handler=seen.notifications.append,
    ) as client:
        yield client


def text(result: Any) -> str:
    return " ".join(block.text for block in result.content if getattr(block, "type", None) == "text")


async def what_the_server_is_and_offers(client: Client, seen: Seen, root: Path) -> None:
    assert client.server_info is not None and client.server_info.name == "features"
    assert client.instructions == "Exercises the client."
    capabilities = client.server_capabilities
    assert capabilities.tools is not None and capabilities.prompts is not None and capabilities.completions is not None
    assert capabilities.resources is not None and capabilities.resources["subscribe"]
    assert capabilities.logging is not None
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert {"weather", "liar", "slow", "sleepy", "shout", "ask_sampling", "ask_form", "ask_url", "ask_roots", "grow", "touch", "seen"} <= set(tools)
    assert tools["weather"].outputSchema["properties"]["celsius"]["type"] == "number"
    await client.send_ping()



async def structured_output_is_checked_against_the_output_schema(client: Client, seen: Seen, root: Path) -> None:
    await client.list_tools()  # the client learns the output schemas
    result = await client.call_tool("weather", {"city": "Oslo"})
    assert result.structuredContent == {"city": "Oslo", "celsius": 21.5}
    assert not result.isError
    with pytest.raises(McpError) as refused:
        await client.call_tool("liar", {})
    assert "celsius" in refused.value.message, refused.value.message
    refused_arguments = await client.call_tool("weather", {"city": 7})
    assert refused_arguments.isError



async def resources_read_subscribe_and_updates(client: Client, seen: Seen, root: Path) -> None:
    assert [r.uri for r in (await client.list_resources()).resources] == ["note://a"]
    assert [t.uriTemplate for t in (await client.list_resource_templates()).resourceTemplates] == ["note://{name}"]
    read = await client.read_resource("note://b")
    assert read.contents[0].text == "a note called b"
    assert (await client.read_resource("note://a")).contents[0].text == "the first note"
    await client.subscribe_resource("note://a")
    assert text(await client.call_tool("touch", {"uri": "note://a"})) == "true"
    await seen.wait_for(lambda: "notifications/resources/updated" in seen.methods(), "the update")
    updated = [n for n in seen.notifications if n.method == "notifications/resources/updated"]
    assert updated[0].params["uri"] == "note://a"
    await client.unsubscribe_resource("note://a")
    assert text(await client.call_tool("touch", {"uri": "note://a"})) == "false"
    with pytest.raises(McpError):
        await client.read_resource("other://nothing")



async def prompts_and_completion(client: Client, seen: Seen, root: Path) -> None:
    prompts = (await client.list_prompts()).prompts
    assert [p.name for p in prompts] == ["greet"]
    got = await client.get_prompt("greet", {"name": "Ada", "style": "poetic"})
    assert got.messages[0].content.text == "Say hello to Ada, poetic."
    with pytest.raises(McpError):
        await client.get_prompt("greet", {})
    completed = await client.complete({"type": "ref/prompt", "name": "greet"}, {"name": "name", "value": "al"})
    assert completed.completion.values == ["alpha", "alfred"]
    assert completed.completion.total == 3
    styles = await client.complete({"type": "ref/prompt", "name": "greet"}, {"name": "style", "value": ""}, {"name": "Ada"})
    assert styles.completion.values == ["plain", "poetic"]



async def logging_level_and_log_messages(client: Client, seen: Seen, root: Path) -> None:
    await client.set_logging_level("error")
    assert text(await client.call_tool("shout", {})) == "4 messages"
    await seen.wait_for(lambda: len(seen.logs) >= 4, "four log messages")
    assert [log.level for log in seen.logs] == ["error", "critical", "alert", "emergency"]
    assert seen.logs[0].data == {"said": "error"} and seen.logs[0].logger == "features"
    assert seen.methods().count("notifications/message") == 4  # message_handler sees them too



async def progress_and_a_timeout_cancelled_with_its_reason(client: Client, seen: Seen, root: Path) -> None:
    progress: list[tuple[float, Any, Any]] = []
    result = await client.call_tool("slow", {"steps": 3, "delay": 0.05}, progress_callback=lambda p, t, m: progress.append((p, t, m)))
    assert text(result) == "done in 3 steps"
    await seen.wait_for(lambda: len(progress) >= 3, "three progress notifications")
    assert progress == [(1.0, 3.0, "step 1"), (2.0, 3.0, "step 2"), (3.0, 3.0, "step 3")]
    with pytest.raises(McpError) as timed_out:
        await client.call_tool("sleepy", {"seconds": 10}, read_timeout_seconds=0.3)
    assert timed_out.value.code == -32001, timed_out.value

    async def cancelled() -> list[Any]:
        kept = (await client.call_tool("seen", {})).structuredContent["result"]
        return [n["params"] for n in kept if n["method"] == "notifications/cancelled"]

    with anyio.fail_after(ARRIVES):
        while not (reasons := await cancelled()):
            await anyio.sleep(0.05)
    assert reasons[0]["reason"] == "the request timed out"
    assert "requestId" in reasons[0]



async def sampling_elicitation_and_roots(client: Client, seen: Seen, root: Path) -> None:
    assert text(await client.call_tool("ask_sampling", {"prompt": "Say hello"})) == "fixed-model: Hello from the client"
    kind, params = seen.asked[-1]
    assert kind == "sampling" and params.messages[0].content.text == "Say hello" and params.maxTokens == 16
    assert text(await client.call_tool("ask_form", {})) == "accept: Ada"
    kind, params = seen.asked[-1]
    assert kind == "elicitation" and params.message == "What is your name?"
    assert params.requestedSchema["properties"]["name"]["type"] == "string"
    assert text(await client.call_tool("ask_url", {})) == "accept"
    kind, params = seen.asked[-1]
    assert (kind, params.mode, params.url, params.elicitationId) == ("elicitation", "url", "https://example.com/sign-in", "sign-in-1")
    roots = await client.call_tool("ask_roots", {})
    assert roots.structuredContent == {"result": [root.as_uri()]}
    await client.send_roots_list_changed()

    async def told() -> bool:
        kept = (await client.call_tool("seen", {})).structuredContent["result"]
        return any(n["method"] == "notifications/roots/list_changed" for n in kept)

    with anyio.fail_after(ARRIVES):
        while not await told():
            await anyio.sleep(0.05)



async def list_changed_notifications(client: Client, seen: Seen, root: Path) -> None:
    assert "grown" not in [t.name for t in (await client.list_tools()).tools]
    assert text(await client.call_tool("grow", {})) == "grown"
    changed = {"notifications/tools/list_changed", "notifications/prompts/list_changed", "notifications/resources/list_changed"}
    await seen.wait_for(lambda: changed <= set(seen.methods()), "the three list changes")
    assert "grown" in [t.name for t in (await client.list_tools()).tools]


# Each feature in turn on one connection (one server start): the list changes last, as they
# add a tool.
CHECKS: list[Callable[[Client, Seen, Path], Awaitable[None]]] = [
    what_the_server_is_and_offers,
    structured_output_is_checked_against_the_output_schema,
    resources_read_subscribe_and_updates,
    prompts_and_completion,
    logging_level_and_log_messages,
    progress_and_a_timeout_cancelled_with_its_reason,
    sampling_elicitation_and_roots,
    list_changed_notifications,
]


def test_every_feature_on_one_connection(tmp_path: Path) -> None:
    async def body() -> None:
        seen = Seen()
        async with features(seen, tmp_path) as client:
            for check in CHECKS:
                try:
                    await check(client, seen, tmp_path)
                except BaseException as e:
                    e.add_note(f"in {check.__name__}")
                    raise

    run(body, deadline=90)


def test_every_page_is_followed(tmp_path: Path) -> None:
    """python-sdk's pagination example serves 25 tools five a page, 30 resources ten a page and
    20 prompts seven a page: a list asked without a cursor comes back whole; with a cursor,
    one page and the next cursor."""

    async def body() -> None:
        params = StdioServerParameters(str(BIN / "python"), ["-m", "mcp_simple_pagination"], env={"PYTHONPATH": str(PAGINATION)}, cwd=str(REPO_ROOT))
        async with Client(params, mode=HANDSHAKE) as client:
            tools = (await client.list_tools()).tools
            assert [t.name for t in tools] == [f"tool_{i}" for i in range(1, 26)]
            assert len((await client.list_resources()).resources) == 30
            assert len((await client.list_prompts()).prompts) == 20
            page = await client.list_tools(cursor="5")
            assert [t.name for t in page.tools] == [f"tool_{i}" for i in range(6, 11)] and page.nextCursor == "10"

    run(body, deadline=60)

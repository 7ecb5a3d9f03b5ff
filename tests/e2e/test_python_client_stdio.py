"""The official Python MCP client (PyPI `mcp`, pinned in scripts/setup.sh) drives the example
servers `quickstart` and `everything` (target/debug) over stdio, in separate processes: our wire
format against a real peer.

The v2 client speaks two wires, and every feature test runs on both:

- 2026-07-28, the stateless wire: `mcp.Client` over `stdio_client` in its default `mode="auto"`
  (a `server/discover` probe, then every request carries its own `_meta`; elicitation, sampling
  and roots arrive as `input_required` results that the client answers and retries; list changes
  and resource updates come on a `subscriptions/listen` stream; logs only when a request opts in);
- 2025-11-25, the initialize handshake: `mcp.ClientSession.initialize()` over `stdio_client`
  (server-to-client requests and notifications on the session).

Covered on each: the server's identity and capabilities; tools/list names and schemas; tool
results (exact texts, `weather`'s structuredContent checked against its outputSchema, every
content type as the client's typed objects, tool errors, bad arguments as the version requires);
progress and logging callbacks, and the client's log level; elicitation, sampling and roots
through the client's callbacks, concurrent sampling answered out of order, a missing client
capability; resources (list, read, template read, not found), prompts (list, get) and
completions; a tool that prints to stdout leaves the stream intact; tools list_changed
(`toggle_bonus_tool`) and resource updates; the methods 2026-07-28 removed (ping, setLevel,
subscribe); cancellation; concurrent, large and non-ASCII requests. Also: the handshake forced to each older version (2024-11-05, 2025-03-26, 2025-06-18)
with that version's shapes and errors, `Client(mode="legacy")`, a pinned `mode="2026-07-28"`
without a probe, and that the server process ends with the client.

Every test runs under a deadline and every request under a read timeout; conftest.py checks
that no server process outlives its test.
"""

from __future__ import annotations

import base64
import json
import tomllib
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import anyio
import jsonschema
import mcp.types as types
import pytest
from mcp import Client, ClientSession, MCPError, StdioServerParameters, stdio_client
from mcp.client.subscriptions import ResourcesListChanged, ResourceUpdated, ToolsListChanged
from mcp.shared.exceptions import MCPDeprecationWarning

REPO_ROOT = Path(__file__).resolve().parents[2]

MODERN = "2026-07-28"
HANDSHAKE = "2025-11-25"
WIRES = [MODERN, HANDSHAKE]
OLDER_HANDSHAKE_VERSIONS = ["2024-11-05", "2025-03-26", "2025-06-18"]

# Bounds, not expectations: a healthy run takes milliseconds.
TEST_DEADLINE = 60.0
REQUEST_TIMEOUT = 20.0
NOTIFICATION_WAIT = 20.0

SERVER_VERSION = tomllib.loads((REPO_ROOT / "Cargo.toml").read_text())["workspace"]["package"]["version"]

# What examples/rust/src/bin/everything.rs serves.
PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
WAV_EMPTY = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA="
LANGUAGES = ["c", "cpp", "go", "java", "javascript", "python", "rust", "typescript"]
EVERYTHING_TOOLS = [
    "echo",
    "weather",
    "media",
    "count",
    "fail",
    "ask_name",
    "approve_job",
    "background_job",
    "summarize",
    "roots",
    "write_note",
    "toggle_bonus_tool",
    "noisy",
]
WEATHER_OUTPUT_SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "temperature_c": {"type": "number"},
        "conditions": {"type": "string"},
    },
    "required": ["city", "temperature_c", "conditions"],
}

Peer = Client | ClientSession
"""What the tests drive: both expose the same request methods."""


def run(body: Callable[[], Awaitable[None]]) -> None:
    """Runs one test body on an event loop, under the test deadline."""

    async def bounded() -> None:
        with anyio.fail_after(TEST_DEADLINE):
            await body()

    anyio.run(bounded, backend="asyncio")


@asynccontextmanager
async def connect(binary: Path, wire: str, errlog: TextIO, **options: Any) -> AsyncIterator[Peer]:
    """Starts `binary` through the client's stdio transport and connects on `wire`.

    `options` are the client's callbacks (`sampling_callback`, `elicitation_callback`,
    `list_roots_callback`, `logging_callback`, `message_handler`) and `log_level`.
    """
    params = StdioServerParameters(command=str(binary), cwd=str(REPO_ROOT))
    if wire == MODERN:
        # The client's default: probe `server/discover`, fall back to `initialize` only if
        # the server is not modern. Ours is, so it must stay on the stateless wire.
        transport = stdio_client(params, errlog=errlog)
        async with Client(transport, mode="auto", read_timeout_seconds=REQUEST_TIMEOUT, **options) as client:
            assert client.protocol_version == MODERN
            assert client.session.discover_result is not None
            assert client.session.initialize_result is None
            yield client
    else:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write, read_timeout_seconds=REQUEST_TIMEOUT, **options) as session:
                result = await session.initialize()
                assert result.protocol_version == wire
                assert session.protocol_version == wire
                yield session


async def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Waits (bounded) for notifications, which the client delivers on tasks of their own."""
    try:
        with anyio.fail_after(NOTIFICATION_WAIT):
            while not condition():
                await anyio.sleep(0.005)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


def only_text(result: types.CallToolResult) -> str:
    """The text of a result that must be exactly one text block."""
    assert len(result.content) == 1, result.content
    block = result.content[0]
    assert isinstance(block, types.TextContent), block
    return block.text


def text_block(text: str) -> types.TextContent:
    return types.TextContent(type="text", text=text)


def ok_text(result: types.CallToolResult) -> str:
    assert not result.is_error, result
    return only_text(result)


def error_text(result: types.CallToolResult) -> str:
    assert result.is_error is True, result
    return only_text(result)


def tools_by_name(listing: types.ListToolsResult) -> dict[str, types.Tool]:
    assert listing.next_cursor is None
    return {tool.name: tool for tool in listing.tools}


# ---------------------------------------------------------------------------------------------
# quickstart
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("wire", WIRES)
def test_quickstart_identifies_itself(wire: str, quickstart: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with connect(quickstart, wire, errlog) as client:
            assert client.server_info is not None
            assert client.server_info.name == "mcpforge-quickstart"
            assert client.server_info.version == SERVER_VERSION
            assert client.instructions == "Tools to echo text, add numbers and tell the time."
            caps = client.server_capabilities
            assert caps is not None
            assert caps.tools is not None

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_quickstart_lists_its_tools(wire: str, quickstart: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with connect(quickstart, wire, errlog) as client:
            listing = await client.list_tools()
            assert [t.name for t in listing.tools] == ["echo", "add", "current_time"]
            tools = tools_by_name(listing)

            echo = tools["echo"]
            assert echo.description == "Echo the text back"
            assert echo.input_schema["type"] == "object"
            assert echo.input_schema["properties"]["text"]["type"] == "string"
            assert echo.input_schema["required"] == ["text"]
            assert echo.output_schema is None

            add = tools["add"]
            assert add.description == "Add two numbers"
            assert add.input_schema["type"] == "object"
            assert {k: v["type"] for k, v in add.input_schema["properties"].items()} == {"a": "number", "b": "number"}
            assert sorted(add.input_schema["required"]) == ["a", "b"]

            now = tools["current_time"]
            assert now.description == "The current time in UTC (RFC 3339)"
            assert now.input_schema["type"] == "object"
            assert not now.input_schema.get("required")
            assert now.annotations is not None
            assert now.annotations.read_only_hint is True

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_quickstart_tool_results(wire: str, quickstart: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with connect(quickstart, wire, errlog) as client:
            assert ok_text(await client.call_tool("echo", {"text": "hello, mcpforge"})) == "hello, mcpforge"
            assert ok_text(await client.call_tool("add", {"a": 2, "b": 3})) == "5"
            assert ok_text(await client.call_tool("add", {"a": -1.5, "b": 0.25})) == "-1.25"
            assert ok_text(await client.call_tool("add", {"a": 0.1, "b": 0.2})) == "0.30000000000000004"

            before = datetime.now(UTC)
            stamp = ok_text(await client.call_tool("current_time", {}))
            after = datetime.now(UTC)
            parsed = datetime.fromisoformat(stamp)  # RFC 3339, e.g. 2026-01-02T03:04:05.678Z
            assert parsed.utcoffset() == timedelta(0), stamp
            # Same machine, same clock: the server's time falls within the call (with slack
            # for sub-second rounding), not a timing assertion.
            assert before - timedelta(seconds=1) <= parsed <= after + timedelta(seconds=1), stamp

    run(body)


# ---------------------------------------------------------------------------------------------
# everything: identity, tools/list, tool results
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("wire", WIRES)
def test_everything_identifies_itself(wire: str, everything: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with connect(everything, wire, errlog) as client:
            info = client.server_info
            assert info is not None
            assert info.name == "mcpforge-everything"
            assert info.title == "mcpforge everything"
            assert info.version == SERVER_VERSION
            assert info.description == "Every feature of the engine in one server"
            assert client.instructions == "A showcase server: tools, resources, prompts and completions."
            caps = client.server_capabilities
            assert caps is not None
            assert caps.tools is not None and caps.tools.list_changed is True
            assert caps.resources is not None
            assert caps.resources.subscribe is True and caps.resources.list_changed is True
            assert caps.prompts is not None and caps.prompts.list_changed is True
            assert caps.completions is not None
            assert caps.logging is not None

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_everything_lists_its_tools(wire: str, everything: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with connect(everything, wire, errlog) as client:
            listing = await client.list_tools()
            assert [t.name for t in listing.tools] == EVERYTHING_TOOLS
            tools = tools_by_name(listing)

            echo = tools["echo"]
            assert echo.title == "Echo"
            assert echo.input_schema["properties"]["text"]["type"] == "string"
            assert echo.input_schema["required"] == ["text"]
            assert echo.annotations is not None
            assert echo.annotations.read_only_hint is True
            assert echo.annotations.open_world_hint is False

            weather = tools["weather"]
            assert weather.output_schema == WEATHER_OUTPUT_SCHEMA
            assert weather.input_schema["required"] == ["city"]

            steps = tools["count"].input_schema["properties"]["steps"]
            assert (steps["type"], steps["minimum"], steps["maximum"]) == ("integer", 1, 100)
            assert tools["count"].input_schema["required"] == ["steps"]

            assert sorted(tools["write_note"].input_schema["required"]) == ["name", "text"]
            for name in ("media", "fail", "ask_name", "roots", "toggle_bonus_tool", "noisy"):
                assert tools[name].input_schema["type"] == "object", name
                assert tools[name].output_schema is None, name

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_weather_structured_output(wire: str, everything: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with connect(everything, wire, errlog) as client:
            schema = tools_by_name(await client.list_tools())["weather"].output_schema
            assert schema is not None
            for city in ("Paris", "Zürich", "東京"):
                result = await client.call_tool("weather", {"city": city})
                assert not result.is_error
                # The example's deterministic "weather": UTF-8 byte sum modulo 35.
                expected = {"city": city, "temperature_c": float(sum(city.encode()) % 35), "conditions": "clear"}
                assert result.structured_content == expected
                jsonschema.validate(result.structured_content, schema)
                # The text block mirrors the structured content for older clients.
                assert json.loads(only_text(result)) == expected

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_media_returns_every_content_type(wire: str, everything: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with connect(everything, wire, errlog) as client:
            result = await client.call_tool("media", {})
            assert not result.is_error
            text, image, audio, link, embedded = result.content

            assert isinstance(text, types.TextContent)
            assert text.text == "Every content type:"

            assert isinstance(image, types.ImageContent)
            assert (image.data, image.mime_type) == (PNG_1X1, "image/png")
            assert base64.b64decode(image.data).startswith(b"\x89PNG\r\n\x1a\n")

            assert isinstance(audio, types.AudioContent)
            assert (audio.data, audio.mime_type) == (WAV_EMPTY, "audio/wav")
            wav = base64.b64decode(audio.data)
            assert (wav[:4], wav[8:12]) == (b"RIFF", b"WAVE")

            assert isinstance(link, types.ResourceLink)
            assert (link.uri, link.name) == ("memo://notes", "notes")

            assert isinstance(embedded, types.EmbeddedResource)
            assert isinstance(embedded.resource, types.TextResourceContents)
            assert embedded.resource.uri == "memo://embedded"
            assert embedded.resource.mime_type == "text/plain"
            assert embedded.resource.text == "embedded text"

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_tool_errors_and_bad_arguments(wire: str, everything: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with connect(everything, wire, errlog) as client:
            assert error_text(await client.call_tool("fail", {})) == "this tool always fails"

            # From 2025-11-25 on (and so on 2026-07-28), arguments that fail the input schema
            # are a tool execution error the model can read, not a protocol error.
            wrong_type = error_text(await client.call_tool("echo", {"text": 5}))
            assert wrong_type.startswith("Invalid arguments for tool echo:"), wrong_type
            assert "/text" in wrong_type, wrong_type
            missing = error_text(await client.call_tool("echo", {}))
            assert missing.startswith("Invalid arguments for tool echo:"), missing
            assert "text" in missing, missing
            out_of_range = error_text(await client.call_tool("count", {"steps": 0}))
            assert out_of_range.startswith("Invalid arguments for tool count:"), out_of_range

            # An unknown tool stays a protocol error.
            with pytest.raises(MCPError) as unknown:
                await client.call_tool("no_such_tool", {})
            assert unknown.value.code == types.INVALID_PARAMS
            assert "no_such_tool" in unknown.value.error.message

            # The server answered all of that and still serves.
            assert ok_text(await client.call_tool("echo", {"text": "still here"})) == "still here"

    run(body)


# ---------------------------------------------------------------------------------------------
# everything: progress, logging, client input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("wire", WIRES)
def test_progress_and_logging_reach_the_callbacks(wire: str, everything: Path, errlog: TextIO) -> None:
    progress: list[tuple[float, float | None, str | None]] = []
    logs: list[types.LoggingMessageNotificationParams] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total, message))

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        logs.append(params)

    async def body() -> None:
        # On 2026-07-28 logs are opt-in per request (`log_level` stamps the opt-in into every
        # request's `_meta`); on a handshake session everything passes until logging/setLevel.
        async with connect(everything, wire, errlog, logging_callback=on_log, log_level="debug") as client:
            result = await client.call_tool("count", {"steps": 3, "delay_ms": 1}, progress_callback=on_progress)
            assert ok_text(result) == "counted to 3"
            await wait_until(lambda: len(progress) >= 3 and len(logs) >= 3, "3 progress and 3 log notifications")
            assert progress == [(1.0, 3.0, "step 1"), (2.0, 3.0, "step 2"), (3.0, 3.0, "step 3")]
            assert [(m.level, m.logger, m.data) for m in logs] == [
                ("info", "count", {"step": 1}),
                ("info", "count", {"step": 2}),
                ("info", "count", {"step": 3}),
            ]

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_logging_follows_the_clients_level(wire: str, everything: Path, errlog: TextIO) -> None:
    """2026-07-28: no logs without a per-request opt-in, and only at or above its level.
    2025-11-25: logging/setLevel sets the level for the session."""
    logs: list[types.LoggingMessageNotificationParams] = []
    progress: list[float] = []

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        logs.append(params)

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(value)

    async def count_and_settle(client: Peer, meta: dict[str, Any] | None = None) -> None:
        progress.clear()
        result = await client.call_tool("count", {"steps": 2, "delay_ms": 1}, progress_callback=on_progress, meta=meta)
        assert ok_text(result) == "counted to 2"
        await wait_until(lambda: len(progress) == 2, "2 progress notifications")
        # Any log of that call was on the wire before its response; one more round trip
        # gives the client every chance to have delivered it.
        assert ok_text(await client.call_tool("echo", {"text": "sync"})) == "sync"

    async def body() -> None:
        async with connect(everything, wire, errlog, logging_callback=on_log) as client:
            if isinstance(client, Client):
                await count_and_settle(client)  # no opt-in: no logs
                assert logs == []
                await count_and_settle(client, {types.LOG_LEVEL_META_KEY: "warning"})  # info < warning
                assert logs == []
                await count_and_settle(client, {types.LOG_LEVEL_META_KEY: "info"})
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", MCPDeprecationWarning)
                    await client.set_logging_level("warning")
                await count_and_settle(client)
                assert logs == []
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", MCPDeprecationWarning)
                    await client.set_logging_level("info")
                await count_and_settle(client)
            await wait_until(lambda: len(logs) == 2, "2 log notifications")
            assert [(m.level, m.data) for m in logs] == [("info", {"step": 1}), ("info", {"step": 2})]

    run(body)


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (types.ElicitResult(action="accept", content={"name": "Ada"}), "Hello, Ada!"),
        (types.ElicitResult(action="decline"), "No name given (Decline)"),
        (types.ElicitResult(action="cancel"), "No name given (Cancel)"),
    ],
    ids=["accept", "decline", "cancel"],
)
def test_elicitation(wire: str, answer: types.ElicitResult, expected: str, everything: Path, errlog: TextIO) -> None:
    asked: list[types.ElicitRequestParams] = []

    async def elicitation_callback(ctx: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        asked.append(params)
        return answer

    async def body() -> None:
        async with connect(everything, wire, errlog, elicitation_callback=elicitation_callback) as client:
            assert ok_text(await client.call_tool("ask_name", {})) == expected
            assert len(asked) == 1
            assert isinstance(asked[0], types.ElicitRequestFormParams)
            assert asked[0].message == "What is your name?"
            assert asked[0].requested_schema == {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "required": ["name"],
            }

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_sampling(wire: str, everything: Path, errlog: TextIO) -> None:
    asked: list[types.CreateMessageRequestParams] = []

    async def sampling_callback(ctx: Any, params: types.CreateMessageRequestParams) -> types.CreateMessageResult:
        asked.append(params)
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text="A short summary."),
            model="e2e-model",
            stop_reason="endTurn",
        )

    async def body() -> None:
        async with connect(everything, wire, errlog, sampling_callback=sampling_callback) as client:
            result = await client.call_tool("summarize", {"text": "A long text about MCP."})
            assert ok_text(result) == "A short summary."
            assert len(asked) == 1
            assert asked[0].max_tokens == 200
            assert len(asked[0].messages) == 1
            message = asked[0].messages[0]
            assert message.role == "user"
            assert isinstance(message.content, types.TextContent)
            assert message.content.text == "Summarize in one sentence:\nA long text about MCP."

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_concurrent_sampling_answers_reach_their_own_calls(wire: str, everything: Path, errlog: TextIO) -> None:
    """Eight `summarize` calls wait on the client at once; the client answers them in reverse
    order of arrival, and each call gets the answer to its own question."""
    calls = 8
    arrived: list[str] = []
    all_arrived = anyio.Event()
    answered: dict[str, anyio.Event] = {}

    async def sampling_callback(ctx: Any, params: types.CreateMessageRequestParams) -> types.CreateMessageResult:
        content = params.messages[0].content
        assert isinstance(content, types.TextContent)
        question = content.text.rsplit("\n", 1)[-1]
        arrived.append(question)
        answered[question] = anyio.Event()
        if len(arrived) == calls:
            all_arrived.set()
        await all_arrived.wait()
        position = arrived.index(question)
        if position + 1 < calls:  # answer after the question that arrived next
            await answered[arrived[position + 1]].wait()
        answered[question].set()
        return types.CreateMessageResult(
            role="assistant", content=types.TextContent(type="text", text=f"answer to {question}"), model="e2e"
        )

    async def body() -> None:
        async with connect(everything, wire, errlog, sampling_callback=sampling_callback) as client:
            results: dict[int, str] = {}

            async def summarize(i: int) -> None:
                results[i] = ok_text(await client.call_tool("summarize", {"text": f"question {i}"}))

            async with anyio.create_task_group() as tg:
                for i in range(calls):
                    tg.start_soon(summarize, i)
            assert results == {i: f"answer to question {i}" for i in range(calls)}
            assert sorted(arrived) == sorted(f"question {i}" for i in range(calls))

    run(body)


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize(
    ("roots", "expected"),
    [
        (
            [types.Root(uri="file:///srv/project", name="project"), types.Root(uri="file:///tmp")],
            "file:///srv/project\nfile:///tmp",
        ),
        ([], "no roots"),
    ],
    ids=["two-roots", "no-roots"],
)
def test_roots(wire: str, roots: list[types.Root], expected: str, everything: Path, errlog: TextIO) -> None:
    calls = 0

    async def list_roots_callback(ctx: Any) -> types.ListRootsResult:
        nonlocal calls
        calls += 1
        return types.ListRootsResult(roots=roots)

    async def body() -> None:
        async with connect(everything, wire, errlog, list_roots_callback=list_roots_callback) as client:
            assert ok_text(await client.call_tool("roots", {})) == expected
            assert calls == 1

    run(body)


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize(
    ("tool", "arguments", "capability"),
    [
        ("summarize", {"text": "x"}, {"sampling": {}}),
        ("ask_name", {}, {"elicitation": {"form": {}}}),
        ("roots", {}, {"roots": {}}),
    ],
    ids=["sampling", "elicitation", "roots"],
)
def test_missing_client_capability(
    wire: str, tool: str, arguments: dict[str, Any], capability: dict[str, Any], everything: Path, errlog: TextIO
) -> None:
    """A tool that needs client input, called by a client that declared no such capability."""

    async def body() -> None:
        async with connect(everything, wire, errlog) as client:
            if wire == MODERN:
                # 2026-07-28 defines an error for it, naming what is missing.
                with pytest.raises(MCPError) as missing:
                    await client.call_tool(tool, arguments)
                assert missing.value.code == types.MISSING_REQUIRED_CLIENT_CAPABILITY
                assert missing.value.error.data == {"requiredCapabilities": capability}
            else:
                # No such error on a handshake session: the server must not send the request,
                # and the tool fails instead.
                text = error_text(await client.call_tool(tool, arguments))
                assert next(iter(capability)) in text, text
            assert ok_text(await client.call_tool("echo", {"text": "ok"})) == "ok"

    run(body)


# ---------------------------------------------------------------------------------------------
# everything: resources, prompts, completions
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("wire", WIRES)
def test_resources(wire: str, everything: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with connect(everything, wire, errlog) as client:
            listing = await client.list_resources()
            assert listing.next_cursor is None
            assert [(r.uri, r.name, r.mime_type, r.description) for r in listing.resources] == [
                ("memo://notes", "notes", "text/plain", "Index of all notes"),
                ("memo://logo.png", "logo", "image/png", "A tiny PNG"),
            ]

            templates = await client.list_resource_templates()
            assert [(t.uri_template, t.name, t.mime_type) for t in templates.resource_templates] == [
                ("memo://notes/{name}", "note", "text/plain")
            ]

            (index,) = (await client.read_resource("memo://notes")).contents
            assert isinstance(index, types.TextResourceContents)
            assert (index.uri, index.mime_type, index.text) == ("memo://notes", "text/plain", "memo://notes/welcome")

            (logo,) = (await client.read_resource("memo://logo.png")).contents
            assert isinstance(logo, types.BlobResourceContents)
            assert (logo.uri, logo.mime_type, logo.blob) == ("memo://logo.png", "image/png", PNG_1X1)

            (note,) = (await client.read_resource("memo://notes/welcome")).contents
            assert isinstance(note, types.TextResourceContents)
            assert (note.uri, note.mime_type) == ("memo://notes/welcome", "text/plain")
            assert note.text == "Hello from mcpforge."

            with pytest.raises(MCPError) as missing:
                await client.read_resource("memo://notes/missing")
            # "Resource not found" is -32002 on handshake versions and -32602 on 2026-07-28.
            expected_code = types.INVALID_PARAMS if wire == MODERN else -32002
            assert missing.value.code == expected_code
            assert missing.value.error.data == {"uri": "memo://notes/missing"}

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_prompts(wire: str, everything: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with connect(everything, wire, errlog) as client:
            listing = await client.list_prompts()
            assert listing.next_cursor is None
            (prompt,) = listing.prompts
            assert (prompt.name, prompt.description) == ("code_review", "Review a piece of code")
            assert prompt.arguments is not None
            assert [(a.name, a.description, bool(a.required)) for a in prompt.arguments] == [
                ("code", "The code to review", True),
                ("language", "Its programming language", False),
            ]

            plain = await client.get_prompt("code_review", {"code": "fn main() {}"})
            # Without a language the example says "this the code": its wording, kept as it is.
            assert [(m.role, m.content) for m in plain.messages] == [
                ("user", text_block("Please review this the code for bugs and style:\n\nfn main() {}")),
                ("assistant", text_block("I will look for correctness first.")),
            ]
            with_language = await client.get_prompt("code_review", {"code": "fn main() {}", "language": "rust"})
            first = with_language.messages[0].content
            assert isinstance(first, types.TextContent)
            assert first.text == "Please review this rust for bugs and style:\n\nfn main() {}"

            with pytest.raises(MCPError) as missing:
                await client.get_prompt("code_review", {})
            assert missing.value.code == types.INVALID_PARAMS
            assert "code" in missing.value.error.message

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_completions(wire: str, everything: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with connect(everything, wire, errlog) as client:
            prompt = types.PromptReference(type="ref/prompt", name="code_review")
            ru = await client.complete(prompt, {"name": "language", "value": "ru"})
            assert ru.completion.values == ["rust"]
            java = await client.complete(prompt, {"name": "language", "value": "java"})
            assert java.completion.values == ["java", "javascript"]
            all_languages = await client.complete(prompt, {"name": "language", "value": ""})
            assert all_languages.completion.values == LANGUAGES

            notes = types.ResourceTemplateReference(type="ref/resource", uri="memo://notes/{name}")
            welcome = await client.complete(notes, {"name": "name", "value": "we"})
            assert welcome.completion.values == ["welcome"]

    run(body)


# ---------------------------------------------------------------------------------------------
# everything: the stream, list changes, cancellation, load
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("wire", WIRES)
def test_noisy_tool_does_not_corrupt_the_stream(wire: str, everything: Path, errlog: TextIO) -> None:
    incoming: list[Any] = []

    async def message_handler(message: Any) -> None:
        incoming.append(message)

    async def body() -> None:
        async with connect(everything, wire, errlog, message_handler=message_handler) as client:
            assert ok_text(await client.call_tool("noisy", {})) == "printed; child exited with 0"
            assert ok_text(await client.call_tool("echo", {"text": "after the noise"})) == "after the noise"
            assert ok_text(await client.call_tool("noisy", {})) == "printed; child exited with 0"
            assert [t.name for t in (await client.list_tools()).tools] == EVERYTHING_TOOLS

    run(body)
    # A line the client could not parse would have reached the message handler as an exception.
    assert not [m for m in incoming if isinstance(m, Exception)], incoming
    # The stray output went to stderr instead.
    errlog.flush()
    stderr = Path(errlog.name).read_text(encoding="utf-8")
    assert stderr.count("a stray print from a tool") == 2, stderr
    assert stderr.count("a child process writing to stdout") == 2, stderr


@pytest.mark.parametrize("wire", WIRES)
def test_tools_list_changed(wire: str, everything: Path, errlog: TextIO) -> None:
    changes: list[types.ToolListChangedNotification] = []

    async def message_handler(message: Any) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            changes.append(message)

    async def toggle_and_relist(client: Peer, expected: str) -> list[str]:
        assert ok_text(await client.call_tool("toggle_bonus_tool", {})) == expected
        return [t.name for t in (await client.list_tools()).tools]

    async def body() -> None:
        async with connect(everything, wire, errlog, message_handler=message_handler) as client:
            assert "bonus" not in [t.name for t in (await client.list_tools()).tools]
            if isinstance(client, Client):
                # 2026-07-28: no unsolicited notifications; changes come on a listen stream.
                async with client.listen(tools_list_changed=True) as subscription:
                    assert subscription.honored.tools_list_changed is True
                    events = aiter(subscription)
                    assert ok_text(await client.call_tool("toggle_bonus_tool", {})) == "added bonus"
                    with anyio.fail_after(NOTIFICATION_WAIT):
                        assert await anext(events) == ToolsListChanged()
                    assert [t.name for t in (await client.list_tools()).tools] == [*EVERYTHING_TOOLS, "bonus"]
                    assert ok_text(await client.call_tool("bonus", {})) == "bonus!"
                    assert ok_text(await client.call_tool("toggle_bonus_tool", {})) == "removed bonus"
                    with anyio.fail_after(NOTIFICATION_WAIT):
                        assert await anext(events) == ToolsListChanged()
                    assert [t.name for t in (await client.list_tools()).tools] == EVERYTHING_TOOLS
            else:
                assert ok_text(await client.call_tool("toggle_bonus_tool", {})) == "added bonus"
                await wait_until(lambda: len(changes) == 1, "notifications/tools/list_changed")
                assert [t.name for t in (await client.list_tools()).tools] == [*EVERYTHING_TOOLS, "bonus"]
                assert ok_text(await client.call_tool("bonus", {})) == "bonus!"
                assert ok_text(await client.call_tool("toggle_bonus_tool", {})) == "removed bonus"
                await wait_until(lambda: len(changes) == 2, "a second notifications/tools/list_changed")
                assert [t.name for t in (await client.list_tools()).tools] == EVERYTHING_TOOLS
            with pytest.raises(MCPError) as gone:
                await client.call_tool("bonus", {})
            assert gone.value.code == types.INVALID_PARAMS

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_resource_updates(wire: str, everything: Path, errlog: TextIO) -> None:
    seen: list[Any] = []

    async def message_handler(message: Any) -> None:
        if isinstance(message, types.ResourceUpdatedNotification | types.ResourceListChangedNotification):
            seen.append(message)

    async def body() -> None:
        async with connect(everything, wire, errlog, message_handler=message_handler) as client:
            uri = "memo://notes/e2e"
            if isinstance(client, Client):
                async with client.listen(resource_subscriptions=[uri], resources_list_changed=True) as subscription:
                    assert subscription.honored.resource_subscriptions == [uri]
                    assert subscription.honored.resources_list_changed is True
                    events = aiter(subscription)
                    saved = await client.call_tool("write_note", {"name": "e2e", "text": "one"})
                    assert ok_text(saved) == f"saved {uri}"
                    got: set[Any] = set()
                    with anyio.fail_after(NOTIFICATION_WAIT):
                        while len(got) < 2:
                            got.add(await anext(events))
                    assert got == {ResourceUpdated(uri=uri), ResourcesListChanged()}
            else:
                with warnings.catch_warnings():
                    # Deprecated by the 2026-07-28 client API, current on 2025-11-25.
                    warnings.simplefilter("ignore", MCPDeprecationWarning)
                    await client.subscribe_resource(uri)
                assert ok_text(await client.call_tool("write_note", {"name": "e2e", "text": "one"})) == f"saved {uri}"
                await wait_until(lambda: len(seen) >= 2, "resources/updated and resources/list_changed")
                assert sorted(m.method for m in seen) == [
                    "notifications/resources/list_changed",
                    "notifications/resources/updated",
                ]
                (updated,) = [m for m in seen if isinstance(m, types.ResourceUpdatedNotification)]
                assert updated.params.uri == uri
            (note,) = (await client.read_resource(uri)).contents
            assert isinstance(note, types.TextResourceContents)
            assert note.text == "one"
            (index,) = (await client.read_resource("memo://notes")).contents
            assert isinstance(index, types.TextResourceContents)
            assert index.text == f"{uri}\nmemo://notes/welcome"
            bad = error_text(await client.call_tool("write_note", {"name": "no spaces", "text": "x"}))
            assert bad == "note names use letters, digits, `-` and `_`"

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_methods_removed_in_2026(wire: str, everything: Path, errlog: TextIO) -> None:
    """ping, logging/setLevel and resources/subscribe: current on 2025-11-25, gone on 2026-07-28."""

    async def body() -> None:
        async with connect(everything, wire, errlog) as client:
            session = client.session if isinstance(client, Client) else client
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MCPDeprecationWarning)
                calls = [
                    session.send_ping,
                    lambda: session.set_logging_level("debug"),
                    lambda: session.subscribe_resource("memo://notes/welcome"),
                    lambda: session.unsubscribe_resource("memo://notes/welcome"),
                ]
                for call in calls:
                    if wire == MODERN:
                        with pytest.raises(MCPError) as removed:
                            await call()
                        assert removed.value.code == types.METHOD_NOT_FOUND
                    else:
                        assert isinstance(await call(), types.EmptyResult)
            assert ok_text(await client.call_tool("echo", {"text": "ok"})) == "ok"

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_cancellation(wire: str, everything: Path, errlog: TextIO) -> None:
    first_progress = anyio.Event()

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        first_progress.set()

    async def body() -> None:
        async with connect(everything, wire, errlog) as client:
            finished = False
            with anyio.CancelScope() as scope:

                async def cancel_once_running() -> None:
                    await first_progress.wait()
                    scope.cancel()

                async with anyio.create_task_group() as tg:
                    tg.start_soon(cancel_once_running)
                    # 100 steps of 50 ms: long enough never to finish before the cancel.
                    await client.call_tool("count", {"steps": 100, "delay_ms": 50}, progress_callback=on_progress)
                    finished = True
            assert scope.cancelled_caught and not finished
            # The client told the server (notifications/cancelled); the connection goes on.
            assert ok_text(await client.call_tool("echo", {"text": "after cancel"})) == "after cancel"
            result = await client.call_tool("count", {"steps": 2, "delay_ms": 1})
            assert ok_text(result) == "counted to 2"

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_concurrent_large_and_unicode_requests(wire: str, everything: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with connect(everything, wire, errlog) as client:
            results: dict[int, str] = {}

            async def echo(i: int) -> None:
                results[i] = ok_text(await client.call_tool("echo", {"text": f"message {i}"}))

            async with anyio.create_task_group() as tg:
                for i in range(32):
                    tg.start_soon(echo, i)
            assert results == {i: f"message {i}" for i in range(32)}

            tricky = 'é 🌍 "quoted" \\ back\nslash\ttab \u2028 \u2029 \x00 end'
            assert ok_text(await client.call_tool("echo", {"text": tricky})) == tricky
            large = "0123456789abcdef🌍" * 60_000  # ~1.3 MB on the wire
            assert ok_text(await client.call_tool("echo", {"text": large})) == large

    run(body)


# ---------------------------------------------------------------------------------------------
# Other ways to connect
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", OLDER_HANDSHAKE_VERSIONS)
def test_handshake_forced_to_an_older_version(version: str, everything: Path, errlog: TextIO) -> None:
    """`ClientSession.initialize()` always offers 2025-11-25; its public `send_request` and
    `adopt` let a client offer an older version, and each gets that version's shapes."""
    has_audio = version >= "2025-03-26"  # annotations, audio, completions
    has_structured = version >= "2025-06-18"  # titles, outputSchema, structuredContent, resource links

    async def body() -> None:
        params = StdioServerParameters(command=str(everything), cwd=str(REPO_ROOT))
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write, read_timeout_seconds=REQUEST_TIMEOUT) as session:
                init = await session.send_request(
                    types.InitializeRequest(
                        params=types.InitializeRequestParams(
                            protocol_version=version,
                            capabilities=types.ClientCapabilities(),
                            client_info=types.Implementation(name="mcpforge-e2e", version="1"),
                        )
                    ),
                    types.InitializeResult,
                )
                assert init.protocol_version == version
                session.adopt(init)
                await session.send_notification(types.InitializedNotification())

                assert init.server_info.name == "mcpforge-everything"
                assert init.server_info.title == ("mcpforge everything" if has_structured else None)
                assert init.server_info.description is None  # 2025-11-25+
                assert (init.capabilities.completions is not None) == has_audio

                tools = tools_by_name(await session.list_tools())
                assert list(tools) == EVERYTHING_TOOLS
                assert tools["echo"].title == ("Echo" if has_structured else None)
                assert (tools["echo"].annotations is not None) == has_audio
                assert tools["weather"].output_schema == (WEATHER_OUTPUT_SCHEMA if has_structured else None)

                weather = await session.call_tool("weather", {"city": "Paris"})
                expected = {"city": "Paris", "temperature_c": 21.0, "conditions": "clear"}
                assert json.loads(only_text(weather)) == expected
                assert weather.structured_content == (expected if has_structured else None)

                media = (await session.call_tool("media", {})).content
                kinds = [type(block) for block in media]
                assert kinds == [
                    types.TextContent,
                    types.ImageContent,
                    types.AudioContent if has_audio else types.TextContent,
                    types.ResourceLink if has_structured else types.TextContent,
                    types.EmbeddedResource,
                ]
                if not has_audio:
                    assert isinstance(media[2], types.TextContent) and "audio/wav" in media[2].text
                if not has_structured:
                    assert isinstance(media[3], types.TextContent) and "memo://notes" in media[3].text

                # Before 2025-11-25, arguments that fail the schema are a JSON-RPC error.
                with pytest.raises(MCPError) as bad:
                    await session.call_tool("echo", {"text": 5})
                assert bad.value.code == types.INVALID_PARAMS
                assert bad.value.error.data is not None
                assert [e["path"] for e in bad.value.error.data["errors"]] == ["/text"]

                assert ok_text(await session.call_tool("echo", {"text": version})) == version
                await session.send_ping()

    run(body)


def test_client_legacy_mode(quickstart: Path, errlog: TextIO) -> None:
    """`mcp.Client(mode="legacy")` skips the probe and runs the initialize handshake."""

    async def body() -> None:
        params = StdioServerParameters(command=str(quickstart), cwd=str(REPO_ROOT))
        transport = stdio_client(params, errlog=errlog)
        async with Client(transport, mode="legacy", read_timeout_seconds=REQUEST_TIMEOUT) as client:
            assert client.protocol_version == HANDSHAKE
            assert client.session.initialize_result is not None
            assert client.server_info is not None and client.server_info.name == "mcpforge-quickstart"
            assert ok_text(await client.call_tool("add", {"a": 40, "b": 2})) == "42"

    run(body)


def test_client_pinned_to_2026_without_discover(quickstart: Path, errlog: TextIO) -> None:
    """`mcp.Client(mode="2026-07-28")` sends no `server/discover` and no `initialize`: every
    request stands alone on the stateless wire."""

    async def body() -> None:
        params = StdioServerParameters(command=str(quickstart), cwd=str(REPO_ROOT))
        transport = stdio_client(params, errlog=errlog)
        async with Client(transport, mode=MODERN, read_timeout_seconds=REQUEST_TIMEOUT) as client:
            assert client.protocol_version == MODERN
            assert client.server_info is None  # nothing was asked
            assert ok_text(await client.call_tool("echo", {"text": "stateless"})) == "stateless"
            assert [t.name for t in (await client.list_tools()).tools] == ["echo", "add", "current_time"]
            assert ok_text(await client.call_tool("add", {"a": 1, "b": 1})) == "2"

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_server_process_ends_with_the_client(
    wire: str, quickstart: Path, errlog: TextIO, child_pids: Callable[[], list[int]]
) -> None:
    running: list[int] = []
    before = set(child_pids())

    async def body() -> None:
        async with connect(quickstart, wire, errlog) as client:
            assert ok_text(await client.call_tool("echo", {"text": "alive"})) == "alive"
            running.extend(set(child_pids()) - before)

    run(body)
    assert len(running) == 1, running  # exactly one server process while connected
    assert running[0] not in child_pids()
    assert not Path(f"/proc/{running[0]}").exists()

"""The official SDK's high-level names on mcpforge: ``MCPServer``/``FastMCP``, the Context
methods (``logger_name``, ``elicit`` with ``.data``, ``read_resource``, ``request_context``,
``session``), ``Image(format=)``/``Audio``/``File``, the lifespan, error wording and masking,
and the ``sse`` transport. The answers of whole programs are compared with the official SDK
by tests/dropin-python."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Dict, List, Optional, Union

import pytest
from conftest import run
from typing_extensions import NotRequired, TypedDict

from mcpforge import (
    AcceptedElicitation,
    Audio,
    Context,
    DeclinedElicitation,
    FastMCP,
    File,
    Icon,
    Image,
    MCPServer,
    ProtocolError,
    ResourceError,
    Server,
    ToolError,
)


def test_image_audio_and_file_take_the_official_arguments(tmp_path: Path) -> None:
    assert Image(data=b"\x00\x01", format="jpeg").to_mcp()["mimeType"] == "image/jpeg"
    assert Image(data=b"\x00\x01").to_mcp()["mimeType"] == "image/png"  # the official default
    assert Image(b"\x89PNG\r\n\x1a\n").to_mcp()["mimeType"] == "image/png"
    clip = tmp_path / "clip.mp3"
    clip.write_bytes(b"ID3....")
    assert Audio(clip).to_mcp() == {"type": "audio", "data": "SUQzLi4uLg==", "mimeType": "audio/mpeg"}
    assert Audio(data=b"\x00").to_mcp()["mimeType"] == "audio/wav"
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    assert File(notes).to_mcp() == {
        "type": "resource",
        "resource": {"uri": "file:///notes.txt", "mimeType": "text/plain", "text": "hello"},
    }
    assert File(data=b"%PDF", format="pdf", name="report").to_mcp()["resource"] == {
        "uri": "file:///report",
        "mimeType": "application/pdf",
        "blob": "JVBERg==",
    }
    with pytest.raises(ValueError):
        Image()


def test_context_logs_with_logger_name_and_extra() -> None:
    server = MCPServer("logs")

    @server.tool()
    async def chatty(ctx: Context) -> str:
        await ctx.info("started", logger_name="worker")
        await ctx.warning("slow", step=2)
        await ctx.log("error", "failed", logger_name="audit")
        return "ok"

    async def body() -> None:
        async with server.test_client(log_level="debug") as client:
            assert (await client.call_tool("chatty")).text == "ok"
            logs = await client.collected("notifications/message", 3)
            assert logs == [
                {"level": "info", "logger": "worker", "data": "started"},
                {"level": "warning", "data": {"message": "slow", "step": 2}},
                {"level": "error", "logger": "audit", "data": "failed"},
            ]

    run(body)


def test_elicit_scalar_types_and_data() -> None:
    server = MCPServer("elicit")
    asked: List[Dict[str, Any]] = []

    @server.tool()
    async def age(ctx: Context) -> str:
        answer = await ctx.elicit("How old?", int)
        assert isinstance(answer, AcceptedElicitation)
        return f"{answer.action} {answer.data + 1}"

    @server.tool()
    def shy(ctx: Context) -> str:
        answer = ctx.elicit("Name?", schema=str)
        assert isinstance(answer, DeclinedElicitation) and answer.data is None
        return answer.action

    def elicitation(params: Dict[str, Any]) -> Dict[str, Any]:
        asked.append(params["requestedSchema"])
        if params["message"] == "Name?":
            return {"action": "decline"}
        return {"action": "accept", "content": {"value": 41}}

    async def body() -> None:
        async with server.test_client(elicitation=elicitation) as client:
            assert (await client.call_tool("age")).text == "accept 42"
            assert (await client.call_tool("shy")).text == "decline"
        assert asked[0] == {"type": "object", "properties": {"value": {"type": "integer"}}, "required": ["value"]}

    run(body)


def test_read_resource_request_context_and_session() -> None:
    server = MCPServer("self")

    @server.resource("notes://{day}")
    def notes(day: str) -> str:
        return f"notes of {day}"

    @server.tool()
    async def show(day: str, ctx: Context) -> str:
        contents = await ctx.read_resource(f"notes://{day}")
        return f"{contents[0].mime_type} {contents[0].content}"

    @server.tool()
    def show_sync(ctx: Context) -> str:
        try:
            ctx.read_resource("missing://x")
        except ResourceError as e:
            return f"error: {e.message}"
        return "read"

    @server.tool()
    async def ask_model(ctx: Context) -> str:
        result = await ctx.session.create_message([{"role": "user", "content": {"type": "text", "text": "hi"}}], max_tokens=5)
        return f"{result.model} {result.content.text} {ctx.request_context.request_id == ctx.request_id}"

    def sampling(params: Dict[str, Any]) -> Dict[str, Any]:
        assert params["maxTokens"] == 5
        return {"role": "assistant", "content": {"type": "text", "text": "hello"}, "model": "m"}

    async def body() -> None:
        async with server.test_client(sampling=sampling) as client:
            assert (await client.call_tool("show", {"day": "monday"})).text == "text/plain notes of monday"
            assert (await client.call_tool("show_sync")).text.startswith("error: ")
            assert (await client.call_tool("ask_model")).text == "m hello True"

    run(body)


@pytest.mark.parametrize("cls", [MCPServer, FastMCP])
def test_request_context_meta_reads_as_2x_dict_and_as_1x_attributes(cls: Any) -> None:
    server = cls("meta")

    @server.tool()
    async def token(ctx: Context) -> str:
        meta = ctx.request_context.meta
        if meta is None:
            return "none"
        # 2.x's everything-server reads the dict; 1.x's servers read the model's attribute.
        return f"{meta.get('progress_token')} {meta.progressToken} {meta.get('trace')} {sorted(meta)}"

    async def body() -> None:
        async with server.test_client() as client:
            sent = await client.call_tool("token", progress_token="p-7", meta={"trace": "t"})
            assert sent.text == "p-7 p-7 t ['progress_token', 'trace']"
            assert (await client.call_tool("token", meta={"trace": "t"})).text == "None None t ['trace']"

    run(body)


def test_server_identity_and_icons_reach_server_info() -> None:
    icons = [Icon("https://example.com/icon.png", mime_type="image/png", sizes=["48x48"]), {"src": "https://example.com/dark.svg", "theme": "dark"}]
    server = MCPServer("id", title="Identity", website_url="https://example.com", icons=icons)

    @server.tool()
    def noop() -> str:
        return "ok"

    async def body() -> None:
        async with server.test_client(wire="2025-11-25") as client:
            info = client.initialize_result["serverInfo"]
            assert info["title"] == "Identity" and info["websiteUrl"] == "https://example.com"
            assert info["icons"] == [
                {"src": "https://example.com/icon.png", "mimeType": "image/png", "sizes": ["48x48"]},
                {"src": "https://example.com/dark.svg", "theme": "dark"},
            ]

    run(body)
    with pytest.raises(ValueError, match="icons"):
        MCPServer("bad", icons=[{"mimeType": "image/png"}])


def test_lifespan_runs_on_the_handlers_loop_and_its_state_reaches_the_context() -> None:
    events: List[str] = []

    @asynccontextmanager
    async def lifespan(server: Any) -> AsyncIterator[Dict[str, Any]]:
        events.append("start")
        yield {"loop": asyncio.get_running_loop(), "server": server}
        events.append("stop")

    server = MCPServer("life", lifespan=lifespan)

    @server.tool()
    async def same(ctx: Context) -> bool:
        state = ctx.request_context.lifespan_context
        return state["loop"] is asyncio.get_running_loop() and state["server"] is server

    async def body() -> None:
        async with server.test_client() as client:
            assert (await client.call_tool("same")).structured_content == {"result": True}
        assert events == ["start", "stop"]
        assert server.lifespan_context == {}

    run(body)


def test_a_failing_lifespan_stops_the_server_with_its_cause() -> None:
    @asynccontextmanager
    async def lifespan(server: Any) -> AsyncIterator[None]:
        raise ConnectionError("database unreachable")
        yield

    server = Server("broken", lifespan=lifespan)

    async def body() -> None:
        with pytest.raises(RuntimeError, match="lifespan failed at startup: ConnectionError: database unreachable") as raised:
            await server.run_async("http", port=0)
        assert isinstance(raised.value.__cause__, ConnectionError)

    run(body)


def test_error_wording_masking_and_traceback_logging(caplog: pytest.LogCaptureFixture) -> None:
    def crash() -> str:
        raise KeyError("internal detail")

    def refuse() -> str:
        raise ToolError("not allowed")

    results: Dict[str, List[str]] = {}
    for server in (Server("plain"), Server("masked", mask_error_details=True), MCPServer("v2"), FastMCP("v1")):
        server.add_tool(crash)
        server.add_tool(refuse)

        async def body(server: Server = server) -> None:
            async with server.test_client() as client:
                results[server.name] = [(await client.call_tool(n)).text for n in ("crash", "refuse")]

        # The drop-in classes write their records under the official server's logger.
        logger = {"v2": "mcp.server.mcpserver.server", "v1": "mcp.server.fastmcp.server"}.get(server.name, "mcpforge")
        with caplog.at_level(logging.ERROR, logger=logger):
            caplog.clear()
            run(body)
        crashes = [r for r in caplog.records if r.exc_info is not None]
        assert len(crashes) == 1 and crashes[0].name == logger
        # MCPServer logs 2.x's UnexpectedToolError, caused by the tool's own exception.
        logged = crashes[0].exc_info[1]
        assert "internal detail" in str(logged.__cause__ if server.name == "v2" else logged)
    assert results == {
        "plain": ["KeyError: 'internal detail'", "not allowed"],
        "masked": ["Error executing tool crash", "not allowed"],
        "v2": ["Error executing tool crash", "Error executing tool refuse: not allowed"],
        "v1": ["Error executing tool crash: 'internal detail'", "Error executing tool refuse: not allowed"],
    }


def test_remove_unknown_tool_or_prompt_raises_as_the_official_sdk() -> None:
    server = MCPServer("removal")
    with pytest.raises(ToolError, match="Unknown tool: nope"):
        server.remove_tool("nope")
    with pytest.raises(ValueError, match="Unknown prompt: nope"):
        server.remove_prompt("nope")
    server.add_tool(lambda: "x", name="x")
    assert server.remove_tool("x") is True
    assert Server("plain").remove_tool("nope") is False


def test_unsupported_official_options_are_refused() -> None:
    with pytest.raises(NotImplementedError, match="authorization server"):
        MCPServer("auth", auth_server_provider=object())


def test_the_official_http_option_names_are_translated_by_the_engine() -> None:
    """``run``'s official names go through the engine's table (core/src/sdk_options.rs):
    renamed, dropped when the engine decides, ``transport_security`` read from a pydantic
    model or any object; mcpforge's own names pass, unknown ones are still refused by name."""
    import pydantic

    from mcpforge.sdk.options import sdk_options

    class Security(pydantic.BaseModel):  # the official TransportSecuritySettings' fields
        enable_dns_rebinding_protection: bool = True
        allowed_hosts: List[str] = []
        allowed_origins: List[str] = []

    class EventStore:  # no JSON form, like the official SDK's event stores
        pass

    given = {
        "streamable_http_path": "/api",
        "message_path": "/messages/",
        "json_response": True,
        "stateless_http": True,
        "event_store": EventStore(),
        "transport_security": Security(allowed_hosts=["example.com:*"], allowed_origins=["https://example.com:*"]),
        "max_body": 5,
    }
    assert sdk_options("http", given) == {
        "path": "/api",
        "messages_path": "/messages/",
        "allowed_hosts": ["example.com"],
        "allowed_origins": ["https://example.com"],
        "max_body": 5,
    }

    class Plain:
        def __init__(self) -> None:
            self.enable_dns_rebinding_protection = False

    assert sdk_options("http", {"transport_security": Plain()}) == {"allowed_hosts": [], "allowed_origins": []}
    assert sdk_options("http", {"transport_security": Security()}) == {}, "on, no lists: the loopback defaults stay"
    with pytest.raises(TypeError, match="transport_security must be an object"):
        sdk_options("http", {"transport_security": "on"})
    with pytest.raises(TypeError, match="unknown HTTP options: colour"):
        FastMCP("typo").run("http", port=0, colour="blue", json_response=True)


def test_sse_transport_serves_the_legacy_endpoints() -> None:
    server = FastMCP("sse", port=0)
    bound: List[int] = []
    ready = threading.Event()

    def on_ready(host: str, port: int) -> None:
        bound.append(port)
        ready.set()

    async def body() -> None:
        serving = asyncio.ensure_future(server.run_async("sse", on_ready=on_ready))
        try:
            await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(None, ready.wait, 20), 25)
            first = await asyncio.get_running_loop().run_in_executor(None, _first_sse_event, bound[0])
            # 1.x's message path, relative to the stream's path.
            assert first.startswith("event: endpoint\ndata: messages/?sessionId="), first
        finally:
            serving.cancel()
            await asyncio.gather(serving, return_exceptions=True)

    run(body)


def _first_sse_event(port: int) -> str:
    """The `event:` and `data:` lines of the first event of GET /sse."""
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(b"GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
            _, sep, body = data.partition(b"\r\n\r\n")
            if sep and b"\n\n" in body:
                break
    body = data.partition(b"\r\n\r\n")[2].decode()
    return "\n".join(line for line in body.splitlines() if line.startswith(("event:", "data:")))


def test_text_none_and_list_results_are_written_as_the_official_sdk() -> None:
    """``MCPServer``/``FastMCP``: str, Optional[str] and None returns get the wrapped output
    schema and ``structuredContent``; a list is one content block per item (None: no block).
    ``Server`` keeps text as text and a list as one JSON block."""
    wrapped = lambda schema: {"type": "object", "properties": {"result": schema}, "required": ["result"]}  # noqa: E731
    results: Dict[str, Any] = {}
    for cls in (MCPServer, FastMCP, Server):
        server = cls("results")

        @server.tool()
        def shout(text: str) -> str:
            return text.upper()

        @server.tool()
        def maybe(text: str) -> Optional[str]:
            return text or None

        @server.tool()
        def nothing() -> None:
            return None

        @server.tool()
        def scale(values: List[float]) -> List[float]:
            return [v * 2 for v in values]

        @server.tool()
        def mixed():  # type: ignore[no-untyped-def]
            return ["a", {"b": 1}, [2, None]]

        async def body() -> None:
            async with server.test_client() as client:
                schemas = {t["name"]: t.get("outputSchema") for t in await client.list_tools()}
                calls = [("shout", {"text": "hi"}), ("maybe", {"text": ""}), ("maybe", {"text": "x"}), ("nothing", {}), ("scale", {"values": [1.5, 2.0]}), ("mixed", {})]
                results[cls.__name__] = (schemas, [(await client.call_tool(n, a)).raw for n, a in calls])

        run(body)
    text = lambda t: {"type": "text", "text": t}  # noqa: E731
    # As pydantic writes them for the official SDK: titled, and a union as anyOf.
    titled = lambda name, schema: {**wrapped({**schema, "title": "Result"}), "title": f"{name}Output"}  # noqa: E731
    for name in ("MCPServer", "FastMCP"):
        schemas, calls = results[name]
        assert schemas["shout"] == titled("shout", {"type": "string"})
        assert schemas["maybe"] == titled("maybe", {"anyOf": [{"type": "string"}, {"type": "null"}]})
        assert schemas["nothing"] == titled("nothing", {"type": "null"})
        assert schemas["mixed"] is None
        assert calls == [
            {"content": [text("HI")], "structuredContent": {"result": "HI"}},
            {"content": [], "structuredContent": {"result": None}},
            {"content": [text("x")], "structuredContent": {"result": "x"}},
            {"content": [], "structuredContent": {"result": None}},
            {"content": [text("3.0"), text("4.0")], "structuredContent": {"result": [3.0, 4.0]}},
            {"content": [text("a"), text('{\n  "b": 1\n}'), text("2")]},  # indented, as 2.x
        ]
    schemas, calls = results["Server"]
    assert schemas["shout"] is None and schemas["maybe"] is None and schemas["nothing"] is None
    assert calls == [
        {"content": [text("HI")]},
        {"content": []},
        {"content": [text("x")]},
        {"content": []},
        {"content": [text("[3.0,4.0]")], "structuredContent": {"result": [3.0, 4.0]}},
        {"content": [text('["a",{"b":1},[2,null]]')]},
    ]


class Person(TypedDict):
    name: str
    age: NotRequired[int]


def test_output_failing_its_schema_and_typeddict_keys_as_the_official_sdk() -> None:
    """``MCPServer``/``FastMCP``: a result failing the output schema is an ``isError`` result
    (the engine's ``invalid_output_result``; ``Server`` answers -32603); a ``NotRequired`` key
    of a TypedDict is optional in the schema; a union naming ``Image`` is content, without an
    output schema."""
    for cls in (MCPServer, FastMCP, Server):
        server = cls("output")

        @server.tool()
        def numbers() -> List[int]:
            return [1, "two"]  # type: ignore[list-item]

        @server.tool()
        def person() -> Person:
            return {"name": "Dave"}

        @server.tool()
        def picture() -> List[Union[str, Image]]:
            return ["a picture", Image(b"\x89PNG\r\n\x1a\n")]

        async def body(cls: Any = cls) -> None:
            async with server.test_client() as client:
                schemas = {t["name"]: t.get("outputSchema") for t in await client.list_tools()}
                assert schemas["person"]["required"] == ["name"] and "age" in schemas["person"]["properties"]
                assert schemas["picture"] is None
                assert (await client.call_tool("person")).raw["structuredContent"] == {"name": "Dave"}
                blocks = (await client.call_tool("picture")).raw["content"]
                assert [b["type"] for b in blocks] == ["text", "image"]
                if cls is Server:
                    with pytest.raises(ProtocolError) as e:
                        await client.call_tool("numbers")
                    assert e.value.code == -32603
                else:
                    failed = await client.call_tool("numbers")
                    assert failed.is_error and failed.text == "tool numbers returned output that does not match its outputSchema"
                    assert "structuredContent" not in failed.raw

        run(body)

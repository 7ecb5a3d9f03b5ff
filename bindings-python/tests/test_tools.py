"""Tools through the real engine (in-memory client): return values mapped to content and
structuredContent, full results, the error model (ToolError, McpError, ProtocolError, any
other exception as ``Type: message``), bad arguments per protocol version, argument
conversion to the annotated types, explicit schemas, and a server that keeps serving."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import enum
import functools
import inspect
from typing import Any, Dict, List, Literal, Optional, Union

import pytest
from conftest import run

from mcpforge import (
    Audio,
    CallToolResult,
    EmbeddedResource,
    Image,
    McpError,
    ProtocolError,
    ResourceLink,
    Server,
    Text,
    ToolError,
)
from mcpforge.testing import MODERN

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
WAV = base64.b64decode("UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=")


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclasses.dataclass
class Point:
    x: int
    y: int = 0


def returns_server() -> Server:
    server = Server("returns")

    @server.tool()
    def text() -> str:
        return "plain"

    @server.tool()
    def number() -> int:
        return 42

    @server.tool()
    def ratio() -> float:
        return 0.5

    @server.tool()
    def mapping() -> Dict[str, int]:
        return {"a": 1}

    @server.tool()
    def items() -> List[str]:
        return ["x", "y"]

    @server.tool()
    def point() -> Point:
        return Point(3, 4)

    @server.tool()
    def maybe(flag: bool) -> Optional[int]:
        return 1 if flag else None

    @server.tool()
    def unannotated():  # type: ignore[no-untyped-def]
        return {"k": [1, 2]}

    @server.tool()
    def image() -> Image:
        return Image(PNG)

    @server.tool()
    def raw_bytes() -> bytes:
        return PNG

    @server.tool()
    def blob() -> bytes:
        return b"\x00\x01binary"

    @server.tool()
    def clip() -> bytearray:
        return bytearray(b"RIFF$\x00\x00\x00WAVEfmt ")

    @server.tool()
    def either(flag: bool) -> Union[Dict[str, int], int]:
        return {"a": 1} if flag else 2

    @server.tool()
    def media() -> list:  # type: ignore[type-arg]
        return [Text("t"), Image(PNG), Audio(WAV), ResourceLink("memo://a", "a"), EmbeddedResource("memo://b", text="b")]

    @server.tool()
    def full() -> CallToolResult:
        return CallToolResult([Text("custom")], structured_content={"n": 1}, meta={"trace": "x"})

    @server.tool()
    def nothing() -> None:
        return None

    return server


def test_return_values_become_content_and_structured_content() -> None:
    async def body() -> None:
        async with returns_server().test_client() as client:
            tools = {t["name"]: t for t in await client.list_tools()}
            assert "outputSchema" not in tools["text"]
            assert tools["number"]["outputSchema"] == {
                "type": "object",
                "properties": {"result": {"type": "integer"}},
                "required": ["result"],
            }
            assert tools["point"]["outputSchema"]["properties"] == {"x": {"type": "integer"}, "y": {"type": "integer", "default": 0}}
            for unstructured in ("image", "unannotated", "media", "full", "nothing", "raw_bytes"):
                assert "outputSchema" not in tools[unstructured], unstructured

            assert (await client.call_tool("text")).raw == {"content": [{"type": "text", "text": "plain"}]}
            number = await client.call_tool("number")
            assert number.text == "42" and number.structured_content == {"result": 42}
            assert (await client.call_tool("ratio")).structured_content == {"result": 0.5}
            mapping = await client.call_tool("mapping")
            assert mapping.structured_content == {"a": 1} and mapping.text == '{"a":1}'
            assert (await client.call_tool("items")).structured_content == {"result": ["x", "y"]}
            assert (await client.call_tool("point")).structured_content == {"x": 3, "y": 4}
            assert (await client.call_tool("maybe", {"flag": False})).structured_content == {"result": None}
            assert (await client.call_tool("maybe", {"flag": True})).structured_content == {"result": 1}
            assert (await client.call_tool("unannotated")).raw == {"content": [{"type": "text", "text": '{"k":[1,2]}'}]}
            png = base64.b64encode(PNG).decode()
            assert (await client.call_tool("image")).content == [{"type": "image", "data": png, "mimeType": "image/png"}]
            assert (await client.call_tool("raw_bytes")).content == [{"type": "image", "data": png, "mimeType": "image/png"}]
            blob = (await client.call_tool("blob")).content[0]
            assert blob["type"] == "resource" and base64.b64decode(blob["resource"]["blob"]) == b"\x00\x01binary"
            wav = base64.b64encode(b"RIFF$\x00\x00\x00WAVEfmt ").decode()
            assert (await client.call_tool("clip")).content == [{"type": "audio", "data": wav, "mimeType": "audio/wav"}]
            # A schema wrapping a return type that may be an object wraps the object too.
            assert (await client.call_tool("either", {"flag": True})).structured_content == {"result": {"a": 1}}
            assert (await client.call_tool("either", {"flag": False})).structured_content == {"result": 2}
            kinds = [b["type"] for b in (await client.call_tool("media")).content]
            assert kinds == ["text", "image", "audio", "resource_link", "resource"]
            full = await client.call_tool("full")
            assert full.raw == {"content": [{"type": "text", "text": "custom"}], "structuredContent": {"n": 1}, "_meta": {"trace": "x"}}
            assert (await client.call_tool("nothing")).raw == {"content": []}

    run(body)


def failing_server() -> Server:
    server = Server("failing")

    @server.tool()
    def tool_error() -> str:
        raise ToolError("bad input, try 3", data={"hint": 3})

    @server.tool()
    def crash(n: int) -> str:
        return str(10 // n)

    @server.tool()
    async def async_crash() -> str:
        raise KeyError("missing")

    @server.tool()
    def protocol() -> str:
        raise ProtocolError(-32602, "refused", {"why": "test"})

    @server.tool()
    def mcp_error() -> str:
        raise McpError(-32001, "custom code")

    @server.tool()
    def bad_return() -> Point:
        return "not a point"  # type: ignore[return-value]

    @server.tool()
    def unserializable() -> str:
        return object()  # type: ignore[return-value]

    @server.tool()
    def echo(text: str) -> str:
        return text

    return server


def test_errors_become_tool_errors_or_protocol_errors_and_the_server_keeps_serving() -> None:
    async def body() -> None:
        async with failing_server().test_client() as client:
            err = await client.call_tool("tool_error")
            assert err.is_error and err.text == "bad input, try 3" and err.structured_content == {"hint": 3}
            crash = await client.call_tool("crash", {"n": 0})
            assert crash.is_error and crash.text == "ZeroDivisionError: integer division or modulo by zero"
            assert (await client.call_tool("crash", {"n": 5})).text == "2"
            async_crash = await client.call_tool("async_crash")
            assert async_crash.is_error and async_crash.text == "KeyError: 'missing'"
            with pytest.raises(ProtocolError) as refused:
                await client.call_tool("protocol")
            assert (refused.value.code, refused.value.message, refused.value.data) == (-32602, "refused", {"why": "test"})
            with pytest.raises(ProtocolError) as custom:
                await client.call_tool("mcp_error")
            assert custom.value.code == -32001
            # Output that does not match the output schema is an internal error, not a result.
            with pytest.raises(ProtocolError) as mismatch:
                await client.call_tool("bad_return")
            assert mismatch.value.code == -32603 and "outputSchema" in mismatch.value.message
            odd = await client.call_tool("unserializable")
            assert odd.is_error and odd.text == "TypeError: object is not JSON-serializable"
            assert (await client.call_tool("echo", {"text": "still serving"})).text == "still serving"

    run(body)


@pytest.mark.parametrize("wire", ["2025-06-18", "2025-11-25", MODERN])
def test_bad_arguments_per_version(wire: str) -> None:
    """Arguments that fail the schema: a JSON-RPC -32602 before 2025-11-25, an isError result
    from it on; the handler never runs."""
    ran: List[Any] = []
    server = Server("bad-args")

    @server.tool()
    def take(count: int, mode: Literal["fast", "slow"] = "fast") -> str:
        ran.append(count)
        return f"{count} {mode}"

    async def body() -> None:
        async with server.test_client(wire=wire) as client:
            for bad in ({"count": "three"}, {}, {"count": 1, "mode": "medium"}):
                if wire == "2025-06-18":
                    with pytest.raises(ProtocolError) as e:
                        await client.call_tool("take", bad)
                    assert e.value.code == -32602
                else:
                    result = await client.call_tool("take", bad)
                    assert result.is_error and result.text.startswith("Invalid arguments for tool take")
            with pytest.raises(ProtocolError) as unknown:
                await client.call_tool("nope")
            assert unknown.value.code == -32602
            assert (await client.call_tool("take", {"count": 2, "mode": "slow"})).text == "2 slow"
            assert ran == [2]

    run(body)


def test_arguments_arrive_as_the_annotated_types() -> None:
    seen: Dict[str, Any] = {}
    server = Server("types")

    @server.tool()
    def take(color: Color, point: Point, points: List[Point], when: Optional[int] = None, raw: bytes = b"") -> str:
        seen.update(color=color, point=point, points=points, when=when, raw=raw)
        return "ok"

    async def body() -> None:
        async with server.test_client() as client:
            args = {"color": "blue", "point": {"x": 1}, "points": [{"x": 2, "y": 3}], "when": 5, "raw": base64.b64encode(b"hi").decode()}
            assert (await client.call_tool("take", args)).text == "ok"

    run(body)
    assert seen == {"color": Color.BLUE, "point": Point(1, 0), "points": [Point(2, 3)], "when": 5, "raw": b"hi"}


def test_plain_functions_get_the_arguments_they_name() -> None:
    """A plain synchronous tool (called by the engine without the Python wrapper) gets the
    arguments its parameters name and no others, ``**kwargs`` gets them all, defaults fill
    the rest; a ``str`` subclass and other results read as from any tool."""
    seen: List[Dict[str, Any]] = []
    server = Server("plain")

    class Shout(str):
        pass

    @server.tool(input_schema={"type": "object"})
    def named(text: str, times: int = 2) -> str:
        seen.append({"text": text, "times": times})
        return text * times

    @server.tool()
    def anything(**kwargs: Any) -> Dict[str, Any]:
        seen.append(kwargs)
        return {"got": sorted(kwargs)}

    @server.tool()
    def shout(text: str) -> str:
        return Shout(text.upper())

    @server.tool()
    def joined(first: str, second: str = "") -> str:
        return first + "+" + second

    @server.tool()
    def keyword_only(first: str, *, second: str) -> str:
        return first + "-" + second

    def by_name(fn: Any) -> Any:
        @functools.wraps(fn)
        def wrapper(**kwargs: Any) -> Any:
            return fn(**kwargs)

        return wrapper

    @server.tool()
    @by_name
    def wrapped(first: str, second: str) -> str:
        return first + "*" + second

    # Declares two positional-or-keyword parameters but takes anything, so it can see how the
    # engine passed them.
    passed: List[Any] = []

    def recorded(*args: Any, **kwargs: Any) -> str:
        passed.append((args, kwargs))
        return "ok"

    str_param = functools.partial(inspect.Parameter, kind=inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str)
    recorded.__signature__ = inspect.Signature([str_param("first"), str_param("second", default="")], return_annotation=str)  # type: ignore[attr-defined]
    recorded.__annotations__ = {"first": str, "second": str, "return": str}
    server.tool()(recorded)

    async def body() -> None:
        async with server.test_client() as client:
            assert (await client.call_tool("recorded", {"second": "b", "first": "a"})).text == "ok"
            assert (await client.call_tool("recorded", {"first": "a"})).text == "ok"
            assert passed == [(("a", "b"), {}), ((), {"first": "a"})]
            assert (await client.call_tool("named", {"text": "ab", "extra": 1})).text == "abab"
            assert (await client.call_tool("named", {"times": 3, "text": "c"})).text == "ccc"
            # Every parameter given, in another order: passed by position, in the function's.
            assert (await client.call_tool("joined", {"second": "b", "first": "a"})).text == "a+b"
            # Not every parameter, or one it does not name: by name.
            assert (await client.call_tool("joined", {"first": "a"})).text == "a+"
            assert (await client.call_tool("joined", {"first": "a", "third": "c"})).text == "a+"
            assert (await client.call_tool("keyword_only", {"second": "b", "first": "a"})).text == "a-b"
            assert (await client.call_tool("wrapped", {"second": "b", "first": "a"})).text == "a*b"
            result = await client.call_tool("anything", {"a": [1, {"b": None}], "c": "d"})
            assert result.structured_content == {"got": ["a", "c"]}
            assert (await client.call_tool("shout", {"text": "hey"})).text == "HEY"
            missing = await client.call_tool("named", {})
            assert missing.is_error and missing.text.startswith("TypeError: ") and "text" in missing.text

    run(body)
    assert seen == [{"text": "ab", "times": 2}, {"text": "c", "times": 3}, {"a": [1, {"b": None}], "c": "d"}]


def test_which_plain_functions_take_their_arguments_by_position() -> None:
    """The engine passes a tuple only to a function whose every parameter may be given by
    position, in the function's own order; anything else gets keyword arguments."""
    from mcpforge._invoke import wrappers
    from mcpforge._function_spec import function_spec

    def positional(text: str, suffix: str = "!") -> str:
        return text + suffix

    def keyword_only(first: str, *, second: str) -> str:
        return first + second

    def any_names(**kwargs: Any) -> str:
        return ""

    @functools.wraps(positional)
    def wrapper(**kwargs: Any) -> str:
        return positional(**kwargs)

    def direct(fn: Any) -> Any:
        return wrappers.direct_tool(fn, function_spec(fn), False, lambda v: v, lambda e: e)

    assert direct(positional)[1:3] == (("text", "suffix"), True)
    assert direct(keyword_only)[2] is False and sorted(direct(keyword_only)[1]) == ["first", "second"]
    assert direct(any_names)[1:3] == (None, False)
    assert direct(wrapper)[2] is False


def test_explicit_schemas_and_options_are_used_verbatim() -> None:
    server = Server("explicit")
    schema = {"type": "object", "properties": {"q": {"type": "string", "minLength": 2}}, "required": ["q"], "additionalProperties": False}
    out = {"type": "object", "properties": {"hits": {"type": "integer"}}, "required": ["hits"]}

    @server.tool(
        "search",
        title="Search",
        description="Finds things",
        input_schema=schema,
        output_schema=out,
        annotations={"read_only_hint": True, "openWorldHint": False},
        meta={"x": 1},
    )
    def search_impl(q: str) -> Dict[str, int]:
        return {"hits": len(q)}

    @server.tool
    def bare(n: int) -> str:
        """Bare decorator.

        Args:
            n: How many.
        """
        return str(n)

    async def body() -> None:
        async with server.test_client() as client:
            tools = {t["name"]: t for t in await client.list_tools()}
            assert tools["search"] == {
                "name": "search",
                "title": "Search",
                "description": "Finds things",
                "inputSchema": schema,
                "outputSchema": out,
                "annotations": {"readOnlyHint": True, "openWorldHint": False},
                "_meta": {"x": 1},
            }
            assert tools["bare"]["description"] == "Bare decorator."
            assert tools["bare"]["inputSchema"]["properties"]["n"] == {"type": "integer", "description": "How many."}
            assert (await client.call_tool("search", {"q": "abc"})).structured_content == {"hits": 3}
            assert (await client.call_tool("search", {"q": "a"})).is_error

    run(body)
    with pytest.raises(ValueError, match="already registered"):
        server.tool("search")(lambda: "again")
    assert server.remove_tool("search") and not server.remove_tool("search")


def test_invalid_definitions_are_clear_python_errors() -> None:
    server = Server("invalid")
    with pytest.raises(ValueError, match="tool"):
        server.add_tool(lambda: "x", name="broken", input_schema={"type": "object", "properties": {"a": {"type": 5}}})
    with pytest.raises(TypeError, match="cannot derive a JSON Schema"):

        @server.tool()
        def odd(x: object.__class__) -> str:  # type: ignore[valid-type]
            return ""

    with pytest.raises(ValueError, match="max_workers"):
        Server("zero", max_workers=0)


def test_base_exceptions_end_the_call_not_the_server(caplog: pytest.LogCaptureFixture) -> None:
    """``SystemExit`` or ``KeyboardInterrupt`` raised inside a tool (sync or async) is that
    call's failure, answered and logged with its traceback; later calls, async ones
    included, are served."""
    server = Server("base-exceptions")

    @server.tool()
    async def async_exit() -> str:
        raise SystemExit(3)

    @server.tool()
    def sync_interrupt() -> str:
        raise KeyboardInterrupt("stop")

    @server.tool()
    async def async_echo(text: str) -> str:
        return text

    async def body() -> None:
        async with server.test_client() as client:
            gone = await client.call_tool("async_exit")
            assert gone.is_error and gone.text == "SystemExit: 3"
            interrupted = await client.call_tool("sync_interrupt")
            assert interrupted.is_error and interrupted.text == "KeyboardInterrupt: stop"
            for i in range(3):
                assert (await client.call_tool("async_echo", {"text": f"alive {i}"})).text == f"alive {i}"

    with caplog.at_level("ERROR", logger="mcpforge"):
        run(body)
    logged = [r for r in caplog.records if r.name == "mcpforge"]
    assert any("SystemExit" in r.getMessage() and r.exc_info for r in logged), logged
    assert any("KeyboardInterrupt" in r.getMessage() for r in logged), logged


def test_a_list_holding_content_writes_its_other_values_as_json_text() -> None:
    server = Server("mixed")

    @server.tool()
    def mixed() -> list:  # type: ignore[type-arg]
        return ["words", Image(PNG), {"key": "value"}, {"type": "text", "text": "a block"}, [1, 2]]

    async def body() -> None:
        async with server.test_client() as client:
            blocks = (await client.call_tool("mixed", {})).content
            assert [b["type"] for b in blocks] == ["text", "image", "text", "text", "text"]
            assert blocks[0]["text"] == "words" and blocks[3]["text"] == "a block"
            assert blocks[2]["text"] == '{\n  "key": "value"\n}'
            assert blocks[4]["text"] == "[\n  1,\n  2\n]"

    run(body)


def test_a_tools_function_is_callable_from_its_definition() -> None:
    server = Server("direct")

    @server.tool()
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    @server.tool()
    async def shout(text: str) -> str:
        return text.upper()

    definition = server.tools["add"]
    assert definition["name"] == "add" and definition["inputSchema"]["required"] == ["a", "b"]
    assert definition.function is not None and definition.function(a=2, b=3) == 5
    assert asyncio.run(server.tools["shout"].function(text="hi")) == "HI"

"""``MCPServer(extensions=[...])`` as the official 2.x takes it (SEP-2133): an ``Extension``'s
settings advertised under the 2026 ``extensions`` capability, its tools (with their
``_meta``), resources and request methods served (a method limited to some protocol versions
unknown on the others), its ``tools/call`` interceptors run first-outermost, and
``require_client_extension`` refusing a client that did not declare the extension. Bad
extensions are refused when the server is made."""

from typing import Any, Dict, List, Tuple

import pytest
from conftest import run
from pydantic import BaseModel

from mcpforge import Context, Extension, MCPServer, MethodBinding, ProtocolError, ResourceBinding, ToolBinding, require_client_extension
from mcpforge.resources import TextResource
from mcpforge.testing import MODERN

META = {"com.example/marker": {"v": 1}}


class PingParams(BaseModel):
    pass


async def pong(ctx: Any, params: PingParams) -> Dict[str, Any]:
    return {"pong": ctx.protocol_version}


class Additive(Extension):
    identifier = "com.example/additive"

    def settings(self) -> Dict[str, Any]:
        return {"feature": {"enabled": True}}

    def tools(self) -> List[ToolBinding]:
        def ping() -> str:
            """Reply with pong."""
            return "pong"

        def guarded(ctx: Context) -> str:
            require_client_extension(ctx.request_context, "com.example/needed")
            return "ok"

        return [ToolBinding(fn=ping, meta=META), ToolBinding(fn=guarded)]

    def resources(self) -> List[ResourceBinding]:
        return [ResourceBinding(resource=TextResource(uri="ext://greeting", name="greeting", text="hello"))]

    def methods(self) -> List[MethodBinding]:
        return [
            MethodBinding("com.example/ping", PingParams, pong),
            MethodBinding("com.example/modern", PingParams, pong, frozenset({MODERN})),
        ]


class Recording(Extension):
    def __init__(self, identifier: str, log: List[Tuple[str, str]], answer: Any = None) -> None:
        self.identifier = identifier
        self.log = log
        self.answer = answer

    async def intercept_tool_call(self, params: Any, ctx: Any, call_next: Any) -> Any:
        self.log.append((self.identifier, params["name"]))
        if self.answer is not None:
            return self.answer
        return await call_next(ctx)


@pytest.mark.parametrize("wire", ["2025-11-25", MODERN])
def test_an_extension_contributes_tools_resources_methods_and_settings(wire: str) -> None:
    server = MCPServer("ext", extensions=[Additive()])

    async def body() -> None:
        async with server.test_client(wire=wire) as client:
            tools = {t["name"]: t for t in await client.list_tools()}
            assert tools["ping"]["_meta"] == META
            assert (await client.call_tool("ping", {})).text == "pong"
            assert await client.list_resources() == [{"uri": "ext://greeting", "name": "greeting", "mimeType": "text/plain"}]
            assert (await client.request("com.example/ping", {}))["pong"] == wire
            if wire == MODERN:
                assert (await client.request("com.example/modern", {}))["pong"] == MODERN
                found = await client.request("server/discover", {})
                assert found["capabilities"]["extensions"] == {"com.example/additive": {"feature": {"enabled": True}}}
            else:
                with pytest.raises(ProtocolError) as refused:
                    await client.request("com.example/modern", {})
                assert (refused.value.code, refused.value.data) == (-32601, "com.example/modern")

    run(body)


def test_require_client_extension_refuses_a_client_that_did_not_declare_it() -> None:
    server = MCPServer("ext", extensions=[Additive()])

    async def body() -> None:
        async with server.test_client() as client:
            with pytest.raises(ProtocolError) as refused:
                await client.request("tools/call", {"name": "guarded", "arguments": {}})
            assert refused.value.code == -32021
            assert refused.value.data == {"requiredCapabilities": {"extensions": {"com.example/needed": {}}}}
        async with server.test_client(capabilities={"extensions": {"com.example/needed": {}}}) as client:
            assert (await client.call_tool("guarded", {})).text == "ok"

    run(body)


def test_interceptors_run_first_outermost_and_may_answer_themselves() -> None:
    log: List[Tuple[str, str]] = []
    replaced = {"content": [{"type": "text", "text": "intercepted"}]}
    server = MCPServer("ext", extensions=[Recording("com.example/first", log), Recording("com.example/second", log, replaced)])

    @server.tool()
    def echo(value: str) -> str:
        raise AssertionError("the second interceptor answers")

    passing = MCPServer("ext", extensions=[Recording("com.example/only", log)])
    passing.tool(name="same")(lambda value: value)

    async def body() -> None:
        async with server.test_client() as client:
            assert (await client.call_tool("echo", {"value": "hi"})).text == "intercepted"
        async with passing.test_client() as client:
            assert (await client.call_tool("same", {"value": "hi"})).text == "hi"

    run(body)
    assert log == [("com.example/first", "echo"), ("com.example/second", "echo"), ("com.example/only", "same")]


def test_bad_extensions_are_refused_when_the_server_is_made() -> None:
    with pytest.raises(TypeError):
        type("Bad", (Extension,), {"identifier": "noprefix"})

    class Nameless(Extension):
        pass

    with pytest.raises(TypeError):
        MCPServer("ext", extensions=[Nameless()])
    with pytest.raises(ValueError):
        MCPServer("ext", extensions=[Additive(), Additive()])
    with pytest.raises(ValueError):
        MethodBinding("tools/list", PingParams, pong)
    with pytest.raises(ValueError, match="empty protocol_versions"):
        MethodBinding("com.example/dead", PingParams, pong, frozenset())

    class Clashing(Extension):
        identifier = "com.example/other"

        def methods(self) -> List[MethodBinding]:
            return [MethodBinding("com.example/ping", PingParams, pong)]

    with pytest.raises(ValueError, match="already registered"):
        MCPServer("ext", extensions=[Additive(), Clashing()])

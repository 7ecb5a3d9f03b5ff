"""``Server.on_initialize``: the hook sees each client's ``initialize`` (its params, the
engine's answer) and decides the answer: kept, changed or replaced, sync or async; an
``McpError`` refuses the client with that error, any other exception answers an internal
error and reaches the error hook; None removes the hook."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from conftest import run

from mcpforge import ErrorInfo, Handshake, McpError, Server
from mcpforge.testing import HANDSHAKE, TestClient


def served() -> Server:
    server = Server("greeter", version="2.0.0", instructions="Be kind.")

    @server.tool()
    def echo(text: str) -> str:
        return text

    return server


def initialize(server: Server, client: Dict[str, Any]) -> Dict[str, Any]:
    """The answer the client `client` gets to its `initialize`."""
    answers: List[Dict[str, Any]] = []

    async def body() -> None:
        async with TestClient(server, wire=HANDSHAKE, client_info=client) as c:
            assert c.initialize_result is not None
            answers.append(c.initialize_result)
            assert (await c.call_tool("echo", {"text": "still served"})).text == "still served"

    run(body)
    return answers[0]


def test_the_hook_sees_the_client_and_shapes_the_answer() -> None:
    server = served()
    seen: List[Handshake] = []

    @server.on_initialize
    def hook(handshake: Handshake) -> Optional[Dict[str, Any]]:
        seen.append(handshake)
        if handshake.client_info.get("name") == "plain":
            return None
        answer = dict(handshake.answer)
        answer["instructions"] = f"Hello {handshake.client_info['name']}, " + answer["instructions"]
        return answer

    shaped = initialize(server, {"name": "ada", "version": "1"})
    assert shaped["instructions"] == "Hello ada, Be kind."
    assert shaped["serverInfo"]["name"] == "greeter"
    plain = initialize(server, {"name": "plain", "version": "1"})
    assert plain["instructions"] == "Be kind."
    assert [h.client_info["name"] for h in seen] == ["ada", "plain"]
    assert seen[0].protocol_version == HANDSHAKE and seen[0].repeated is False and seen[0].auth is None
    assert seen[0].answer["protocolVersion"] == HANDSHAKE


def test_an_async_hook_answers_its_own_result() -> None:
    server = served()

    @server.on_initialize
    async def hook(handshake: Handshake) -> Dict[str, Any]:
        return {**handshake.answer, "serverInfo": {"name": "renamed", "version": "9"}}

    assert initialize(server, {"name": "c", "version": "1"})["serverInfo"] == {"name": "renamed", "version": "9"}


def refused(server: Server) -> Dict[str, Any]:
    """The error a client gets to an `initialize` sent again on its session (the hooks
    below let the first one through and refuse a repeated one)."""
    errors: List[Dict[str, Any]] = []

    async def body() -> None:
        async with TestClient(server, wire=HANDSHAKE) as c:
            again = {"protocolVersion": HANDSHAKE, "capabilities": {}, "clientInfo": {"name": "x", "version": "1"}}
            errors.append((await c.send("initialize", again))["error"])
            assert (await c.call_tool("echo", {"text": "served"})).text == "served"

    run(body)
    return errors[0]


def test_mcp_error_refuses_and_other_exceptions_are_internal_errors() -> None:
    server = served()

    @server.on_initialize
    def deny(handshake: Handshake) -> None:
        if handshake.repeated:
            raise McpError(-32001, "clients must register first", {"register": "https://example.com"})

    error = refused(server)
    assert (error["code"], error["message"], error.get("data")) == (-32001, "clients must register first", {"register": "https://example.com"})

    reported: List[ErrorInfo] = []
    server.on_error(lambda e, info: reported.append(info))

    @server.on_initialize
    def broken(handshake: Handshake) -> None:
        if handshake.repeated:
            raise KeyError("oops")

    assert refused(server)["code"] == -32603
    assert reported == [ErrorInfo("initialize")]

    @server.on_initialize
    def wrong(handshake: Handshake) -> Any:
        return ["not", "a", "dict"] if handshake.repeated else None

    assert refused(server)["code"] == -32603


def test_none_removes_the_hook_and_a_non_callable_is_refused() -> None:
    server = served()
    server.on_initialize(lambda handshake: {**handshake.answer, "instructions": "hooked"})
    assert initialize(server, {"name": "c", "version": "1"})["instructions"] == "hooked"
    server.on_initialize(None)
    assert initialize(server, {"name": "c", "version": "1"})["instructions"] == "Be kind."
    with pytest.raises(TypeError):
        server.on_initialize("not callable")  # type: ignore[arg-type]

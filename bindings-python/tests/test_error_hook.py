"""The error hook (``Server.on_error`` / ``error_handler=``) through the real engine: every
unexpected exception of a tool, resource, prompt or middleware reaches it with its traceback
and what raised it, after the ``mcpforge`` logger; errors raised on purpose do not; masking
decides what the client reads; a failing hook changes nothing for the client."""

from __future__ import annotations

import logging
import traceback
from typing import Any, List, Tuple

import pytest
from conftest import run

from mcpforge import ErrorInfo, ProtocolError, Server, ToolError
from mcpforge.middleware import CallNext, MiddlewareContext
from mcpforge.testing import HANDSHAKE, MODERN

WIRES = [HANDSHAKE, MODERN]


def failing_server(**options: Any) -> Server:
    server = Server("error-hook", **options)

    def inner_helper() -> None:
        raise ValueError("boom in the helper")

    @server.tool()
    def explode() -> str:
        inner_helper()
        return "never"

    @server.tool()
    def refuse() -> str:
        raise ToolError("refused on purpose")

    @server.resource("notes://{name}")
    def note(name: str) -> str:
        raise KeyError(name)

    @server.prompt()
    def broken() -> str:
        raise RuntimeError("prompt failed")

    return server


@pytest.mark.parametrize("wire", WIRES)
def test_unexpected_exceptions_reach_the_hook_with_their_traceback(wire: str, caplog: pytest.LogCaptureFixture) -> None:
    seen: List[Tuple[BaseException, ErrorInfo]] = []
    server = failing_server()

    @server.on_error
    def hook(error: BaseException, info: ErrorInfo) -> None:
        seen.append((error, info))

    async def body() -> None:
        async with server.test_client(wire=wire) as client:
            result = await client.call_tool("explode", {})
            assert result.is_error and result.content[0]["text"] == "ValueError: boom in the helper"
            refused = await client.call_tool("refuse", {})
            assert refused.is_error and refused.content[0]["text"] == "refused on purpose"
            with pytest.raises(ProtocolError):
                await client.read_resource("notes://x")
            with pytest.raises(ProtocolError):
                await client.get_prompt("broken", {})

    with caplog.at_level(logging.ERROR, logger="mcpforge"):
        run(body)
    assert [(type(e).__name__, info.kind, info.name) for e, info in seen] == [
        ("ValueError", "tool", "explode"),
        ("KeyError", "resource", "notes://{name}"),
        ("RuntimeError", "prompt", "broken"),
    ]
    frames = [frame.name for frame in traceback.extract_tb(seen[0][0].__traceback__)]
    assert "inner_helper" in frames, frames
    assert any("tool `explode` raised ValueError" in r.getMessage() and r.exc_info for r in caplog.records)


def test_masking_keeps_the_text_on_the_server_and_the_hook_still_sees_it() -> None:
    seen: List[BaseException] = []
    server = failing_server(mask_error_details=True, error_handler=lambda e, info: seen.append(e))

    async def body() -> None:
        async with server.test_client() as client:
            result = await client.call_tool("explode", {})
            assert result.is_error and result.content[0]["text"] == "Error executing tool explode"

    run(body)
    assert [str(e) for e in seen] == ["boom in the helper"]


def test_a_middleware_failure_reaches_the_hook_and_a_failing_hook_changes_nothing(caplog: pytest.LogCaptureFixture) -> None:
    seen: List[ErrorInfo] = []
    server = failing_server()

    async def flaky(context: MiddlewareContext, call_next: CallNext) -> Any:
        if context.name == "refuse":
            raise ZeroDivisionError("middleware bug")
        return await call_next(context)

    def hook(error: BaseException, info: ErrorInfo) -> None:
        seen.append(info)
        raise RuntimeError("the hook itself fails")

    server.add_middleware(flaky)
    server.on_error(hook)

    async def body() -> None:
        async with server.test_client() as client:
            result = await client.call_tool("refuse", {})
            assert result.is_error and "middleware bug" in result.content[0]["text"]
            again = await client.call_tool("explode", {})
            assert again.is_error

    with caplog.at_level(logging.ERROR, logger="mcpforge"):
        run(body)
    assert [(i.kind, i.name) for i in seen] == [("middleware", None), ("tool", "explode")]
    assert any(r.getMessage() == "the error hook raised" for r in caplog.records)


def test_on_error_refuses_what_is_not_callable() -> None:
    with pytest.raises(TypeError):
        Server("x").on_error("not a function")  # type: ignore[arg-type]

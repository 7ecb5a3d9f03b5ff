"""What ``MCPServer`` and ``FastMCP`` do as the official SDK's high-level servers do where
mcpforge's ``Server`` chose differently: the registration checks (a bare decorator, a
resource URI against its reader's parameters, a malformed template), the description ``""``
of a function without a docstring, an unknown tool answered as an ``isError`` result, and the
failure records under the official server's logger."""

from __future__ import annotations

import logging
import sys
import types
from typing import Annotated, Any, List, Optional

import pytest
from pydantic import Field
from conftest import run

from mcpforge import Context, FastMCP, MCPServer, Server, ToolError
from mcpforge.exceptions import InvalidSignature, InvalidUriTemplate


@pytest.mark.parametrize("cls", [MCPServer, FastMCP])
def test_a_bare_decorator_raises_type_error(cls: Any) -> None:
    mcp = cls()
    for kind in ("tool", "prompt", "resource"):
        with pytest.raises(TypeError, match=f"The @{kind} decorator was used incorrectly"):

            @getattr(mcp, kind)
            def fn() -> str:
                return "x"

    plain = Server("plain")

    @plain.tool
    def fine() -> str:
        return "mcpforge's own Server takes a bare decorator"

    assert "fine" in plain.tools


def test_a_reader_must_take_the_templates_variables() -> None:
    mcp = MCPServer()
    cases = [
        ("resource://{name}/data", lambda user: user, "Mismatch between URI parameters"),
        ("resource://{org}/{repo}", lambda org, repo_2: org, "Mismatch between URI parameters"),
        ("resource://{param}", lambda: "data", "Mismatch between URI parameters"),
        ("resource://data", lambda param: param, "has no URI template variables"),
        ("logs://{service}{?level}", lambda service, level: service, r"\['level'\].*must declare a default"),
    ]
    for uri, reader, message in cases:
        with pytest.raises(ValueError, match=message):
            mcp.resource(uri)(reader)

    def current(ctx: Context) -> str:
        return "x"

    with pytest.raises(ValueError, match="Context injection for static resources is not supported"):
        mcp.resource("weather://current")(current)
    # What fits is registered: a Context beside the variables, a query variable with a default.
    def tail(service: str, ctx: Context, level: str = "info") -> str:
        return service

    mcp.resource("logs://{service}{?level}")(tail)
    mcp.resource("docs://{+path}")(lambda path: path)
    assert sorted(mcp.resources) == ["docs://{+path}", "logs://{service}{?level}"]
    # 1.x words a static resource with parameters as a mismatch.
    with pytest.raises(ValueError, match="Mismatch between URI parameters"):
        FastMCP().resource("resource://data")(lambda param: param)


def test_a_malformed_template_raises_when_the_decorator_is_made() -> None:
    with pytest.raises(InvalidUriTemplate, match="Unclosed expression") as e:
        MCPServer().resource("file://{name")
    assert isinstance(e.value, ValueError)


def test_the_official_invalid_template_class_is_raised_when_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    class Official(ValueError):
        def __init__(self, message: str, *, template: str, position: Any = None) -> None:
            super().__init__(message)
            self.template = template

    module = types.ModuleType("mcp.shared.uri_template")
    module.InvalidUriTemplate = Official  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mcp.shared.uri_template", module)
    with pytest.raises(Official) as e:
        MCPServer().resource("file://{name")
    assert e.value.template == "file://{name"


def test_descriptions_default_to_empty_on_the_drop_in_classes() -> None:
    def undocumented(name: str) -> str:
        return name

    for cls, expected in ((MCPServer, ""), (FastMCP, ""), (Server, None)):
        server = cls("d") if cls is Server else cls()
        server.add_tool(undocumented)
        server.add_prompt(undocumented)
        server.add_resource(lambda: "x", "memo://x", name="memo")
        assert server.tools["undocumented"].get("description") == expected
        assert server.prompts["undocumented"].get("description") == expected
        assert server.resources["memo://x"].get("description") == expected


@pytest.mark.parametrize("cls", [MCPServer, FastMCP])
def test_an_unknown_tool_is_an_error_result(cls: Any) -> None:
    mcp = cls()
    mcp.add_tool(lambda: "x", name="gone")
    mcp.remove_tool("gone")

    async def body() -> None:
        async with mcp.test_client() as client:
            for name in ("never", "gone"):
                result = await client.call_tool(name)
                assert result.is_error and result.text == f"Unknown tool: {name}"

    run(body)


def test_failure_records_go_to_the_official_logger(caplog: pytest.LogCaptureFixture) -> None:
    mcp = MCPServer()
    raised = KeyError("k")

    @mcp.tool()
    def forecast(city: str) -> str:
        raise ToolError(f"no forecast for {city}")

    @mcp.tool()
    def lookup() -> str:
        raise raised

    async def body() -> None:
        async with mcp.test_client() as client:
            await client.call_tool("forecast", {"city": "Atlantis"})
            await client.call_tool("lookup")

    caplog.set_level(logging.INFO)
    run(body)
    records: List[Any] = [r for r in caplog.records if r.name == "mcp.server.mcpserver.server"]
    assert [(r.levelname, r.getMessage(), r.exc_info is not None) for r in records] == [
        ("INFO", "Tool 'forecast' failed: 'Error executing tool forecast: no forecast for Atlantis'", False),
        ("ERROR", "Tool 'lookup' raised an unexpected exception", True),
    ]
    # As 2.x logs a crash: an UnexpectedToolError caused by what the tool raised.
    assert type(records[1].exc_info[1]).__name__ == "UnexpectedToolError" and records[1].exc_info[1].__cause__ is raised
    assert not [r for r in caplog.records if r.name == "mcpforge" and r.levelno >= logging.WARNING]


def _array_header(tags: Annotated[List[str], Field(json_schema_extra={"x-mcp-header": "Tags"})]) -> str:
    raise NotImplementedError


def _optional_header(region: Annotated[Optional[str], Field(json_schema_extra={"x-mcp-header": "Region"})] = None) -> str:
    raise NotImplementedError


def _spaced_header(region: Annotated[str, Field(json_schema_extra={"x-mcp-header": "Region Name"})]) -> str:
    raise NotImplementedError


@pytest.mark.parametrize(
    ("fn", "reason"),
    [
        (_array_header, "property 'tags': x-mcp-header is only permitted on integer/string/boolean properties (got 'array')"),
        (_optional_header, "property 'region': x-mcp-header is only permitted on integer/string/boolean properties (the type keyword is NoneType, not a string)"),
        (_spaced_header, "property 'region': x-mcp-header 'Region Name' is not an RFC 9110 token"),
    ],
)
def test_an_invalid_x_mcp_header_is_refused_in_the_official_words(fn: Any, reason: str) -> None:
    server = MCPServer("headers")
    with pytest.raises(InvalidSignature) as refused:
        server.add_tool(fn)
    assert str(refused.value) == f"Tool {fn.__name__!r} has an invalid x-mcp-header annotation: {reason}"
    assert fn.__name__ not in server.tools

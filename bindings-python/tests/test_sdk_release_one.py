"""Where the official 1.x (``FastMCP``) and 2.x (``MCPServer``) differ, each class answers as
its release: ``FastMCP.get_context()``, 1.x's settings as a pydantic-settings model, the
resource objects of the installed release (``AnyUrl`` and wrapped read errors with 1.x), the
output schema of a TypedDict and of a list of the official content blocks; and on both, text
holding a number for a number parameter is read as pydantic's lax mode reads it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, List, TypedDict

import pytest
from conftest import run

from mcpforge import Context, FastMCP, MCPServer
from mcpforge.exceptions import ToolError
from mcpforge.resources import FileResource, FunctionResource
from mcpforge.sdk import resources as resource_objects
from mcpforge.tools import ToolManager


def test_get_context_outside_a_request_is_a_context_of_the_server_without_a_request() -> None:
    mcp = FastMCP("ctx")
    ctx = mcp.get_context()
    assert isinstance(ctx, Context)
    with pytest.raises(ValueError):
        ctx.request_context  # noqa: B018 - outside a request, as the official one raises

    def doubled(x: int, ctx: Context) -> str:
        assert isinstance(ctx, Context)
        return str(2 * x)

    def failing(x: int, ctx: Context) -> str:
        raise ValueError("broken")

    manager = ToolManager()
    manager.add_tool(doubled)
    manager.add_tool(failing)
    assert run(lambda: manager.call_tool("doubled", {"x": 21}, context=ctx)) == "42"
    with pytest.raises(ToolError, match="Error executing tool failing"):
        run(lambda: manager.call_tool("failing", {"x": 1}, context=ctx))


def _boom() -> str:
    raise RuntimeError("boom")


def test_resource_objects_read_as_the_installed_release(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pydantic = pytest.importorskip("pydantic")
    missing = tmp_path / "missing.txt"
    # 2.x (or no official package): the URI is text and a failure passes through.
    monkeypatch.setattr(resource_objects, "installed_release", lambda: "2.x")
    resource = FunctionResource(uri="function://test", fn=_boom)
    assert resource.uri == "function://test" and resource.name == "function://test"
    with pytest.raises(RuntimeError, match="^boom$"):
        run(resource.read)
    with pytest.raises(FileNotFoundError):
        run(FileResource(uri="file:///missing.txt", path=missing).read)
    # 1.x: the URI is pydantic's AnyUrl, and a failed read is a ValueError naming it.
    monkeypatch.setattr(resource_objects, "installed_release", lambda: "1.x")
    resource = FunctionResource.from_function(_boom, uri="function://test")
    assert resource.uri == pydantic.AnyUrl("function://test") and resource.name == "_boom"
    with pytest.raises(ValueError, match="Error reading resource function://test: boom") as raised:
        run(resource.read)
    assert isinstance(raised.value.__cause__, RuntimeError)
    with pytest.raises(ValueError, match="Error reading file .*missing.txt"):
        run(FileResource(uri="file:///missing.txt", path=missing).read)
    with pytest.raises(ValueError):
        FunctionResource(uri="not a url", fn=_boom)


def test_file_resource_takes_is_binary_only_with_1x(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"\x00\x01")
    fields = {"uri": path.as_uri(), "path": path, "is_binary": True}
    monkeypatch.setattr(resource_objects, "installed_release", lambda: "2.x")
    with pytest.raises(ValueError, match="is_binary"):
        FileResource.model_validate(fields)
    assert FileResource.model_validate({**fields, "is_binary": None, "encoding": None}).encoding is None
    monkeypatch.setattr(resource_objects, "installed_release", lambda: "1.x")
    assert run(FileResource.model_validate(fields).read) == b"\x00\x01"


def test_fastmcp_settings_are_a_pydantic_settings_model_loaded_on_use() -> None:
    pytest.importorskip("pydantic_settings")
    from pydantic import ValidationError

    from mcpforge.server import Settings

    assert Settings.__pydantic_complete__
    mcp = FastMCP("settings", port=9000, session_idle_timeout=5)
    assert isinstance(mcp.settings, Settings)
    assert (mcp.settings.port, mcp.settings.session_idle_timeout) == (9000, 5)
    assert mcp.settings.transport_security is not None  # a loopback host gets the protection filled in
    mcp.settings.mount_path = "/api"
    assert mcp.settings.mount_path == "/api"
    with pytest.raises(ValidationError):
        FastMCP("settings", log_level="LOUD")  # type: ignore[arg-type]
    # `import mcpforge` does not load pydantic-settings: the model is made when first used.
    code = "import sys, mcpforge, mcpforge.mcpserver; print('pydantic_settings' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False"


class Person(TypedDict, total=False):
    name: str
    age: int


def test_typeddict_output_schema_gives_keys_not_required_the_default_none_on_fastmcp_only() -> None:
    def person() -> Person:
        return {"name": "Dave"}

    one: Any = FastMCP("one")
    two: Any = MCPServer("two")
    props_one = one.add_tool(person)["outputSchema"]["properties"]
    props_two = two.add_tool(person)["outputSchema"]["properties"]
    assert props_one["name"]["default"] is None and props_one["age"]["default"] is None
    assert "default" not in props_two["name"] and "default" not in props_two["age"]


def test_a_list_of_official_content_blocks_is_structured_on_fastmcp_only() -> None:
    types = pytest.importorskip("mcp.types")

    def blocks() -> List[types.TextContent]:  # type: ignore[name-defined]
        return [types.TextContent(type="text", text="Hello"), types.TextContent(type="text", text="there")]

    one: Any = FastMCP("one")
    two: Any = MCPServer("two")
    assert one.add_tool(blocks)["outputSchema"]["required"] == ["result"]
    assert "outputSchema" not in two.add_tool(blocks)

    async def body() -> None:
        async with one.test_client() as client:
            result = await client.call_tool("blocks", {})
            assert [block["text"] for block in result.content] == ["Hello", "there"]
            assert [block["text"] for block in result.structured_content["result"]] == ["Hello", "there"]

    run(body)


def test_number_text_for_a_number_parameter_is_read_as_the_number() -> None:
    mcp: Any = MCPServer("lax")

    @mcp.tool()
    def scaled(count: int, ratio: float, label: str, either: int | str = 0) -> str:
        return f"{count!r} {ratio!r} {label!r} {either!r}"

    async def body() -> None:
        async with mcp.test_client() as client:
            result = await client.call_tool("scaled", {"count": "5", "ratio": "2.5", "label": "7", "either": "9"})
            assert result.structured_content == {"result": "5 2.5 '7' '9'"}
            refused = await client.call_tool("scaled", {"count": "5.5", "ratio": "1", "label": ""})
            assert refused.is_error

    run(body)

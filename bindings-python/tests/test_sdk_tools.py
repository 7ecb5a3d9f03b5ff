"""The official standalone tool objects (``mcpforge.tools``: ``Tool``, ``ToolManager``;
``mcpforge.utilities.func_metadata``) served by the engine: a tool's schemas are the ones a
server writes, ``run`` validates through the engine (a refused call raises ``ToolError``)
and returns the function's own value, a callable object is read by its ``__call__``, and a
``Tool`` handed to a server registers as the same tool."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any, Callable, Final, List, NamedTuple, Optional

import pytest
from pydantic import Field, ValidationError

from mcpforge import CallToolResult, Context, MCPServer, Server
from mcpforge.exceptions import InvalidSignature, ToolError
from mcpforge.tools import Tool, ToolManager
from mcpforge.utilities.func_metadata import ArgModelBase, func_metadata


class Doubler:
    """A callable object: its annotations are those of ``__call__``."""

    __name__ = "Doubler"

    def __call__(self, x: int) -> int:
        return x * 2


def test_a_callable_object_registers_with_the_annotations_of_its_call() -> None:
    server: Any = MCPServer("objects")
    definition = server.add_tool(Doubler(), name="double")
    assert definition["inputSchema"]["properties"]["x"]["type"] == "integer"
    assert Tool.from_function(Doubler()).parameters["properties"]["x"]["type"] == "integer"


def test_run_returns_the_value_and_refuses_invalid_arguments_through_the_engine() -> None:
    def add(a: int, b: int = 1) -> int:
        """Adds."""
        return a + b

    tool = Tool.from_function(add)
    assert (tool.name, tool.description, tool.is_async, tool.context_kwarg) == ("add", "Adds.", False, None)
    assert tool.parameters == MCPServer("same").add_tool(add)["inputSchema"]
    assert asyncio.run(tool.run({"a": 2}, Context())) == 3
    with pytest.raises(ToolError, match="Error executing tool add"):
        asyncio.run(tool.run({"a": "two"}, Context()))
    with pytest.raises(ToolError, match="Error executing tool add"):
        asyncio.run(tool.run({}, Context()))


def test_a_crash_is_a_tool_error_and_the_context_comes_from_the_engine() -> None:
    async def where(x: int, ctx: Context) -> str:
        if x < 0:
            raise RuntimeError("boom")
        return f"{x} {isinstance(ctx, Context)}"

    tool = Tool.from_function(where)
    assert tool.context_kwarg == "ctx" and "ctx" not in tool.parameters["properties"]
    assert "ctx" not in tool.fn_metadata.arg_model.model_fields
    assert asyncio.run(tool.run({"x": 1}, Context())) == "1 True"
    with pytest.raises(ToolError, match="Error executing tool where"):
        asyncio.run(tool.run({"x": -1}, Context()))


def test_the_manager_keeps_the_first_of_a_name_and_refuses_unknown_names(caplog: pytest.LogCaptureFixture) -> None:
    def f(x: int) -> int:
        return x

    manager = ToolManager()
    first = manager.add_tool(f)
    with caplog.at_level(logging.WARNING):
        assert manager.add_tool(f) is first
    assert "Tool already exists: f" in caplog.text
    assert [t.name for t in manager.list_tools()] == ["f"]
    assert asyncio.run(manager.call_tool("f", {"x": 4}, Context())) == 4
    with pytest.raises(ValueError, match="You must provide a name for lambda functions"):
        manager.add_tool(lambda x: x)
    manager.remove_tool("f")
    with pytest.raises(ToolError, match="Unknown tool: f"):
        asyncio.run(manager.call_tool("f", {"x": 4}, Context()))
    with pytest.raises(ToolError, match="Unknown tool: f"):
        manager.remove_tool("f")


def test_a_tool_handed_to_a_server_registers_as_the_same_tool() -> None:
    def greet(name: str) -> str:
        """Greets."""
        return f"Hello, {name}!"

    tool = Tool.from_function(greet, title="Greeter")
    server: Any = MCPServer("given", tools=[tool])
    served = server.tools["greet"]
    assert (served["title"], served["description"], served["inputSchema"]) == ("Greeter", "Greets.", tool.parameters)
    assert served.get("outputSchema") == tool.output_schema


def test_func_metadata_reads_the_parameters_the_server_reads() -> None:
    def fn(a: int, ctx: Context, b: str = "x") -> str:
        return b * a

    meta = func_metadata(fn, skip_names=["ctx"])
    assert issubclass(meta.arg_model, ArgModelBase)
    assert list(meta.arg_model.model_fields) == ["a", "b"]
    assert meta.arg_model(a=2).model_dump_one_level() == {"a": 2, "b": "x"}
    assert meta.output_schema == MCPServer("same").add_tool(fn)["outputSchema"]
    assert issubclass(InvalidSignature, Exception)


def test_func_metadata_validates_and_shapes_through_the_engine() -> None:
    def fn(a: int, names: list[str]) -> dict[str, int]:
        return {n: a for n in names}

    meta = func_metadata(fn)
    assert meta.validate_arguments({"a": 1, "names": ["x"]}) == {"a": 1, "names": ["x"]}
    with pytest.raises(ValidationError, match="Invalid arguments for tool"):
        meta.validate_arguments({"a": "one", "names": []})
    assert asyncio.run(meta.call_fn(fn, False, {"a": 2}, {"names": ["y"]})) == {"y": 2}
    shaped = meta.convert_result({"y": 2})
    assert shaped["structuredContent"] == {"y": 2} and shaped["content"][0]["type"] == "text"
    assert meta.pre_parse_json({"a": "3", "names": '["p", "q"]'}) == {"a": "3", "names": ["p", "q"]}


def test_a_default_given_in_annotated_field_metadata_makes_the_parameter_optional() -> None:
    def scaled(x: int, factor: Annotated[int, Field(3, description="times")]) -> int:
        return x * factor

    server: Any = MCPServer("defaults")
    schema = server.add_tool(scaled)["inputSchema"]
    assert schema["required"] == ["x"] and schema["properties"]["factor"]["default"] == 3
    assert asyncio.run(Tool.from_function(scaled).run({"x": 2}, Context())) == 6


def test_the_official_return_annotation_rules_refuse_at_registration() -> None:
    def maybe() -> Optional[CallToolResult]:
        return None

    def bare():  # type: ignore[no-untyped-def]
        return "x"

    server: Any = MCPServer("rules")
    with pytest.raises(InvalidSignature, match="CallToolResult cannot be used in Union or Optional types"):
        server.add_tool(maybe)
    with pytest.raises(InvalidSignature, match="return annotation required for structured output"):
        server.add_tool(bare, structured_output=True)

    def final() -> Final[int]:  # type: ignore[valid-type]
        return 1

    with pytest.raises(InvalidSignature, match="return annotation contains an invalid type qualifier"):
        server.add_tool(final)
    assert list(server.tools) == []


def test_json_text_for_a_list_parameter_is_read_as_the_list_it_holds() -> None:
    def total(values: list[int], label: str = "") -> str:
        return f"{label}{sum(values)}"

    manager = ToolManager()
    manager.add_tool(total)
    assert asyncio.run(manager.call_tool("total", {"values": "[1, 2, 3]", "label": "[x]"}, Context())) == "[x]6"
    with pytest.raises(ToolError, match="Error executing tool total"):
        asyncio.run(manager.call_tool("total", {"values": "6"}, Context()))


_made: List[int] = []


def _next_id() -> int:
    _made.append(len(_made) + 1)
    return _made[-1]


def test_a_default_factory_runs_once_per_call_and_is_not_in_the_schema() -> None:
    # As pydantic writes the schema: a `default_factory` gives no default there, so the
    # factory runs only when a call leaves the parameter out, once.
    made = _made
    mcp = MCPServer("ids")

    @mcp.tool()
    def run_once(request_id: Annotated[int, Field(default_factory=_next_id)], label: str = Field(default_factory=lambda: "job")) -> str:
        return f"{label}:{request_id}"

    assert made == []
    # Without the official package installed, the direct calls answer in wire dicts.
    (listed,) = asyncio.run(mcp.list_tools())
    schema = listed["inputSchema"] if isinstance(listed, dict) else listed.input_schema
    assert schema["properties"]["request_id"] == {"title": "Request Id", "type": "integer"}
    assert "default" not in schema["properties"]["label"] and "required" not in schema
    result = asyncio.run(mcp.call_tool("run_once", {}))
    assert (result["structuredContent"] if isinstance(result, dict) else result.structured_content) == {"result": "job:1"}
    assert made == [1]


class _WithCallback:
    name: str
    callback: Callable[[Any], Any] = print


class _Point(NamedTuple):
    x: int
    y: int


def test_a_return_type_without_a_schema_is_unstructured_as_the_official_reads_it() -> None:
    # The official SDK serves such a tool without structured output, and refuses it only
    # when structured output is asked for; Server refuses it.
    mcp = MCPServer("types")

    def configured() -> _WithCallback:
        return _WithCallback()

    def located() -> _Point:
        return _Point(1, 2)

    for fn in (configured, located):
        mcp.add_tool(fn)
        with pytest.raises(InvalidSignature, match="is not serializable for structured output"):
            MCPServer("strict").add_tool(fn, structured_output=True)
    tools = asyncio.run(mcp.list_tools())
    assert [("outputSchema" in t) if isinstance(t, dict) else (t.output_schema is not None) for t in tools] == [False, False]
    with pytest.raises(TypeError, match="JSON Schema"):
        Server("own").add_tool(configured)

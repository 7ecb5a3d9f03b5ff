"""Type hints to JSON Schema: primitives, lists, dicts, Optional/Union, Literal/Enum,
TypedDict, dataclasses, pydantic models, ordinary classes with type hints, ``Annotated``
with descriptions, ``Field`` and pydantic ``Field`` constraints, defaults, docstrings; the output schema from the return
annotation; and the engine validating arguments against the generated schema."""

from __future__ import annotations

import dataclasses
import datetime
import enum
from typing import Annotated, Any, Dict, List, Literal, Optional, Sequence, Set, Tuple, TypedDict, Union

import pydantic
import pytest
from conftest import run

from mcpforge import Context, Field, MCPServer, Server
from mcpforge._function_spec import function_spec
from mcpforge.schema import type_schema


class Mode(enum.Enum):
    FAST = "fast"
    SLOW = "slow"


class Address(TypedDict):
    street: str
    city: str


class PartialAddress(TypedDict, total=False):
    zip: str


@dataclasses.dataclass
class Item:
    """An item.

    Attributes:
        name: What it is called.
    """

    name: str
    tags: List[str] = dataclasses.field(default_factory=list)
    price: float = 1.5


class User(pydantic.BaseModel):
    name: str = pydantic.Field(description="Full name")
    age: int = pydantic.Field(ge=0)


def test_primitives_and_containers() -> None:
    assert type_schema(int) == {"type": "integer"}
    assert type_schema(float) == {"type": "number"}
    assert type_schema(str) == {"type": "string"}
    assert type_schema(bool) == {"type": "boolean"}
    assert type_schema(type(None)) == {"type": "null"}
    assert type_schema(Any) == {}
    assert type_schema(List[int]) == {"type": "array", "items": {"type": "integer"}}
    assert type_schema(Sequence[str]) == {"type": "array", "items": {"type": "string"}}
    assert type_schema(Set[str]) == {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
    assert type_schema(Tuple[int, str]) == {
        "type": "array",
        "prefixItems": [{"type": "integer"}, {"type": "string"}],
        "minItems": 2,
        "maxItems": 2,
    }
    assert type_schema(Dict[str, float]) == {"type": "object", "additionalProperties": {"type": "number"}}
    assert type_schema(dict) == {"type": "object"}
    assert type_schema(bytes) == {"type": "string", "contentEncoding": "base64"}
    assert type_schema(datetime.datetime) == {"type": "string", "format": "date-time"}


def test_unions_literals_and_enums() -> None:
    assert type_schema(Optional[int]) == {"type": ["integer", "null"]}
    assert type_schema(Union[int, str]) == {"type": ["integer", "string"]}
    assert type_schema(Union[List[int], str]) == {"anyOf": [{"type": "array", "items": {"type": "integer"}}, {"type": "string"}]}
    assert type_schema(Literal["a", "b"]) == {"enum": ["a", "b"], "type": "string"}
    assert type_schema(Literal[1]) == {"const": 1, "type": "integer"}
    assert type_schema(Mode) == {"enum": ["fast", "slow"], "type": "string", "title": "Mode"}


def test_typeddicts_dataclasses_and_pydantic_models() -> None:
    assert type_schema(Address) == {
        "type": "object",
        "title": "Address",
        "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
        "required": ["street", "city"],
    }
    assert "required" not in type_schema(PartialAddress)
    assert type_schema(Item) == {
        "type": "object",
        "title": "Item",
        "properties": {
            "name": {"type": "string", "description": "What it is called."},
            "tags": {"type": "array", "items": {"type": "string"}},
            "price": {"type": "number", "default": 1.5},
        },
        "required": ["name"],
    }
    user = type_schema(User)
    assert user["properties"]["name"]["description"] == "Full name"
    assert user["properties"]["age"]["minimum"] == 0
    nested = type_schema(List[Item])
    assert nested["items"] == {"$ref": "#/$defs/Item"} and "Item" in nested["$defs"]


def test_annotated_descriptions_and_constraints() -> None:
    assert type_schema(Annotated[str, "A name"]) == {"type": "string", "description": "A name"}
    assert type_schema(Annotated[int, Field("Count", ge=1, le=10)]) == {"type": "integer", "description": "Count", "minimum": 1, "maximum": 10}
    assert type_schema(Annotated[str, Field(min_length=2, pattern="^a")]) == {"type": "string", "minLength": 2, "pattern": "^a"}
    assert type_schema(Annotated[List[int], Field(max_length=3)]) == {"type": "array", "items": {"type": "integer"}, "maxItems": 3}
    assert type_schema(Annotated[float, pydantic.Field(description="Ratio", gt=0, lt=1)]) == {
        "type": "number",
        "description": "Ratio",
        "exclusiveMinimum": 0,
        "exclusiveMaximum": 1,
    }


def test_constraints_on_an_optional_type_apply_to_its_non_null_types() -> None:
    # A union's `type` is a list: it once crashed the lookup of the length keywords.
    assert type_schema(Annotated[Optional[str], pydantic.Field(max_length=5, examples=["a"])]) == {
        "type": ["string", "null"],
        "maxLength": 5,
        "examples": ["a"],
    }

    def f(a: Optional[str] = pydantic.Field(None, description="x", examples=["a", "b"])) -> str:
        return a or ""

    assert function_spec(f).input_schema["properties"]["a"] == {
        "type": ["string", "null"],
        "description": "x",
        "examples": ["a", "b"],
        "default": None,
    }


def test_function_specs() -> None:
    def search(
        query: Annotated[str, "What to look for"],
        ctx: Context,
        limit: int = 10,
        mode: Mode = Mode.FAST,
        where: Optional[Address] = None,
    ) -> List[Item]:
        """Searches the catalog.

        Args:
            limit: At most this many.
        """
        return []

    spec = function_spec(search)
    assert spec.context_param == "ctx"
    assert spec.description == "Searches the catalog."
    assert spec.input_schema == {
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "What to look for"},
            "limit": {"type": "integer", "default": 10, "description": "At most this many."},
            "mode": {"$ref": "#/$defs/Mode", "default": "fast"},
            "where": {"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}], "default": None},
        },
        "required": ["query"],
        "$defs": {"Mode": type_schema(Mode), "Address": type_schema(Address)},
    }
    assert spec.wrap_output
    assert spec.output_schema is not None and spec.output_schema["properties"]["result"]["items"] == {"$ref": "#/$defs/Item"}

    def plain() -> Dict[str, int]:
        return {}

    assert function_spec(plain).output_schema == {"type": "object", "additionalProperties": {"type": "integer"}}
    assert function_spec(plain, structured_output=False).output_schema is None


def test_generated_schemas_validate_arguments_in_the_engine() -> None:
    server = Server("validate")
    received: List[Any] = []

    @server.tool()
    def create(user: User, item: Item, count: Annotated[int, Field(ge=1)] = 1) -> User:
        received.append((user, item, count))
        return user

    async def body() -> None:
        async with server.test_client() as client:
            good = {"user": {"name": "Ada", "age": 36}, "item": {"name": "pen"}, "count": 2}
            result = await client.call_tool("create", good)
            assert result.structured_content == {"name": "Ada", "age": 36}
            for bad in ({**good, "count": 0}, {**good, "user": {"name": "Ada", "age": -1}}, {**good, "item": {}}):
                assert (await client.call_tool("create", bad)).is_error

    run(body)
    assert received == [(User(name="Ada", age=36), Item("pen"), 2)]


def test_unsupported_types_are_clear_errors() -> None:
    class Opaque:
        pass

    with pytest.raises(TypeError, match="Opaque"):
        type_schema(Opaque)


class Profile:
    """An ordinary class whose attributes have type hints (the official SDK's example)."""

    name: str
    age: int
    email: Optional[str] = None

    def __init__(self, name: str, age: int, email: Optional[str] = None) -> None:
        self.name, self.age, self.email = name, age, email


class Untyped:
    def __init__(self, setting: str) -> None:
        self.setting = setting


def test_ordinary_classes_with_type_hints_are_structured_output() -> None:
    assert type_schema(Profile) == {
        "type": "object",
        "title": "Profile",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}, "email": {"type": ["string", "null"], "default": None}},
        "required": ["name", "age"],
    }
    server = Server("profiles")

    @server.tool()
    def profile() -> Profile:
        return Profile("Alice", 30)

    @server.tool()
    def config() -> Untyped:  # no hints: no output schema
        return Untyped("x")

    async def body() -> None:
        async with server.test_client() as client:
            tools = {t["name"]: t for t in await client.list_tools()}
            assert tools["profile"]["outputSchema"]["required"] == ["name", "age"]
            assert "outputSchema" not in tools["config"]
            result = await client.call_tool("profile")
            assert result.structured_content == {"name": "Alice", "age": 30, "email": None}

    run(body)


class Node(pydantic.BaseModel):
    value: int
    children: List["Node"] = []


def test_a_recursive_return_type_keeps_its_definition() -> None:
    server = Server("trees")

    @server.tool()
    def tree() -> Node:
        return Node(value=1, children=[Node(value=2)])

    async def body() -> None:
        async with server.test_client() as client:
            schema = (await client.list_tools())[0]["outputSchema"]
            assert schema["type"] == "object" and schema["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}
            assert "Node" in schema["$defs"]
            result = await client.call_tool("tree")
            assert result.structured_content == {"value": 1, "children": [{"value": 2, "children": []}]}

    run(body)


def test_a_float_parameter_receives_a_float_for_a_json_integer() -> None:
    # As pydantic (the official SDK) converts it: `a: float` called with 1 gets 1.0, so
    # float methods such as is_integer() work (int has none before Python 3.12).
    def add(a: float, b: Optional[float] = None, flag: bool = False) -> str:
        return f"{a.is_integer()} {b!r} {flag!r}"

    spec = function_spec(add)
    converted = {p.name: p.convert for p in spec.params if p.convert is not None}
    assert converted["a"](1) == 1.0 and isinstance(converted["a"](1), float)
    assert converted["a"](2.5) == 2.5
    assert converted["b"](None) is None and isinstance(converted["b"](3), float)
    assert "flag" not in converted or converted["flag"](True) is True


def test_a_pydantic_field_as_a_default_gives_its_description_and_default() -> None:
    # `x: str = pydantic.Field(...)`: the schema takes the Field's description, constraints
    # and default (required when it has none), and the function gets the real default.
    def greet(
        name: str = pydantic.Field(description="Who to greet"),
        greeting: str = pydantic.Field("Hello", description="The word"),
        times: int = pydantic.Field(default_factory=lambda: 1, ge=1),
    ) -> str:
        return f"{greeting} {name} x{times}"

    spec = function_spec(greet)
    assert spec.input_schema == {
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "Who to greet"},
            "greeting": {"type": "string", "description": "The word", "default": "Hello"},
            "times": {"type": "integer", "minimum": 1, "default": 1},
        },
        "required": ["name"],
    }
    assert [p.required for p in spec.params] == [True, False, False]
    server = Server("fields")
    server.add_tool(greet)

    async def body() -> None:
        async with server.test_client() as client:
            assert (await client.call_tool("greet", {"name": "Ada"})).text == "Hello Ada x1"
            assert (await client.call_tool("greet", {"name": "Ada", "greeting": "Hi", "times": 2})).text == "Hi Ada x2"
            assert (await client.call_tool("greet", {})).is_error

    run(body)


def test_the_drop_in_reads_dict_return_annotations_as_the_official_sdk() -> None:
    # The official rule: bare `dict` has no output schema; only a builtin `dict[str, V]` is
    # an object sent as it is; typing's `Dict`, `Dict[K, V]` and `dict[int, V]` are wrapped.
    def bare() -> dict:  # type: ignore[type-arg]
        return {"a": 1}

    def typing_dict() -> Dict[str, int]:
        return {"a": 1}

    def builtin() -> dict[str, int]:
        return {"a": 1}

    def int_keys() -> dict[int, str]:
        return {1: "a"}

    read = {fn.__name__: function_spec(fn, text_schema=True) for fn in (bare, typing_dict, builtin, int_keys)}
    assert read["bare"].output_schema is None
    assert read["typing_dict"].output_schema == {
        "type": "object",
        "properties": {"result": {"type": "object", "additionalProperties": {"type": "integer"}}},
        "required": ["result"],
    }
    assert read["typing_dict"].wrap_output and read["int_keys"].wrap_output
    assert read["builtin"].output_schema == {"type": "object", "additionalProperties": {"type": "integer"}}
    assert not read["builtin"].wrap_output
    # The native API keeps its own rule: every dict is an object, sent as it is.
    assert function_spec(typing_dict).output_schema == {"type": "object", "additionalProperties": {"type": "integer"}}

    server = MCPServer("dicts")
    for fn in (bare, typing_dict, builtin):
        server.add_tool(fn)

    async def body() -> None:
        async with server.test_client() as client:
            tools = {t["name"]: t for t in await client.list_tools()}
            assert "outputSchema" not in tools["bare"]
            assert (await client.call_tool("bare")).structured_content is None
            assert (await client.call_tool("typing_dict")).structured_content == {"result": {"a": 1}}
            assert (await client.call_tool("builtin")).structured_content == {"a": 1}

    run(body)


class Moment(pydantic.BaseModel):
    timezone: str
    datetime: str


class Conversion(pydantic.BaseModel):
    source: Moment
    target: Moment
    difference: str


def test_a_model_holding_models_has_its_output_schema_at_the_root() -> None:
    # The published time server returns such a model: its output schema was missing.
    def convert() -> Conversion:
        moment = Moment(timezone="UTC", datetime="now")
        return Conversion(source=moment, target=moment, difference="+0h")

    schema = function_spec(convert).output_schema
    assert schema is not None and schema["type"] == "object" and schema["title"] == "Conversion"
    assert schema["properties"]["source"] == {"$ref": "#/$defs/Moment"}
    assert list(schema["$defs"]) == ["Moment"]


def test_the_drop_in_writes_input_schemas_as_pydantic_does() -> None:
    # Titles (the function's `NAMEArguments`, each parameter's in title case) and unions as
    # anyOf, with each type's constraints in its branch; mcpforge's own Server writes neither.
    def get_time(source_timezone: Annotated[str, Field(description="IANA name")], label: Optional[str] = pydantic.Field(None, max_length=5)) -> str:
        return source_timezone

    sdk = function_spec(get_time, titles=True).input_schema
    assert sdk["title"] == "get_timeArguments"
    assert sdk["properties"]["source_timezone"] == {"type": "string", "description": "IANA name", "title": "Source Timezone"}
    assert sdk["properties"]["label"] == {"anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}], "default": None, "title": "Label"}
    native = function_spec(get_time).input_schema
    assert "title" not in native and native["properties"]["label"]["type"] == ["string", "null"]


def test_a_type_only_pydantic_knows_gets_its_schema_and_its_values() -> None:
    # mcp-server-fetch annotates `url: AnyUrl`: the server failed to start.
    seen: List[Any] = []

    def fetch(url: pydantic.AnyUrl) -> str:
        seen.append(url)
        return str(url)

    spec = function_spec(fetch)
    assert spec.input_schema["properties"]["url"] == {"type": "string", "format": "uri", "minLength": 1}
    convert = spec.params[0].convert
    assert convert is not None and isinstance(convert("https://example.com/a"), pydantic.AnyUrl)
    with pytest.raises(pydantic.ValidationError):
        convert("not a url")

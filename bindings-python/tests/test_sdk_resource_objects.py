"""The official SDK's standalone resource objects (``mcpforge.resources``): the checks the
official models make when built, ``FunctionResource.read`` converting as the official one
does, ``ResourceTemplate`` matched by the engine, the standalone ``ResourceManager``, and
the server's ``_resource_manager.get_resource``."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Dict

import pytest
from conftest import run

from mcpforge import Context, FastMCP, MCPServer
from mcpforge.exceptions import ResourceError, ResourceNotFoundError, UnexpectedResourceError
from mcpforge.resources import FileResource, FunctionResource, Resource, ResourceManager, ResourceTemplate, TextResource
from mcpforge.resources.templates import DEFAULT_RESOURCE_SECURITY, ResourceSecurity, ResourceSecurityError


def test_a_resource_needs_a_uri_or_a_name_and_a_read() -> None:
    with pytest.raises(ValueError, match="Either name or uri must be provided"):
        FunctionResource(fn=lambda: "x")
    assert FunctionResource(uri="memo://a", fn=lambda: "x").name == "memo://a"

    class NoRead(Resource):
        pass

    with pytest.raises(TypeError, match="abstract"):
        NoRead(uri="memo://b")  # type: ignore[abstract]


def test_a_file_resource_refuses_a_relative_path_and_unknown_encodings(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("notes")
    with pytest.raises(ValueError, match="Path must be absolute"):
        FileResource(uri="file:///notes.txt", path=Path("notes.txt"))
    with pytest.raises(ValueError, match="unknown encoding: not-a-codec"):
        FileResource(uri=path.as_uri(), path=path, encoding="not-a-codec")
    with pytest.raises(ValueError, match="not a text encoding"):
        FileResource(uri=path.as_uri(), path=path, encoding="base64_codec")
    assert FileResource(uri=path.as_uri(), path=path, encoding="utf-16").encoding == "utf-16"


def test_a_function_resource_reads_values_as_json_text_off_the_loop() -> None:
    seen: Dict[str, int] = {}

    def data() -> Dict[str, Any]:
        seen["thread"] = threading.get_ident()
        return {"key": "value"}

    async def read() -> Any:
        seen["loop"] = threading.get_ident()
        return await FunctionResource(uri="memo://d", fn=data).read()

    assert run(read) == '{\n  "key": "value"\n}'
    assert seen["thread"] != seen["loop"]
    assert run(FunctionResource(uri="memo://b", fn=lambda: b"\x00").read) == b"\x00"


def test_a_template_matches_as_the_engine_does_and_creates_resources() -> None:
    def item(kind: str, number: int) -> str:
        return f"{kind} #{number + 1}"

    template = ResourceTemplate.from_function(item, "shop://{kind}/{number}", meta={"cached": True})
    assert (template.name, template.mime_type, template.meta) == ("item", "text/plain", {"cached": True})
    assert template.matches("shop://books/41") == {"kind": "books", "number": "41"}
    assert template.matches("shop://books") is None
    with pytest.raises(ResourceSecurityError):  # the official default policy, in the engine
        template.matches("shop://../41")
    resource = run(lambda: template.create_resource("shop://books/41", {"kind": "books", "number": "41"}, Context()))
    assert isinstance(resource, FunctionResource) and resource.meta == {"cached": True}
    assert run(resource.read) == "books #42"


def test_a_failing_template_function_is_an_unexpected_resource_error() -> None:
    def broken(x: str) -> str:
        raise KeyError(x)

    def refused(x: str) -> str:
        raise ResourceError("not yours")

    with pytest.raises(UnexpectedResourceError, match="Error creating resource from template fail://a") as raised:
        run(lambda: ResourceTemplate.from_function(broken, "fail://{x}").create_resource("fail://a", {"x": "a"}))
    assert isinstance(raised.value, ValueError) and isinstance(raised.value.__cause__, KeyError)
    with pytest.raises(ResourceError, match="not yours"):
        run(lambda: ResourceTemplate.from_function(refused, "fail://{x}").create_resource("fail://a", {"x": "a"}))
    assert DEFAULT_RESOURCE_SECURITY == ResourceSecurity()


def test_the_standalone_manager_finds_resources_then_templates(caplog: pytest.LogCaptureFixture) -> None:
    text = TextResource(uri="memo://hello", text="hello")
    manager = ResourceManager(resources=[text, TextResource(uri="memo://hello", text="again")])
    assert "Resource already exists: memo://hello" in caplog.text
    assert manager.list_resources() == [text]
    manager.add_template(lambda name: f"Hi {name}", "greet://{name}", name="greet")
    assert run(lambda: manager.get_resource("memo://hello", Context())) is text
    greeting = run(lambda: manager.get_resource("greet://ann", Context()))
    assert run(greeting.read) == "Hi ann"
    with pytest.raises(ResourceNotFoundError, match="Unknown resource: memo://other"):
        run(lambda: manager.get_resource("memo://other", Context()))


@pytest.mark.parametrize("cls", [MCPServer, FastMCP])
def test_the_servers_resource_manager_gets_resources_and_template_resources(cls: Any) -> None:
    server = cls("resources")

    @server.resource("memo://static", description="A fixed memo.")
    def static() -> str:
        return "fixed"

    @server.resource("memo://{name}/data")
    def data(name: str) -> str:
        return f"Data for {name}"

    manager = server._resource_manager
    got = run(lambda: manager.get_resource("memo://static", Context()))
    assert isinstance(got, FunctionResource) and got.description == "A fixed memo."
    assert run(got.read) == "fixed"
    assert run(lambda: run_read(manager, "memo://ann/data")) == "Data for ann"
    with pytest.raises(ResourceNotFoundError, match="Unknown resource"):
        run(lambda: manager.get_resource("memo://nothing/here/at/all"))


async def run_read(manager: Any, uri: str) -> Any:
    return await (await manager.get_resource(uri, Context())).read()

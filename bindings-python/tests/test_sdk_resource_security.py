"""The official 2.x ``ResourceSecurity`` on resource templates, enforced by the engine's
template matching: by default a value climbing above its start (``..``, written ``%2E%2E``
or with ``%5C`` too), an absolute path (``/x``, ``C:``, ``x:y``) or a NUL is refused, and the
refusal ends the search for a template, so that a later, laxer template does not serve the
URI; a ``/`` written ``%2F`` in a simple value passes. ``exempt_params`` and switched-off
checks let values through, per template (``security=``) or server-wide
(``resource_security=``). The standalone ``ResourceTemplate.matches`` raises
``ResourceSecurityError`` for a refused value."""

import pytest
from conftest import run

from mcpforge import MCPServer, ProtocolError, ResourceSecurity
from mcpforge.resources import ResourceTemplate
from mcpforge.resources.templates import ResourceSecurityError


def _server(**options: object) -> MCPServer:
    server = MCPServer("secure", **options)

    @server.resource("file://docs/{name}")
    def strict(name: str) -> str:
        return f"strict:{name}"

    @server.resource("file://docs/{+path}", security=ResourceSecurity(exempt_params={"path"}))
    def lax(path: str) -> str:
        return f"lax:{path}"

    @server.resource("data://items/{name}")
    def item(name: str) -> str:
        return f"item:{name}"

    return server


def test_templates_hold_their_values_to_their_policy() -> None:
    async def body() -> None:
        async with _server().test_client() as client:
            assert (await client.read_resource("file://docs/sub%2Ffile.txt"))[0]["text"] == "strict:sub/file.txt"
            assert (await client.read_resource("file://docs/a/../b"))[0]["text"] == "lax:a/../b"
            for uri in ["file://docs/..%2Fsecrets", "file://docs/%2E%2E", "data://items/x:y", "data://items/key%00"]:
                with pytest.raises(ProtocolError) as refused:
                    await client.read_resource(uri)
                assert refused.value.code == -32602, uri
        async with _server(resource_security=ResourceSecurity(reject_path_traversal=False)).test_client() as client:
            assert (await client.read_resource("data://items/.."))[0]["text"] == "item:.."

    run(body)


def test_a_standalone_template_raises_for_a_refused_value() -> None:
    def handler(**values: str) -> str:
        raise NotImplementedError

    template = ResourceTemplate.from_function(fn=handler, uri_template="file://docs/{name}")
    assert template.matches("file://docs/sub%2Ffile.txt") == {"name": "sub/file.txt"}
    assert template.matches("file://docs/a/b") is None
    with pytest.raises(ResourceSecurityError, match="'name'") as refused:
        template.matches("file://docs/..%5C..%5Csecret")
    assert refused.value.param == "name"
    open_nul = ResourceTemplate.from_function(fn=handler, uri_template="file://docs/{name}", security=ResourceSecurity(reject_null_bytes=False))
    assert open_nul.matches("file://docs/key%00.txt") == {"name": "key\0.txt"}

"""The official SDK's module paths on mcpforge: a server module written on the official
high-level API imports its names from submodules (``...mcpserver.prompts.base``,
``.resources``, ``.utilities.types``, ``.exceptions``, 1.x's ``.server.Settings``); after
its import line is changed to ``mcpforge`` they must still import and work. The official
SDK's own tests run this way (`make test-sdk-python`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest
from conftest import run

from mcpforge import Context, MCPServer, ProtocolError, RequestStateSecurity, Resolve, ResourceSecurity


def test_the_submodules_name_mcpforge_classes() -> None:
    import mcpforge
    from mcpforge.exceptions import ResourceError, ResourceNotFoundError, ToolError, UnexpectedResourceError, UnexpectedToolError
    from mcpforge.prompts import base
    from mcpforge.server import Settings
    from mcpforge.utilities.types import Audio, Image

    assert (base.Message, base.UserMessage, base.AssistantMessage) == (mcpforge.Message, mcpforge.UserMessage, mcpforge.AssistantMessage)
    assert issubclass(Image, mcpforge.Image) and issubclass(Audio, mcpforge.Audio)
    assert (ToolError, ResourceError) == (mcpforge.ToolError, mcpforge.ResourceError)
    assert issubclass(UnexpectedToolError, ToolError) and issubclass(UnexpectedResourceError, ResourceError)
    assert issubclass(ResourceNotFoundError, ResourceError)
    assert Settings is mcpforge.mcpserver.Settings


def test_the_official_option_classes_import() -> None:
    # ResourceSecurity (test_sdk_resource_security.py), RequestStateSecurity and Resolve
    # (test_sdk_everything.py) are served.
    assert ResourceSecurity().reject_path_traversal
    assert Resolve(print).fn is print
    with pytest.raises(ValueError, match="exactly one"):
        RequestStateSecurity()


def test_resource_objects_are_served(tmp_path: Path) -> None:
    from mcpforge.exceptions import ResourceNotFoundError
    from mcpforge.resources import BinaryResource, FileResource, FunctionResource, TextResource

    notes = tmp_path / "notes.txt"
    notes.write_text("from a file")
    blob = tmp_path / "data.bin"
    blob.write_bytes(b"plain bytes")
    server = MCPServer("objects")

    async def fetch() -> str:
        """Fetched by a coroutine."""
        return "fetched"

    def missing() -> str:
        raise ResourceNotFoundError("no such report yet")

    server.add_resource(FunctionResource.from_function(fetch, "memo://fetched"))
    server.add_resource(FunctionResource(uri="memo://missing", fn=missing))
    server.add_resource(TextResource(uri="memo://text", name="text", text="plain"))
    server.add_resource(BinaryResource(uri="memo://bytes", data=b"\x00\x01"))
    server.add_resource(FileResource(uri="file://notes.txt", path=notes, mime_type="text/markdown"))
    server.add_resource(FileResource(uri="file://data.bin", path=blob, mime_type="application/octet-stream"))  # bytes by its type

    async def body() -> None:
        async with server.test_client() as client:
            listed = {r["uri"]: r for r in await client.list_resources()}
            assert listed["memo://fetched"]["name"] == "fetch" and listed["memo://fetched"]["description"] == "Fetched by a coroutine."
            assert listed["memo://bytes"]["mimeType"] == "application/octet-stream"
            assert listed["memo://missing"]["name"] == "memo://missing"
            assert (await client.read_resource("memo://fetched"))[0]["text"] == "fetched"
            assert (await client.read_resource("memo://text"))[0]["text"] == "plain"
            assert (await client.read_resource("memo://bytes"))[0]["blob"] == "AAE="
            read = (await client.read_resource("file://notes.txt"))[0]
            assert (read["text"], read["mimeType"]) == ("from a file", "text/markdown")
            assert (await client.read_resource("file://data.bin"))[0]["blob"] == "cGxhaW4gYnl0ZXM="
            with pytest.raises(ProtocolError) as e:
                await client.read_resource("memo://missing")
            assert (e.value.code, e.value.message) == (-32602, "no such report yet")

    run(body)


def test_media_types_come_from_the_suffix_table_first(tmp_path: Path) -> None:
    from mcpforge.utilities.types import Audio, Image

    for name, kind, expected in (("a.wav", Audio, "audio/wav"), ("a.m4a", Audio, "audio/mp4"), ("a.webp", Image, "image/webp")):
        (tmp_path / name).write_bytes(b"not sniffable")
        assert kind(tmp_path / name).mime_type == expected  # the same on every platform


def test_an_unknown_suffix_is_octet_stream_under_the_official_path(tmp_path: Path) -> None:
    import mcpforge
    from mcpforge.utilities.types import Audio, Image

    wav = tmp_path / "clip.unknown"
    wav.write_bytes(b"RIFF\x00\x00\x00\x00WAVE")
    for official, own, sniffed in ((Audio, mcpforge.Audio, "audio/wav"), (Image, mcpforge.Image, "audio/wav")):
        assert official(wav).mime_type == "application/octet-stream"  # as the official SDK
        assert own(wav).mime_type == sniffed  # mcpforge's own read the bytes
    assert Audio(data=b"raw").mime_type == "audio/wav"  # no file name: the default, as there


def test_the_session_asks_for_a_url_elicitation() -> None:
    server = MCPServer("urls")
    asked: List[Dict[str, Any]] = []

    @server.tool()
    async def connect(ctx: Context) -> str:
        result = await ctx.session.elicit_url(message="Sign in", url="https://example.com/login", elicitation_id="e-1")
        return f"User {result.action}"

    def answer(params: Dict[str, Any]) -> Dict[str, Any]:
        asked.append(params)
        return {"action": "accept"}

    async def body() -> None:
        async with server.test_client(elicitation=answer, capabilities={"elicitation": {"url": {}}}) as client:
            assert (await client.call_tool("connect")).text == "User accept"

    run(body)
    assert asked == [{"mode": "url", "message": "Sign in", "url": "https://example.com/login", "elicitationId": "e-1"}]


def test_the_session_asks_for_a_form_under_the_official_names() -> None:
    server = MCPServer("forms")

    @server.tool()
    async def email(ctx: Context) -> str:
        first = await ctx.session.elicit(message="Email?", requestedSchema={"type": "object", "properties": {"email": {"type": "string"}}})
        second = await ctx.session.elicit_form("Again?", {"type": "object", "properties": {"email": {"type": "string"}}})
        return f"{first.content['email']} {second.action}"

    def answer(params: Dict[str, Any]) -> Dict[str, Any]:
        assert params["requestedSchema"]["properties"] == {"email": {"type": "string"}}
        return {"action": "accept", "content": {"email": "a@example.com"}}

    async def body() -> None:
        async with server.test_client(elicitation=answer) as client:
            assert (await client.call_tool("email")).text == "a@example.com accept"

    run(body)


def test_the_official_server_version_default_is_empty() -> None:
    async def body() -> None:
        async with MCPServer("unversioned").test_client() as client:
            assert client.initialize_result is not None
            assert client.initialize_result["serverInfo"] == {"name": "unversioned", "version": ""}

    run(body)

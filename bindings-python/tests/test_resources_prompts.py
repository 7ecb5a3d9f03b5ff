"""Resources (concrete and templates), prompts and completions through the real engine:
return values mapped to contents and messages, template variables converted to the
annotated types, not-found per protocol version, missing prompt arguments, completion
providers per reference and as a fallback."""

from __future__ import annotations

import base64
from typing import Any, Dict, List

import pytest
from conftest import run

from mcpforge import Completion, Context, Message, ProtocolError, ResourceContents, ResourceNotFound, Server, Text
from mcpforge.testing import HANDSHAKE, MODERN


def catalog() -> Server:
    server = Server("catalog", cache_ttl=60)

    @server.resource("memo://text", name="Text", description="A text memo", mime_type="text/plain")
    def text() -> str:
        return "hello"

    @server.resource("memo://bytes")
    async def data() -> bytes:
        return b"\x00\xff"

    @server.resource("memo://json")
    def structured() -> Dict[str, Any]:
        return {"a": [1, 2]}

    @server.resource("memo://many")
    def many(uri: str) -> List[ResourceContents]:
        return [ResourceContents(text=f"first of {uri}"), ResourceContents("memo://many/2", text="second", mime_type="text/markdown")]

    @server.resource("memo://items/{item_id}/page/{page}", name="Item page", mime_type="text/plain")
    def item(item_id: str, page: int, ctx: Context) -> str:
        return f"{item_id} page {page + 1} ({type(page).__name__}) via {ctx.protocol_version}"

    @server.resource("memo://gone/{name}")
    def gone(name: str) -> None:
        return None

    @server.resource("memo://raises/{name}")
    def raises(name: str) -> str:
        raise ResourceNotFound(f"memo://raises/{name}")

    @server.prompt()
    def greet(name: str, excited: bool = False) -> str:
        """Greets someone.

        Args:
            name: Who to greet.
            excited: Add an exclamation mark.
        """
        return f"Hello {name}{'!' if excited else '.'}"

    @server.prompt("conversation", title="A conversation", description="Two turns")
    async def conversation(topic: str, turns: int = 1) -> List[Any]:
        return [Message(f"Tell me about {topic} x{turns}"), Message(Text("Sure."), role="assistant"), "And more?"]

    @server.completion(prompt="greet")
    def names(argument: str, value: str, context: Dict[str, str]) -> List[str]:
        return [n for n in ["ada", "alan", "grace"] if n.startswith(value)] if argument == "name" else []

    @server.completion()
    async def fallback(ref: Dict[str, Any], value: str) -> Completion:
        return Completion([f"{ref.get('uri', ref.get('name'))}:{value}"], total=1, has_more=False)

    return server


@pytest.mark.parametrize("wire", [HANDSHAKE, MODERN])
def test_resources(wire: str) -> None:
    async def body() -> None:
        async with catalog().test_client(wire=wire) as client:
            listed = {r["uri"]: r for r in await client.list_resources()}
            assert listed["memo://text"] == {"uri": "memo://text", "name": "Text", "description": "A text memo", "mimeType": "text/plain"}
            templates = await client.list_resource_templates()
            assert {t["uriTemplate"] for t in templates} == {"memo://items/{item_id}/page/{page}", "memo://gone/{name}", "memo://raises/{name}"}

            assert await client.read_resource("memo://text") == [{"uri": "memo://text", "mimeType": "text/plain", "text": "hello"}]
            blob = (await client.read_resource("memo://bytes"))[0]
            assert blob["mimeType"] == "application/octet-stream" and base64.b64decode(blob["blob"]) == b"\x00\xff"
            assert await client.read_resource("memo://json") == [{"uri": "memo://json", "mimeType": "application/json", "text": '{"a":[1,2]}'}]
            assert await client.read_resource("memo://many") == [
                {"uri": "memo://many", "text": "first of memo://many"},
                {"uri": "memo://many/2", "mimeType": "text/markdown", "text": "second"},
            ]
            page = await client.read_resource("memo://items/a%20b/page/2")
            assert page[0]["text"] == f"a b page 3 (int) via {wire}"
            code = -32602 if wire == MODERN else -32002
            for missing in ("memo://nope", "memo://gone/x", "memo://raises/y"):
                with pytest.raises(ProtocolError) as e:
                    await client.read_resource(missing)
                assert e.value.code == code and e.value.data == {"uri": missing}

    run(body)


def test_a_template_is_removed_by_its_template() -> None:
    server = catalog()

    async def body() -> None:
        async with server.test_client() as client:
            before = {t["uriTemplate"] for t in await client.list_resource_templates()}
            assert "memo://raises/{name}" in before
            assert server.remove_resource_template("memo://raises/{name}") is True
            assert server.remove_resource_template("memo://raises/{name}") is False
            after = {t["uriTemplate"] for t in await client.list_resource_templates()}
            assert after == before - {"memo://raises/{name}"}
            assert "memo://raises/{name}" not in server.resources
            with pytest.raises(ProtocolError) as e:
                await client.read_resource("memo://raises/x")
            assert e.value.code in (-32002, -32602) and e.value.data == {"uri": "memo://raises/x"}

    run(body)


@pytest.mark.parametrize("wire", [HANDSHAKE, MODERN])
def test_a_template_lists_its_resources(wire: str) -> None:
    server = Server("listed")
    notes = {"shopping": "milk", "todo": "tests"}

    @server.resource("memo://fixed")
    def fixed() -> str:
        return "fixed"

    def list_notes(ctx: Context) -> List[Dict[str, Any]]:
        return [{"uri": f"notes://{name}", "name": name, "description": f"via {ctx.protocol_version}"} for name in notes]

    @server.resource("notes://{name}", mime_type="text/plain", list_resources=list_notes)
    def note(name: str) -> str:
        return notes[name]

    async def list_tags() -> Dict[str, Any]:
        return {"resources": [{"uri": "tags://a", "name": "a"}]}

    @server.resource("tags://{tag}", description="A tag", list_resources=list_tags)
    async def tag(tag: str) -> str:
        return tag

    with pytest.raises(ValueError, match="concrete resource"):
        server.resource("memo://plain", list_resources=list_notes)(fixed)

    async def body() -> None:
        async with server.test_client(wire=wire) as client:
            assert await client.list_resources() == [
                {"uri": "memo://fixed", "name": "fixed"},
                {"uri": "notes://shopping", "name": "shopping", "description": f"via {wire}", "mimeType": "text/plain"},
                {"uri": "notes://todo", "name": "todo", "description": f"via {wire}", "mimeType": "text/plain"},
                {"uri": "tags://a", "name": "a", "description": "A tag"},
            ]
            assert (await client.read_resource("notes://todo"))[0]["text"] == "tests"

    run(body)


def test_prompts_and_completions() -> None:
    async def body() -> None:
        async with catalog().test_client() as client:
            prompts = {p["name"]: p for p in await client.list_prompts()}
            assert prompts["greet"] == {
                "name": "greet",
                "description": "Greets someone.",
                "arguments": [
                    {"name": "name", "description": "Who to greet.", "required": True},
                    {"name": "excited", "description": "Add an exclamation mark.", "required": False},
                ],
            }
            assert prompts["conversation"]["title"] == "A conversation"
            greeting = await client.get_prompt("greet", {"name": "Ada", "excited": "true"})
            assert greeting == {
                "description": "Greets someone.",
                "messages": [{"role": "user", "content": {"type": "text", "text": "Hello Ada!"}}],
            }
            talk = await client.get_prompt("conversation", {"topic": "tea", "turns": "2"})
            assert [(m["role"], m["content"]["text"]) for m in talk["messages"]] == [
                ("user", "Tell me about tea x2"),
                ("assistant", "Sure."),
                ("user", "And more?"),
            ]
            with pytest.raises(ProtocolError) as missing:
                await client.get_prompt("greet", {})
            assert missing.value.code == -32602
            with pytest.raises(ProtocolError) as bad:
                await client.get_prompt("conversation", {"topic": "tea", "turns": "many"})
            assert bad.value.code == -32602 and "ValueError" in bad.value.message

            names = await client.complete({"type": "ref/prompt", "name": "greet"}, "name", "a")
            assert names == {"values": ["ada", "alan"]}
            other = await client.complete({"type": "ref/resource", "uri": "memo://items/{item_id}/page/{page}"}, "item_id", "x")
            assert other == {"values": ["memo://items/{item_id}/page/{page}:x"], "total": 1, "hasMore": False}

    run(body)


def test_lazy_values_complete_and_a_prompt_of_nothing_is_refused() -> None:
    """A provider may give its values lazily (a generator, ``filter``, ``range``): they are
    its list. A prompt that returns None is refused by the engine, with the internal error
    every language gets for it (docs/results.md)."""
    server = Server("lazy")

    @server.prompt()
    def empty() -> None:
        return None

    @server.completion()
    def lazy(argument: str, value: str) -> Any:
        names = ["ada", "alan", "grace"]
        if argument == "generator":
            return (n for n in names if n.startswith(value))
        if argument == "filter":
            return filter(lambda n: n.startswith(value), names)
        return range(3)

    async def body() -> None:
        async with server.test_client() as client:
            ref = {"type": "ref/prompt", "name": "empty"}
            assert await client.complete(ref, "generator", "a") == {"values": ["ada", "alan"]}
            assert await client.complete(ref, "filter", "g") == {"values": ["grace"]}
            assert await client.complete(ref, "range", "") == {"values": ["0", "1", "2"]}
            with pytest.raises(ProtocolError) as refused:
                await client.get_prompt("empty", {})
            assert refused.value.code == -32603, refused.value.message
            assert refused.value.message.endswith("a prompt returns text, messages or a result, not null")

    run(body)


def test_a_crashing_resource_prompt_or_completion_is_an_internal_error() -> None:
    """An unexpected exception is the server's failure (-32603), not the client's (-32602);
    an argument that is not the annotated type stays the client's (-32602)."""
    server = Server("crashes")

    @server.resource("memo://boom")
    def boom() -> str:
        raise RuntimeError("disk on fire")

    @server.resource("memo://pages/{page}")
    def page(page: int) -> str:
        return f"page {page}"

    @server.prompt()
    def explode(topic: str) -> str:
        raise KeyError(topic)

    @server.completion(prompt="explode")
    def complete_topic(value: str) -> List[str]:
        raise ZeroDivisionError("no topics")

    async def body() -> None:
        async with server.test_client() as client:
            with pytest.raises(ProtocolError) as resource:
                await client.read_resource("memo://boom")
            assert (resource.value.code, resource.value.message) == (-32603, "RuntimeError: disk on fire")
            with pytest.raises(ProtocolError) as prompt:
                await client.get_prompt("explode", {"topic": "x"})
            assert (prompt.value.code, prompt.value.message) == (-32603, "KeyError: 'x'")
            with pytest.raises(ProtocolError) as completion:
                await client.complete({"type": "ref/prompt", "name": "explode"}, "topic", "a")
            assert completion.value.code == -32603 and "ZeroDivisionError" in completion.value.message
            with pytest.raises(ProtocolError) as bad_page:
                await client.read_resource("memo://pages/seven")
            assert bad_page.value.code == -32602 and "ValueError" in bad_page.value.message

    run(body)

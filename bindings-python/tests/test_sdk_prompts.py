"""The official SDK's standalone prompt objects (``mcpforge.prompts.base.Prompt``,
``mcpforge.prompts.manager.PromptManager``) and the server's ``_prompt_manager`` rendering:
a prompt built and rendered outside a server, as programs on the official SDK do."""

from __future__ import annotations

import logging
import threading
from typing import Any, Dict, List

import pytest
from conftest import run

from mcpforge import AssistantMessage, Audio, Context, FastMCP, Image, MCPServer, Message, UserMessage
from mcpforge.prompts.base import Prompt
from mcpforge.prompts.manager import PromptManager


def test_a_prompt_made_from_a_function_lists_its_arguments() -> None:
    def greet(name: str, ctx: Context, excited: bool = False) -> str:
        """Greets someone."""
        return name

    prompt = Prompt.from_function(greet)
    assert (prompt.name, prompt.description, prompt.context_kwarg) == ("greet", "Greets someone.", "ctx")
    assert [(a.name, a.required) for a in prompt.arguments or []] == [("name", True), ("excited", False)]


def test_render_converts_what_the_function_returns_into_messages() -> None:
    answers: List[Any] = [
        "plain text",
        AssistantMessage("from the assistant"),
        {"role": "assistant", "content": {"type": "text", "text": "a dict"}},
        (1, 2),
    ]

    def fn(topic: str, times: int) -> List[Any]:
        assert isinstance(times, int)  # a string argument converted to the parameter's type
        return answers

    messages = run(lambda: Prompt.from_function(fn).render({"topic": "x", "times": "3"}, Context()))
    assert messages == [
        UserMessage("plain text"),
        AssistantMessage("from the assistant"),
        AssistantMessage("a dict"),
        UserMessage("[\n  1,\n  2\n]"),
    ]
    assert all(isinstance(m, Message) for m in messages)


def test_messages_are_equal_by_role_and_content() -> None:
    assert UserMessage("hi") == UserMessage({"type": "text", "text": "hi"})
    assert UserMessage("hi") != AssistantMessage("hi")
    assert UserMessage("hi") != UserMessage("bye")


def test_a_message_holds_the_block_of_an_image_or_audio_helper() -> None:
    # The block is the official ImageContent/AudioContent with the official package, a
    # Block without it: either reads as the block sent.
    image = UserMessage(Image(data=b"img", format="png")).content
    audio = AssistantMessage(content=Audio(data=b"snd", format="wav")).content
    assert (image.type, image.data, image.mime_type) == ("image", "aW1n", "image/png")
    assert (audio.type, audio.data, audio.mime_type) == ("audio", "c25k", "audio/wav")
    assert UserMessage(Image(data=b"img", format="png")) == UserMessage({"type": "image", "data": "aW1n", "mimeType": "image/png"})


def test_render_refuses_missing_arguments_and_wraps_failures() -> None:
    def fn(name: str) -> str:
        raise RuntimeError("broken")

    prompt = Prompt.from_function(fn)
    with pytest.raises(ValueError, match="Missing required arguments"):
        run(lambda: prompt.render({}, Context()))
    with pytest.raises(ValueError, match="Error rendering prompt fn") as raised:
        run(lambda: prompt.render({"name": "x"}, Context()))
    assert isinstance(raised.value.__cause__, RuntimeError)


def test_an_unreadable_image_fails_the_render(tmp_path: Any) -> None:
    def fn() -> Image:
        return Image(path=tmp_path / "missing.png")

    with pytest.raises(ValueError, match="Error rendering prompt"):
        run(lambda: Prompt.from_function(fn).render(None, Context()))


def test_a_plain_function_renders_off_the_event_loop() -> None:
    seen: Dict[str, int] = {}

    def fn() -> str:
        seen["thread"] = threading.get_ident()
        return "hello"

    async def render() -> Any:
        seen["loop"] = threading.get_ident()
        return await Prompt.from_function(fn).render(None, Context())

    assert run(render) == [UserMessage("hello")]
    assert seen["thread"] != seen["loop"]


def test_the_manager_keeps_the_first_prompt_of_a_name(caplog: pytest.LogCaptureFixture) -> None:
    def fn() -> str:
        return "first"

    manager = PromptManager()
    first = Prompt.from_function(fn)
    assert manager.add_prompt(first) is first
    with caplog.at_level(logging.WARNING):
        assert manager.add_prompt(first) is first
    assert "Prompt already exists: fn" in caplog.text
    assert manager.list_prompts() == [first] and manager.get_prompt("fn") is first
    assert run(lambda: manager.render_prompt("fn", None, Context())) == [UserMessage("first")]
    with pytest.raises(ValueError, match="Unknown prompt: other"):
        run(lambda: manager.render_prompt("other", None, Context()))
    manager.remove_prompt("fn")
    with pytest.raises(ValueError, match="Unknown prompt: fn"):
        manager.remove_prompt("fn")


@pytest.mark.parametrize("cls", [MCPServer, FastMCP])
def test_the_servers_prompt_manager_renders_a_registered_prompt(cls: Any) -> None:
    server = cls("prompts")

    @server.prompt()
    def ask(topic: str) -> str:
        return f"Tell me about {topic}"

    [listed] = server._prompt_manager.list_prompts()
    assert run(lambda: listed.render({"topic": "owls"}, Context())) == [UserMessage("Tell me about owls")]
    assert run(lambda: server._prompt_manager.render_prompt("ask", {"topic": "bats"})) == [UserMessage("Tell me about bats")]


def test_prompt_listings_write_arguments_as_the_official_servers_do() -> None:
    """``arguments: []`` for a prompt without arguments on the drop-in servers, as the
    official ones write it; mcpforge's own ``Server`` leaves the optional field out."""
    from mcpforge import Server

    def plain() -> str:
        return "plain"

    def greet(name: str, excited: bool = False) -> str:
        return name

    async def listed(server: Any) -> Dict[str, Any]:
        server.add_prompt(plain)
        server.add_prompt(greet)
        async with server.test_client() as client:
            return {p["name"]: p for p in await client.list_prompts()}

    for official in (MCPServer("p"), FastMCP("p")):
        prompts = run(lambda: listed(official))
        assert prompts["plain"]["arguments"] == []
        assert [(a["name"], a["required"]) for a in prompts["greet"]["arguments"]] == [("name", True), ("excited", False)]
    own = run(lambda: listed(Server("p")))
    assert "arguments" not in own["plain"]
    assert own["greet"]["arguments"] == [{"name": "name", "required": True}, {"name": "excited", "required": False}]

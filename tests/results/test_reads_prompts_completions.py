"""The result vocabulary of resources, prompts and completions in four languages: the
conformance fixtures of Rust, C, Python and Node each register the same `shape://` resources,
`shape_prompt_*` prompts and completion provider, each returning one kind of value in its
language's natural form (text, bytes, an object, a list, contents, nothing; text, a list of
messages, a whole result, nothing; a list of values). The official Python client reads,
gets and completes every one of them over stdio on both wires, and each result (or error)
must be exactly the one below: the same value gives the same result in every language, and
that result is the one docs/results.md's tables promise."""

from __future__ import annotations

from typing import Any, TextIO

import pytest
from mcp import MCPError, types
from pydantic import BaseModel
from support import LANGUAGES, WIRES, fixture_command, not_found_code, over_stdio, run

# The 2026 envelope (server identity, result type, caching hints) is the wire's and the
# server's, not the handler's: the C fixture, for one, sets no caching hints.
ENVELOPE = ("_meta", "ttlMs", "cacheScope")


def dumped(result: BaseModel) -> dict[str, Any]:
    """A result as JSON, without the 2026 envelope."""
    out: dict[str, Any] = result.model_dump(mode="json", by_alias=True, exclude_none=True)
    for key in ENVELOPE:
        out.pop(key, None)
    assert out.pop("resultType", "complete") == "complete"
    return out


def text(uri: str, mime_type: str, t: str) -> dict[str, Any]:
    return {"uri": uri, "mimeType": mime_type, "text": t}


def blob(uri: str, mime_type: str, b64: str) -> dict[str, Any]:
    return {"uri": uri, "mimeType": mime_type, "blob": b64}


# The bytes 00 ff 68 69 ("\x00\xffhi"), base64.
BYTES = "AP9oaQ=="

READ: dict[str, list[dict[str, Any]]] = {
    "shape://text": [text("shape://text", "text/plain", "hello")],
    "shape://typed-text": [text("shape://typed-text", "text/markdown", "# hello")],
    "shape://bytes": [blob("shape://bytes", "application/octet-stream", BYTES)],
    "shape://typed-bytes": [blob("shape://typed-bytes", "image/png", BYTES)],
    "shape://json": [text("shape://json", "application/json", '{"a":1,"b":[true,null]}')],
    "shape://list": [text("shape://list", "application/json", '[1,"two"]')],
    "shape://contents": [
        text("shape://contents", "text/csv", "a,b"),
        blob("shape://contents/part", "image/png", "aGk="),
    ],
}
NOT_FOUND = "shape://none"


def user_text(t: str) -> dict[str, Any]:
    return {"role": "user", "content": {"type": "text", "text": t}}


PROMPTS: dict[str, dict[str, Any]] = {
    "shape_prompt_text": {
        "description": "Result vocabulary: renders the text hello",
        "messages": [user_text("hello")],
    },
    "shape_prompt_list": {
        "description": "Result vocabulary: renders a list of messages",
        "messages": [
            user_text("hello"),
            {"role": "assistant", "content": {"type": "text", "text": "hi there"}},
            {"role": "user", "content": {"type": "image", "data": "aGk=", "mimeType": "image/png"}},
        ],
    },
    # A whole result is sent as given: its own description, not the registered one.
    "shape_prompt_result": {
        "description": "A whole result",
        "messages": [{"role": "assistant", "content": {"type": "text", "text": "done"}}],
    },
}

# A prompt that renders nothing is refused by the engine, as any value that is not text,
# messages or a whole result: the same internal error in every language.
PROMPT_NONE = "shape_prompt_none"
PROMPT_NONE_ERROR = {
    "code": types.INTERNAL_ERROR,
    "message": f"Internal error: prompt {PROMPT_NONE} returned what is not a prompt result: "
    "a prompt returns text, messages or a result, not null",
}

# shape_prompt_text's provider answers by argument name.
COMPLETIONS: dict[str, dict[str, Any]] = {
    "word": {"values": ["hello", "help", "helm"]},
    "mixed": {"values": ["a", "1", "2.5", "true"]},
    "many": {"values": [str(i) for i in range(100)], "total": 150, "hasMore": True},
    "none": {"values": []},
}


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_same_value_reads_as_the_same_contents(language: str, wire: str, errlog: TextIO) -> None:
    got: dict[str, Any] = {}
    missing: dict[str, Any] = {}

    async def body() -> None:
        async with over_stdio(fixture_command(language), wire, errlog) as peer:
            for uri in READ:
                result = await peer.read_resource(uri)
                assert isinstance(result, types.ReadResourceResult), result
                got[uri] = dumped(result)["contents"]
            with pytest.raises(MCPError) as raised:
                await peer.read_resource(NOT_FOUND)
            missing.update(code=raised.value.code, data=raised.value.error.data)

    run(body)
    assert got == READ
    # "Resource not found" is -32002 on handshake sessions and -32602 on 2026-07-28.
    assert missing == {"code": not_found_code(wire), "data": {"uri": NOT_FOUND}}


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_same_value_renders_as_the_same_prompt(language: str, wire: str, errlog: TextIO) -> None:
    got: dict[str, Any] = {}
    refused: dict[str, Any] = {}

    async def body() -> None:
        async with over_stdio(fixture_command(language), wire, errlog) as peer:
            for name in PROMPTS:
                result = await peer.get_prompt(name, {})
                assert isinstance(result, types.GetPromptResult), result
                got[name] = dumped(result)
            with pytest.raises(MCPError) as raised:
                await peer.get_prompt(PROMPT_NONE, {})
            refused.update(code=raised.value.code, message=raised.value.error.message)

    run(body)
    assert got == PROMPTS
    assert refused == PROMPT_NONE_ERROR


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_same_values_complete_the_same(language: str, wire: str, errlog: TextIO) -> None:
    got: dict[str, Any] = {}
    ref = types.PromptReference(type="ref/prompt", name="shape_prompt_text")

    async def body() -> None:
        async with over_stdio(fixture_command(language), wire, errlog) as peer:
            for argument in COMPLETIONS:
                result = await peer.complete(ref, {"name": argument, "value": ""})
                got[argument] = dumped(result)["completion"]

    run(body)
    assert got == COMPLETIONS

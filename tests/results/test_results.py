"""One result vocabulary in four languages: the conformance fixtures of Rust, C, Python and
Node each register the same `shape_*` tools, each returning one kind of value in its
language's natural form (a string, a number, an object, a list, nothing, content blocks, a
full result, values under an output schema, a tool error, raw bytes: a PNG, a WAV, bytes of
no known type and no bytes at all). The official Python client calls
every one of them over stdio on both wires, and each result must be exactly the
`CallToolResult` in EXPECTED: the same value gives the same result in every language, and
that result is the one docs/results.md's table promises.

The client also checks each `structuredContent` against the tool's `outputSchema`."""

from __future__ import annotations

from typing import Any, TextIO

import base64

import pytest
from support import LANGUAGES, WIRES, fixture_command, over_stdio, run


def text(t: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": t}]


def embedded_bytes(data: bytes) -> list[dict[str, Any]]:
    """Bytes of no known type: an embedded resource that says only what it is."""
    resource = {"uri": "data:application/octet-stream", "mimeType": "application/octet-stream"}
    return [{"type": "resource", "resource": {**resource, "blob": base64.b64encode(data).decode()}}]


# The first bytes of a PNG file and of a WAV file, as every fixture returns them.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
WAV = b"RIFF$\x00\x00\x00WAVEfmt "

EXPECTED: dict[str, dict[str, Any]] = {
    "shape_text": {"content": text("hello")},
    "shape_number": {"content": text("42")},
    "shape_object": {"content": text('{"a":1,"b":[true,null]}')},
    "shape_list": {"content": text('[1,"two"]')},
    "shape_empty": {"content": []},
    "shape_content": {
        "content": [{"type": "image", "data": "aGk=", "mimeType": "image/png"}, *text("caption")],
    },
    "shape_result": {"content": text("done"), "structuredContent": {"ok": True}},
    "shape_typed_object": {"content": text('{"a":1}'), "structuredContent": {"a": 1}},
    "shape_typed_text": {"content": text("hello"), "structuredContent": {"result": "hello"}},
    "shape_typed_list": {"content": text("[1,2]"), "structuredContent": {"result": [1, 2]}},
    "shape_tool_error": {"content": text("nope"), "isError": True},
    "shape_bytes_png": {"content": [{"type": "image", "data": base64.b64encode(PNG).decode(), "mimeType": "image/png"}]},
    "shape_bytes_wav": {"content": [{"type": "audio", "data": base64.b64encode(WAV).decode(), "mimeType": "audio/wav"}]},
    "shape_bytes_other": {"content": embedded_bytes(b"\x00\xffhi")},
    "shape_bytes_empty": {"content": embedded_bytes(b"")},
}


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_same_value_gives_the_same_result(language: str, wire: str, errlog: TextIO) -> None:
    got: dict[str, dict[str, Any]] = {}

    async def body() -> None:
        async with over_stdio(fixture_command(language), wire, errlog) as peer:
            for name in EXPECTED:
                result = await peer.call_tool(name, {})
                dumped = result.model_dump(mode="json", by_alias=True, exclude_none=True)
                if not dumped.get("isError"):
                    dumped.pop("isError", None)
                # The 2026 envelope (server identity, result type) is the wire's, not the tool's.
                dumped.pop("_meta", None)
                assert dumped.pop("resultType", "complete") == "complete"
                got[name] = dumped

    run(body)
    assert got == EXPECTED

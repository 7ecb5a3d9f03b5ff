"""The official Python MCP client drives the `audited` example server
(examples/rust/src/bin/audited.rs), whose policy is middleware: on both wires, each request
leaves one audit line on stderr (method, name, outcome, never the arguments), control
characters are stripped from a note before the tool sees it, and with
AUDITED_READ_ONLY=1 the writing tools are refused as tool errors while reading still works.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

import mcp.types as types
import pytest
from support import WIRES, over_stdio, run, target_dir


@pytest.fixture(scope="session")
def audited() -> Path:
    """The `audited` example server (target/debug)."""
    path = target_dir() / "debug" / "audited"
    if not path.exists():
        pytest.fail(f"{path} is missing: build the examples first (`make build`)", pytrace=False)
    return path


def audit_lines(errlog: TextIO) -> list[dict]:
    errlog.flush()
    errlog.seek(0)
    return [json.loads(line) for line in errlog.read().splitlines() if line.startswith('{"audit"')]


def json_of(result: types.CallToolResult) -> dict:
    """A tool's JSON value (returned without an output schema: one text block of JSON)."""
    assert not result.is_error, result
    assert isinstance(result.content[0], types.TextContent), result
    return json.loads(result.content[0].text)


@pytest.mark.parametrize("wire", WIRES)
def test_audited_notes_are_cleaned_and_every_request_is_audited(wire: str, audited: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio([str(audited)], wire, errlog) as peer:
            added = await peer.call_tool("note_add", {"text": "milk\x1b[31m and\x00 eggs\nbread"})
            assert not added.is_error, added
            listed = await peer.call_tool("note_list", {})
            assert json_of(listed) == {"notes": ["milk[31m and eggs\nbread"]}
            refused = await peer.call_tool("note_add", {"text": "x" * 1001})
            assert refused.is_error, "the schema's maxLength still applies"

    run(body)
    lines = audit_lines(errlog)
    calls = [(line["name"], line["outcome"]) for line in lines if line["audit"] == "tools/call"]
    assert calls == [("note_add", "ok"), ("note_list", "ok"), ("note_add", "tool_error")], lines
    assert all(isinstance(line["ms"], float) and line["ms"] >= 0 for line in lines)
    assert "milk" not in json.dumps(lines), "arguments never reach the audit log"


@pytest.mark.parametrize("wire", WIRES)
def test_read_only_mode_refuses_writes(wire: str, audited: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio(["env", "AUDITED_READ_ONLY=1", str(audited)], wire, errlog) as peer:
            for tool, args in [("note_add", {"text": "hello"}), ("note_clear", {})]:
                refused = await peer.call_tool(tool, args)
                assert refused.is_error
                assert isinstance(refused.content[0], types.TextContent)
                assert refused.content[0].text == "this server is read-only: notes cannot be changed"
            assert json_of(await peer.call_tool("note_list", {})) == {"notes": []}

    run(body)
    calls = [(line["name"], line["outcome"]) for line in audit_lines(errlog) if line["audit"] == "tools/call"]
    assert calls == [("note_add", "tool_error"), ("note_clear", "tool_error"), ("note_list", "ok")]

"""The official MCP client drives examples/python/basic_server.py over stdio on both wires
and over Streamable HTTP: the listing, `echo`, `current_time` (UTC, a named zone, an unknown
zone) and `calculate` with exact answers for every operator and a tool error for every kind
of refused expression (calls, names, attribute access, strings, booleans, huge powers,
overflow, division by zero, syntax errors), after which the server still answers."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from typing import TextIO
from zoneinfo import ZoneInfo

import pytest
from support import REPO_ROOT, WIRES, http_server, over_http, over_stdio, Peer, run, structured, text_of, tool_error

SERVER = [sys.executable, str(REPO_ROOT / "examples" / "python" / "basic_server.py")]

CALCULATIONS = [
    ("2*(3+4)", 14),
    ("1.5 + 2.25", 3.75),
    ("10 / 4", 2.5),
    ("7 // 2", 3),
    ("-7 // 2", -4),
    ("-(3 - 10) % 4", 3),
    ("2 ** 10", 1024),
    ("2 ** -1", 0.5),
    ("2 ** 0.5", 2**0.5),
    ("--2", 2),
    ("+3", 3),
    ("0.1 + 0.2", 0.1 + 0.2),
    (" ( ( 1 ) ) ", 1),
    ("2 - 3 - 4", -5),
    ("1e3 / 8", 125.0),
    ("2 ** 62", 2**62),
]

REFUSED = [
    ("1/0", "cannot evaluate '1/0': division by zero"),
    ("5 % (2 - 2)", "cannot evaluate '5 % (2 - 2)': division by zero"),
    ("abs(-2)", "cannot evaluate 'abs(-2)': call is not allowed (only numbers, + - * / // % ** and parentheses)"),
    ("__import__('os').system('true')", "call is not allowed"),
    ("x + 1", "name is not allowed"),
    ("(1).real", "attribute is not allowed"),
    ("'a' * 3", "'a' is not a number"),
    ("True + 1", "True is not a number"),
    ("1 < 2", "compare is not allowed"),
    ("[1, 2]", "list is not allowed"),
    ("1j * 2", "1j is not a number"),
    ("9 ** 9 ** 9", "the exponent 387420489 is larger than 1000"),
    ("2 ** 64", "the result is too large"),
    ("10.0 ** 400", "cannot evaluate '10.0 ** 400': the result is too large"),
    ("1e308 * 10", "the result is too large"),
    ("(-8) ** 0.5", "the result is not a real number"),
    ("2 +", "cannot parse '2 +': invalid syntax"),
    ("2 * (3", "cannot parse '2 * (3': '(' was never closed"),
    ("1 2", "cannot parse '1 2': invalid syntax"),
    ("", "cannot parse '': invalid syntax"),
    ("1" * 1001, "the expression is longer than 1000 characters"),
]


async def check_listing(peer: Peer) -> None:
    tools = {t.name: t for t in (await peer.list_tools()).tools}
    assert sorted(tools) == ["calculate", "current_time", "echo"]
    for tool in tools.values():
        assert tool.annotations is not None and tool.annotations.read_only_hint is True
        assert tool.title and tool.description
    assert tools["calculate"].input_schema["required"] == ["expression"]
    assert tools["current_time"].input_schema["properties"]["timezone_name"]["default"] == "UTC"


async def check_tools(peer: Peer) -> None:
    assert text_of(await peer.call_tool("echo", {"text": "héllo, wörld"})) == "héllo, wörld"
    assert "Invalid arguments for tool echo" in tool_error(await peer.call_tool("echo", {}))
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    utc = structured(await peer.call_tool("current_time", {}))
    assert utc["timezone"] == "UTC" and utc["time"].endswith("Z")
    paris = structured(await peer.call_tool("current_time", {"timezone_name": "Europe/Paris"}))
    after = datetime.now(timezone.utc) + timedelta(seconds=1)
    for value in (datetime.fromisoformat(utc["time"].replace("Z", "+00:00")), datetime.fromisoformat(paris["time"])):
        assert before <= value <= after
    assert datetime.fromisoformat(paris["time"]).utcoffset() == datetime.now(ZoneInfo("Europe/Paris")).utcoffset()
    assert tool_error(await peer.call_tool("current_time", {"timezone_name": "Mars/Olympus"})) == (
        "unknown time zone 'Mars/Olympus' (use an IANA name such as 'Europe/Paris')"
    )
    for expression, expected in CALCULATIONS:
        answer = structured(await peer.call_tool("calculate", {"expression": expression}))
        assert answer == {"expression": expression, "result": expected}, expression
        assert type(answer["result"]) is type(expected), expression
    for expression, message in REFUSED:
        assert message in tool_error(await peer.call_tool("calculate", {"expression": expression})), expression
    assert structured(await peer.call_tool("calculate", {"expression": "6*7"}))["result"] == 42


@pytest.mark.parametrize("wire", WIRES)
def test_basic_over_stdio(wire: str, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio(SERVER, wire, errlog) as peer:
            await check_listing(peer)
            await check_tools(peer)

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_basic_over_http(wire: str, errlog: TextIO) -> None:
    with http_server(SERVER, errlog) as url:

        async def body() -> None:
            async with over_http(url, wire) as peer:
                await check_listing(peer)
                await check_tools(peer)

        run(body)

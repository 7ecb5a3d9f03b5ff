"""The released wheel, installed into a fresh virtualenv by `make dist-check` (with no Rust
toolchain on PATH): the official Python client drives examples/python/quickstart.py over
stdio and Streamable HTTP, on both wires, with the interpreter that has the wheel."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import mcp.types as types
import pytest
from support import REPO_ROOT, WIRES, http_server, over_http, over_stdio, run

QUICKSTART = [sys.executable, str(REPO_ROOT / "examples" / "python" / "quickstart.py")]


def test_the_package_comes_from_the_installed_wheel() -> None:
    import mcpforge

    installed = Path(mcpforge.__file__).resolve()
    assert "site-packages" in installed.parts, installed
    assert Path(sys.prefix).resolve() in installed.parents, (installed, sys.prefix)
    assert (REPO_ROOT / "bindings-python") not in installed.parents, installed


def answers(result: types.CallToolResult) -> str:
    assert not result.is_error, result
    block = result.content[0]
    assert isinstance(block, types.TextContent), block
    return block.text


async def exercise(peer: object) -> None:
    listing = await peer.list_tools()  # type: ignore[attr-defined]
    assert [t.name for t in listing.tools] == ["echo", "add", "current_time"]
    assert answers(await peer.call_tool("echo", {"text": "é 🌍"})) == "é 🌍"  # type: ignore[attr-defined]
    assert answers(await peer.call_tool("add", {"a": 40, "b": 2})) == "42"  # type: ignore[attr-defined]


@pytest.mark.parametrize("wire", WIRES)
def test_the_quickstart_over_stdio(wire: str, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio(QUICKSTART, wire, errlog) as peer:
            await exercise(peer)

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_the_quickstart_over_http(wire: str, errlog: TextIO) -> None:
    with http_server(QUICKSTART, errlog) as url:

        async def body() -> None:
            async with over_http(url, wire) as peer:
                await exercise(peer)

        run(body)

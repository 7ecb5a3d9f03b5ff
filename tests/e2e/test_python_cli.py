"""The `mcpforge` command (the console script the wheel installs, next to this interpreter)
serves a server file to the official Python client: `mcpforge run FILE[:OBJECT]` over stdio
on both wires and over Streamable HTTP, and `mcpforge dev FILE --no-inspector`, which serves
HTTP and says where (tests/cli/test_dev.py drives `dev` further). A file without a server ends
with status 1.

Skipped, saying so, when the wheel (and with it the script) is not installed in this
interpreter's environment (`make python-wheel` installs it into .venv)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, TextIO

import pytest
from support import START_BOUND, WIRES, http_server, over_http, over_stdio, run, text_of

SCRIPT = Path(sys.executable).parent / "mcpforge"

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason=f"no {SCRIPT}: install the mcpforge wheel first (`make python-wheel`)")

SERVER = '''
from mcpforge import MCPServer

mcp = MCPServer("cli-demo")
spare = MCPServer("cli-spare")


@mcp.tool()
def add(a: int, b: int) -> int:
    """Adds two numbers."""
    return a + b


@spare.tool()
def which() -> str:
    return "spare"


if __name__ == "__main__":
    raise SystemExit("the __main__ block must not run under `mcpforge run`")
'''


@pytest.fixture
def server_file(tmp_path: Path) -> Path:
    path = tmp_path / "cli_demo.py"
    path.write_text(textwrap.dedent(SERVER), encoding="utf-8")
    return path


def serving_http(args: list[str], errlog: TextIO) -> Any:
    """`mcpforge ARGS --port PORT` serving until the block ends (`support.http_server`)."""
    return http_server([str(SCRIPT), *args], errlog, listen=lambda port: ["--port", str(port)])


@pytest.mark.parametrize("wire", WIRES)
def test_run_serves_the_file_over_stdio(wire: str, server_file: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio([str(SCRIPT), "run", str(server_file)], wire, errlog) as peer:
            assert [t.name for t in (await peer.list_tools()).tools] == ["add"]
            assert text_of(await peer.call_tool("add", {"a": 40, "b": 2})) == "42"
        async with over_stdio([str(SCRIPT), "run", f"{server_file}:spare"], wire, errlog) as peer:
            assert [t.name for t in (await peer.list_tools()).tools] == ["which"]

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_run_serves_the_file_over_http(wire: str, server_file: Path, errlog: TextIO) -> None:
    with serving_http(["run", f"{server_file}:mcp", "--transport", "http"], errlog) as url:

        async def body() -> None:
            async with over_http(url, wire) as peer:
                assert text_of(await peer.call_tool("add", {"a": 1, "b": 2})) == "3"

        run(body)


def test_dev_serves_http_and_says_where(server_file: Path, errlog: TextIO) -> None:
    with serving_http(["dev", str(server_file), "--no-inspector"], errlog) as url:

        async def body() -> None:
            async with over_http(url, WIRES[0]) as peer:
                assert text_of(await peer.call_tool("add", {"a": 2, "b": 2})) == "4"

        run(body)
        errlog.seek(0)
        said = errlog.read()
        assert f"serving cli_demo over Streamable HTTP at {url}" in said, said


def test_a_file_without_that_server_ends_with_status_1(server_file: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n", encoding="utf-8")
    for target, message in ((str(empty), "no server found"), (f"{server_file}:nope", "'nope' is nothing"), (str(tmp_path / "missing.py"), "no such file")):
        done = subprocess.run([str(SCRIPT), "run", target], capture_output=True, text=True, timeout=START_BOUND)
        assert done.returncode == 1 and message in done.stderr, (target, done.stderr)

"""`mcpforge dev` with the official Python client connected over Streamable HTTP on
127.0.0.1: an edit of the server file that adds a tool restarts the server, and the same
session gets `notifications/tools/list_changed`, lists the new tool and calls it, its old
tool still answering; a broken edit (a syntax error) is said on stderr, calls meanwhile fail
with the reason, and the next edit starts the server again on the same endpoint. `dev`
started by the Python console script serves a Python file; by the npm bin, a JavaScript
file. With the official MCP Inspector (the version the command pins, installed into
target/node/inspector by scripts/setup-node.sh), `dev` starts it pointed at the server (its
page answers, its configuration names the server's URL and takes the token `dev` printed),
and stopping `dev` with SIGTERM stops the Inspector and the server's process, nothing left
behind. Without Node.js, `dev` says so and serves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import anyio
from cli_support import BINARY, NODE_BIN, SCRIPT
from mcp import ClientSession, types
from mcp.client.streamable_http import streamable_http_client
from support import REPO_ROOT, START_BOUND, answers_readyz, child_pids, free_port, run, text_of

INSPECTOR = REPO_ROOT / "target" / "node" / "inspector" / "node_modules" / ".bin" / "mcp-inspector"

SERVER = '''
from mcpforge import MCPServer

mcp = MCPServer("dev-demo")


@mcp.tool()
def add(a: int, b: int) -> int:
    """Adds two numbers."""
    return a + b
'''

MORE = '''

@mcp.tool()
def mul(a: int, b: int) -> int:
    """Multiplies two numbers."""
    return a * b
'''

JS_SERVER = """
import { Server } from 'mcpforge';

export const server = new Server({ name: 'dev-js', version: '1.0.0' });
server.tool('shout', { inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, ({ text }) => text.toUpperCase());
"""

# A restart, a change noticed and a server started, takes about a second; these are bounds.
CHANGE_BOUND = 30.0
INSPECTOR_BOUND = 90.0


@contextmanager
def dev(args: list[str], errlog: TextIO, via: str = "cargo", env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`mcpforge dev --port PORT ARGS` until the block ends (then SIGTERM, which must end it
    with status 0); yields the process and its endpoint once it answers /readyz."""
    prefix = {"cargo": [str(BINARY)], "python": [str(SCRIPT)], "node": ["node", str(NODE_BIN)]}[via]
    port = free_port()
    environment = {**os.environ, "MCPFORGE_PYTHON": sys.executable, **(env or {})}
    proc = subprocess.Popen([*prefix, "dev", "--port", str(port), *args], stdin=subprocess.DEVNULL, stdout=errlog, stderr=errlog, env=environment, cwd=REPO_ROOT)
    try:
        deadline = time.monotonic() + START_BOUND
        while not answers_readyz(port):
            assert proc.poll() is None, f"dev exited with {proc.returncode}: {said(errlog)}"
            assert time.monotonic() < deadline, f"dev did not get ready in time: {said(errlog)}"
            time.sleep(0.05)
        yield proc, f"http://127.0.0.1:{port}/mcp"
        proc.terminate()
        assert proc.wait(START_BOUND) == 0, said(errlog)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(START_BOUND)


def said(errlog: TextIO) -> str:
    errlog.flush()
    return Path(errlog.name).read_text(encoding="utf-8")


def wait_said(errlog: TextIO, text: str, count: int = 1) -> None:
    """Waits (at most CHANGE_BOUND) until `dev` has said `text` `count` times."""
    deadline = time.monotonic() + CHANGE_BOUND
    while said(errlog).count(text) < count:
        assert time.monotonic() < deadline, f"{text!r} not said {count} times in time:\n{said(errlog)}"
        time.sleep(0.05)


def descendants(pid: int) -> list[int]:
    """Every live process under `pid`."""
    found, queue = [], [pid]
    while queue:
        children = child_pids(queue.pop())
        found += children
        queue += children
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return not stat.rsplit(")", 1)[-1].strip().startswith("Z")


def eventually_gone(pids: list[int]) -> None:
    deadline = time.monotonic() + START_BOUND
    while any(alive(p) for p in pids):
        assert time.monotonic() < deadline, f"left running: {[p for p in pids if alive(p)]}"
        time.sleep(0.05)


class Heard:
    """The notifications a session got."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def __call__(self, message: Any) -> None:
        self.messages.append(message)

    async def tools_changed(self, count: int) -> None:
        with anyio.fail_after(CHANGE_BOUND):
            while sum(isinstance(m, types.ToolListChangedNotification) for m in self.messages) < count:
                await anyio.sleep(0.02)


def test_an_edit_restarts_the_server_and_the_client_stays_connected(tmp_path: Path, errlog: TextIO) -> None:
    server = tmp_path / "dev_demo.py"
    server.write_text(SERVER, encoding="utf-8")
    with dev([str(server), "--no-inspector"], errlog) as (proc, url):
        first = descendants(proc.pid)
        assert first, "the server runs as a child of dev"

        async def body() -> None:
            heard = Heard()
            async with streamable_http_client(url) as (read, write):
                async with ClientSession(read, write, read_timeout_seconds=CHANGE_BOUND, message_handler=heard) as session:
                    await session.initialize()
                    assert text_of(await session.call_tool("add", {"a": 2, "b": 3})) == "5"
                    server.write_text(SERVER + MORE, encoding="utf-8")
                    await heard.tools_changed(1)
                    assert [t.name for t in (await session.list_tools()).tools] == ["add", "mul"]
                    assert text_of(await session.call_tool("mul", {"a": 6, "b": 7})) == "42"
                    assert text_of(await session.call_tool("add", {"a": 1, "b": 1})) == "2"

        run(body)
        assert "dev_demo.py changed; restarting the server" in said(errlog)
        eventually_gone(first)


def test_a_broken_edit_is_said_and_the_next_edit_starts_the_server_again(tmp_path: Path, errlog: TextIO) -> None:
    server = tmp_path / "dev_demo.py"
    server.write_text(SERVER, encoding="utf-8")
    # Through the Python package's console script, which hands `dev` to the engine's command.
    with dev([str(server), "--no-inspector"], errlog, via="python") as (_, url):

        async def body() -> None:
            async with streamable_http_client(url) as (read, write):
                async with ClientSession(read, write, read_timeout_seconds=CHANGE_BOUND) as session:
                    await session.initialize()
                    assert text_of(await session.call_tool("add", {"a": 2, "b": 2})) == "4"
                    server.write_text(SERVER + "\nbroken = (\n", encoding="utf-8")
                    await anyio.to_thread.run_sync(wait_said, errlog, "the server did not start")
                    failed: Any
                    try:
                        failed = await session.call_tool("add", {"a": 1, "b": 1})
                    except Exception as e:  # the JSON-RPC error the client raises
                        failed = e
                    assert "SyntaxError" in str(failed) and "not running" in str(failed), failed
                    server.write_text(SERVER + MORE, encoding="utf-8")
                    await anyio.to_thread.run_sync(wait_said, errlog, "restarted")
                    assert text_of(await session.call_tool("mul", {"a": 3, "b": 3})) == "9"

        run(body)
        log = said(errlog)
        assert "SyntaxError" in log, "the server's own stderr is shown"
        assert log.count("changed; restarting the server") == 2, log


def test_dev_of_a_javascript_file_through_the_npm_bin(tmp_path: Path, errlog: TextIO) -> None:
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "mcpforge").symlink_to(REPO_ROOT / "bindings-node")
    server = tmp_path / "demo.mjs"
    server.write_text(JS_SERVER, encoding="utf-8")
    with dev([str(server), "--no-inspector"], errlog, via="node") as (_, url):

        async def body() -> None:
            heard = Heard()
            async with streamable_http_client(url) as (read, write):
                async with ClientSession(read, write, read_timeout_seconds=CHANGE_BOUND, message_handler=heard) as session:
                    await session.initialize()
                    assert text_of(await session.call_tool("shout", {"text": "hi"})) == "HI"
                    server.write_text(JS_SERVER.replace("text.toUpperCase()", "text.toUpperCase() + '!'").replace("'shout'", "'yell'"), encoding="utf-8")
                    await heard.tools_changed(1)
                    assert [t.name for t in (await session.list_tools()).tools] == ["yell"]
                    assert text_of(await session.call_tool("yell", {"text": "hi"})) == "HI!"

        run(body)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, b""
    except OSError:
        return 0, b""


def test_dev_starts_the_inspector_pointed_at_the_server_and_stops_it(tmp_path: Path, errlog: TextIO) -> None:
    assert INSPECTOR.exists(), f"{INSPECTOR} is missing: run scripts/setup-node.sh"
    server = tmp_path / "dev_demo.py"
    server.write_text(SERVER, encoding="utf-8")
    page, sandbox = free_port(), free_port()
    env = {"MCPFORGE_INSPECTOR": str(INSPECTOR), "CLIENT_PORT": str(page), "MCP_SANDBOX_PORT": str(sandbox), "MCP_AUTO_OPEN_ENABLED": "false"}
    with dev([str(server)], errlog, env=env) as (proc, url):
        deadline = time.monotonic() + INSPECTOR_BOUND
        while get(f"http://127.0.0.1:{page}/")[0] != 200:
            assert proc.poll() is None and time.monotonic() < deadline, f"the Inspector did not answer in time:\n{said(errlog)}"
            time.sleep(0.2)
        link = next(line.strip() for line in said(errlog).splitlines() if line.strip().startswith(f"http://127.0.0.1:{page}/?"))
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
        token = query["MCP_INSPECTOR_API_TOKEN"][0]
        assert query["serverUrl"] == [url] and query["transport"] == ["http"] and query["autoConnect"] == [token], link
        status, body = get(f"http://127.0.0.1:{page}/api/config", {"x-mcp-remote-auth": f"Bearer {token}"})
        assert status == 200, "the Inspector takes the token dev printed"
        config = json.loads(body)
        assert config["defaultServerUrl"] == url and config["defaultTransport"] == "streamable-http", config
        running = descendants(proc.pid)
    eventually_gone(running)
    assert get(f"http://127.0.0.1:{page}/")[0] == 0, "the Inspector's port is closed"


def test_without_node_dev_says_so_and_serves(tmp_path: Path, errlog: TextIO) -> None:
    server = tmp_path / "dev_demo.py"
    server.write_text(SERVER, encoding="utf-8")
    empty = tmp_path / "bin"
    empty.mkdir()
    with dev([str(server)], errlog, env={"PATH": str(empty), "MCPFORGE_NODE": str(empty / "node")}) as (_, url):

        async def body() -> None:
            async with streamable_http_client(url) as (read, write):
                async with ClientSession(read, write, read_timeout_seconds=CHANGE_BOUND) as session:
                    await session.initialize()
                    assert text_of(await session.call_tool("add", {"a": 20, "b": 22})) == "42"

        run(body)
        assert "no npx found" in said(errlog) and url in said(errlog)


def test_a_url_is_refused() -> None:
    done = subprocess.run([str(BINARY), "dev", "http://127.0.0.1:1/mcp"], capture_output=True, text=True, timeout=START_BOUND)
    assert done.returncode == 2 and "dev serves a server file or a command" in done.stderr, done

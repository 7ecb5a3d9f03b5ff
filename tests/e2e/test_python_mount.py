"""Composition in Python, driven by the official client (`mcp.ClientSession` over stdio, the
2025-11-25 handshake): a parent `Server` with its own tool `echo` mounts two servers of its
process under `a` and `b` (whose tools clash with its own and each other's) and a server
run as a child process under `c` (tests/e2e/mount_servers.py). Every kind reaches its
owner: tools, resources, templates, prompts, completions; a mounted server's new tool
reaches the client renamed, with `notifications/tools/list_changed`; the child is gone once
the parent stops. `Server.as_proxy` of a command serves that command's catalogue.

The servers run under this interpreter, which must have the mcpforge wheel installed
(`make python-wheel`); without it the tests are skipped and say so.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import anyio
import mcp.types as types
import pytest
from support import HANDSHAKE, WIRES, Peer, free_port, over_http, over_stdio, run, stop_process

SERVERS = Path(__file__).resolve().parent / "mount_servers.py"
NOTIFICATION_WAIT = 20.0
EXIT_WAIT = 10.0

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("mcpforge") is None,
    reason=f"the mcpforge wheel is not installed in {sys.executable}: run `make python-wheel` first",
)


def command(role: str) -> list[str]:
    return [sys.executable, str(SERVERS), role, sys.executable]


async def text(peer: Peer, tool: str, arguments: dict[str, Any] | None = None) -> str:
    result = await peer.call_tool(tool, arguments or {})
    assert not result.is_error, result
    block = result.content[0]
    assert isinstance(block, types.TextContent), result.content
    return block.text


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_gone(pid: int) -> None:
    deadline = time.monotonic() + EXIT_WAIT
    while alive(pid):
        assert time.monotonic() < deadline, f"the mounted command's process {pid} outlived its parent"
        time.sleep(0.05)


def test_mounted_servers_serve_every_kind_under_their_prefix(errlog: TextIO) -> None:
    changes: list[types.ToolListChangedNotification] = []

    async def message_handler(message: Any) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            changes.append(message)

    child_pid = 0

    async def body() -> None:
        nonlocal child_pid
        async with over_stdio(command("parent"), HANDSHAKE, errlog, callbacks={"message_handler": message_handler}) as peer:
            tools = sorted(t.name for t in (await peer.list_tools()).tools)
            own = ["echo", "grow", "pid"]
            assert tools == sorted(["echo", *(f"{p}_{t}" for p in "abc" for t in own)])
            assert await text(peer, "echo", {"text": "hi"}) == "parent: hi"
            for prefix in "abc":
                assert await text(peer, f"{prefix}_echo", {"text": "hi"}) == f"{prefix}: hi"
            # a and b run in the parent's process; c is a child of it.
            parent_pid = int(await text(peer, "a_pid"))
            assert int(await text(peer, "b_pid")) == parent_pid
            child_pid = int(await text(peer, "c_pid"))
            assert child_pid != parent_pid and alive(child_pid)

            resources = sorted(r.uri for r in (await peer.list_resources()).resources)
            assert resources == [f"data://{p}/info" for p in "abc"]
            templates = sorted(t.uri_template for t in (await peer.list_resource_templates()).resource_templates)
            assert templates == [f"data://{p}/item/{{id}}" for p in "abc"]
            for prefix in "abc":
                info = (await peer.read_resource(f"data://{prefix}/info")).contents[0]
                assert isinstance(info, types.TextResourceContents)
                assert (info.uri, info.text) == (f"data://{prefix}/info", f"info of {prefix}")
                item = (await peer.read_resource(f"data://{prefix}/item/7")).contents[0]
                assert isinstance(item, types.TextResourceContents) and item.text == f"{prefix} item 7"

            prompts = sorted(p.name for p in (await peer.list_prompts()).prompts)
            assert prompts == [f"{p}_greet" for p in "abc"]
            for prefix in "abc":
                got = await peer.get_prompt(f"{prefix}_greet", {"who": "ada"})
                content = got.messages[0].content
                assert isinstance(content, types.TextContent) and content.text == f"{prefix} greets ada"
                ref = types.PromptReference(type="ref/prompt", name=f"{prefix}_greet")
                done = await peer.complete(ref, {"name": "who", "value": "x"})
                assert done.completion.values == [f"{prefix}-x"]

            # A tool added on a mounted server reaches the client renamed, with a list change.
            assert await text(peer, "b_grow") == "grown"
            with anyio.fail_after(NOTIFICATION_WAIT):
                while "b_extra" not in [t.name for t in (await peer.list_tools()).tools]:
                    await anyio.sleep(0.05)
                while not changes:
                    await anyio.sleep(0.05)
            assert await text(peer, "b_extra") == "b extra"

    run(body)
    wait_gone(child_pid)


@pytest.mark.parametrize("wire", WIRES)
def test_mounted_servers_over_http_on_either_wire(wire: str, errlog: TextIO) -> None:
    port = free_port()
    proc = subprocess.Popen([*command("parent"), f"127.0.0.1:{port}"], stderr=errlog)
    try:
        deadline = time.monotonic() + EXIT_WAIT
        while True:
            assert proc.poll() is None, f"the parent exited with {proc.returncode}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the parent did not accept connections in time"
                time.sleep(0.05)

        async def body() -> None:
            async with over_http(f"http://127.0.0.1:{port}/mcp", wire) as peer:
                for prefix in "abc":
                    assert await text(peer, f"{prefix}_echo", {"text": wire}) == f"{prefix}: {wire}"
                assert await text(peer, "echo", {"text": wire}) == f"parent: {wire}"

        run(body)
    finally:
        stop_process(proc, EXIT_WAIT)


def test_a_proxy_of_a_command_serves_its_catalogue(errlog: TextIO) -> None:
    child_pid = 0

    async def body() -> None:
        nonlocal child_pid
        async with over_stdio(command("proxy"), HANDSHAKE, errlog) as peer:
            tools = sorted(t.name for t in (await peer.list_tools()).tools)
            assert tools == ["echo", "grow", "pid"]
            assert await text(peer, "echo", {"text": "hi"}) == "p: hi"
            child_pid = int(await text(peer, "pid"))
            info = (await peer.read_resource("data://info")).contents[0]
            assert isinstance(info, types.TextResourceContents) and info.text == "info of p"
            ref = types.PromptReference(type="ref/prompt", name="greet")
            assert (await peer.complete(ref, {"name": "who", "value": "y"})).completion.values == ["p-y"]

    run(body)
    assert child_pid > 0
    wait_gone(child_pid)

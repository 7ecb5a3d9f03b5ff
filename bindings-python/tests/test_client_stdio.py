"""``mcpforge.client.Client`` over stdio to real child processes: the repository's Python
quickstart, the client tests' server (with sampling, elicitation and roots answered across
the pipe, and a call cancelled in the child), and the official ``mcp`` package's server when
the benchmark peers' virtualenv has it. Every child is gone when its block ends (the
autouse fixture of conftest checks)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, run
from mcpforge.client import Client, McpError, StdioServerParameters
from test_client import elicitation, roots, sampling

SERVERS = Path(__file__).parent / "servers"
QUICKSTART = REPO_ROOT / "examples" / "python" / "quickstart.py"
PEERS_PYTHON = REPO_ROOT / "target" / "peers" / "venv" / "bin" / "python"
OFFICIAL_SERVER = REPO_ROOT / "bench" / "peers" / "python_sdk_server.py"


def test_the_quickstart_over_stdio() -> None:
    async def body() -> None:
        async with Client.stdio(sys.executable, [str(QUICKSTART)], mode="legacy") as client:
            assert client.server_info is not None and client.server_info.name == "mcpforge-quickstart"
            names = sorted(t.name for t in (await client.list_tools()).tools)
            assert names == ["add", "current_time", "echo"]
            echoed = await client.call_tool("echo", {"text": "over the pipe"})
            assert echoed.content[0].text == "over the pipe"  # type: ignore[union-attr]
            summed = await client.call_tool("add", {"a": 1, "b": 2})
            assert summed.content[0].text == "3"  # type: ignore[union-attr]
            assert isinstance(client.stderr, str)

    run(body)


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_callbacks_progress_and_cancellation_across_the_pipe(mode: str) -> None:
    progress: list = []

    async def on_progress(done: float, total: Any, message: Any) -> None:
        progress.append(done)

    async def body() -> None:
        params = StdioServerParameters(sys.executable, [str(SERVERS / "client_target.py")], env={"CLIENT_TEST": "1"}, cwd=str(SERVERS))
        options: Any = {"sampling_callback": sampling, "elicitation_callback": elicitation, "list_roots_callback": roots}
        async with Client(params, mode=mode, **options) as client:
            asked = await client.call_tool("ask_all")
            assert asked.content[0].text == "Ada | re: hi | ['file:///work']", asked  # type: ignore[union-attr]
            stepped = await client.call_tool("steps", {"n": 2}, progress_callback=on_progress)
            assert stepped.content[0].text == "2 steps"  # type: ignore[union-attr]
            call = asyncio.ensure_future(client.call_tool("wait"))
            await asyncio.sleep(0.2)
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            # Cancelled in the child, which goes on serving.
            echoed = await client.call_tool("echo", {"text": "still here"})
            assert echoed.content[0].text == "still here"  # type: ignore[union-attr]

    run(body)
    assert progress == [1.0, 2.0]


def test_a_command_that_does_not_start_is_an_mcp_error() -> None:
    async def body() -> None:
        with pytest.raises(McpError, match="no-such-program"):
            async with Client.stdio("/nonexistent/no-such-program"):
                pass

    run(body)


@pytest.mark.skipif(not PEERS_PYTHON.exists(), reason="no official `mcp` server here (scripts/setup-peers.sh)")
def test_the_official_python_sdk_server_over_stdio() -> None:
    async def body() -> None:
        command = StdioServerParameters(str(PEERS_PYTHON), [str(OFFICIAL_SERVER)], cwd=str(OFFICIAL_SERVER.parent))
        for mode in ("legacy", "auto"):
            async with Client(command, mode=mode) as client:
                assert client.server_info is not None and client.server_info.name == "python-sdk-bench"
                tools = {t.name: t for t in (await client.list_tools()).tools}
                assert set(tools) >= {"echo", "add", "slow"} and "text" in tools["echo"].inputSchema["properties"]
                echoed = await client.call_tool("echo", {"text": "to the official server"})
                assert echoed.content[0].text == "to the official server"  # type: ignore[union-attr]
                summed = await asyncio.gather(*(client.call_tool("add", {"a": i, "b": 1}) for i in range(20)))
                assert [s.content[0].text for s in summed] == [str(i + 1) for i in range(20)]  # type: ignore[union-attr]
                # The official server answers an unknown tool with a tool error.
                unknown = await client.call_tool("no-such-tool", {})
                assert unknown.isError and "no-such-tool" in unknown.content[0].text  # type: ignore[union-attr]

    run(body)


@pytest.mark.skipif(not PEERS_PYTHON.exists(), reason="no official `mcp` server here (scripts/setup-peers.sh)")
def test_auto_waits_for_a_server_that_starts_slowly() -> None:
    # The server reads its input 6 s late, past the engine's 5 s default for the discovery
    # probe: it then answers `server/discover` and takes the 2026-07-28 wire, and a handshake
    # sent in its place after a shorter wait would be refused.
    script = f'sleep 6; exec "{PEERS_PYTHON}" "{OFFICIAL_SERVER}"'

    async def body() -> None:
        async with Client.stdio("sh", ["-c", script], cwd=str(OFFICIAL_SERVER.parent)) as client:
            assert client.protocol_version == "2026-07-28"
            echoed = await client.call_tool("echo", {"text": "late"})
            assert echoed.content[0].text == "late"  # type: ignore[union-attr]

    run(body)

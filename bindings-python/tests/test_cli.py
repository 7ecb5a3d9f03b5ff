"""``mcpforge run``/``mcpforge dev`` (``mcpforge.cli``): which server a file names, and the
installed console script serving it over stdio to a client in another process. The official
client drives the same command over stdio and HTTP in tests/e2e/test_python_cli.py."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import IO, Any

import pytest
from test_process import Stdio

from mcpforge import Server, _native
from mcpforge.cli import CommandError, _served_here, load_server, main

SCRIPT = Path(sys.executable).parent / "mcpforge"


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_the_server_a_file_names(tmp_path: Path) -> None:
    two = write(
        tmp_path,
        "two.py",
        """
        from mcpforge import Server
        from helper_module import NAME
        server = Server(NAME)
        other = Server("other")
        """,
    )
    write(tmp_path, "helper_module.py", "NAME = 'from-a-neighbour'\n")
    assert load_server(str(two)).name == "from-a-neighbour"  # `server` before any other; neighbours import
    assert load_server(f"{two}:other").name == "other"
    lone = write(tmp_path, "lone.py", "from mcpforge import MCPServer\nthe_one = MCPServer('lone')\n")
    assert load_server(str(lone)).name == "lone"
    many = write(tmp_path, "many.py", "from mcpforge import Server\na = Server('a')\nb = Server('b')\n")
    with pytest.raises(CommandError, match="several servers"):
        load_server(str(many))
    with pytest.raises(CommandError, match="'x' is nothing"):
        load_server(f"{lone}:x")
    with pytest.raises(CommandError, match="is an object of type int, not a server"):
        load_server(f"{write(tmp_path, 'num.py', 'n = 1')}:n")
    assert isinstance(load_server(str(lone)), Server)


def test_host_and_port_are_refused_for_stdio(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lone = write(tmp_path, "lone2.py", "from mcpforge import Server\ns = Server('s')\n")
    assert main(["run", str(lone), "--port", "9"]) == 2
    assert "--host and --port are for the http and sse transports" in capsys.readouterr().err


class ConsoleScript(Stdio):
    """The installed ``mcpforge`` command, driven over its stdin/stdout."""

    def __init__(self, *args: str, stderr: IO[str]) -> None:
        self.attach(subprocess.Popen([str(SCRIPT), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr))


@pytest.mark.skipif(not SCRIPT.exists(), reason="the wheel's console script is not installed next to this interpreter")
def test_the_console_script_serves_stdio(tmp_path: Path) -> None:
    server = write(
        tmp_path,
        "greeter.py",
        """
        from mcpforge import MCPServer
        mcp = MCPServer("greeter")

        @mcp.tool()
        def greet(name: str) -> str:
            return f"Hello, {name}!"
        """,
    )
    with open(tmp_path / "stderr.log", "w+", encoding="utf-8") as stderr:
        session = ConsoleScript("run", str(server), stderr=stderr)
        try:
            session.initialize()
            answer: Any = session.request("tools/call", {"name": "greet", "arguments": {"name": "Ada"}})
            assert answer["result"]["content"] == [{"type": "text", "text": "Hello, Ada!"}]
            assert session.proc.stdin is not None
            session.proc.stdin.close()  # EOF: the server ends by itself
            assert session.proc.wait(20) == 0
        finally:
            session.stop()


def test_the_engine_runs_all_but_serving_a_python_file() -> None:
    assert _served_here(["run", "server.py", "--transport", "http"])
    assert not _served_here(["dev", "server.py:mcp", "--port", "0"])
    assert _served_here(["sdk", "--", "mcp-server-time", "--help"])
    assert not _served_here(["run", "server.mjs"])
    assert not _served_here(["run", "server.py", "--help"])
    assert not _served_here(["inspect", "server.py"])
    assert not _served_here([])


def test_help_and_version_are_the_engines(capfd: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capfd.readouterr().out == f"mcpforge {_native.ENGINE_VERSION}\n"
    assert main(["--help"]) == 0
    out = capfd.readouterr().out
    assert "\n  inspect " in out and "\n  install " in out
    assert main(["inspect"]) == 2
    assert "no server" in capfd.readouterr().err

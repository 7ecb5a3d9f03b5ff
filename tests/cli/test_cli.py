"""The `mcpforge` command from each place it is installed: the cargo binary
(target/debug/mcpforge), the Python console script (next to this interpreter) and the npm
package's bin (bindings-node/bin/mcpforge.js). `inspect` and `call` drive real servers: the
Rust quickstart as a command after `--`, Python and JavaScript server files, and a URL the
test serves on 127.0.0.1; `install --dry-run` prints each host's entry and writes nothing;
`install` keeps the other entries of a configuration file; a tool error and a protocol error
end with status 1; and `--help` is the same text from all three."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import pytest
from cli_support import PYTHON_SERVER, QUICKSTART, SCRIPT, mcpforge, ok
from support import REPO_ROOT, START_BOUND, answers_readyz, free_port, http_server, stop_process

JS_SERVER = """
import { pathToFileURL } from 'node:url';
import { Server } from 'mcpforge';

export const server = new Server({ name: 'js-demo', version: '2.0.0' });
server.tool(
  'shout',
  { description: 'Upper-cases text', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } },
  ({ text }) => text.toUpperCase(),
);

if (import.meta.url === pathToFileURL(process.argv[1]).href) await server.listen();
"""


@pytest.fixture
def js_server(tmp_path: Path) -> Path:
    """A JavaScript server file next to a node_modules holding this checkout's package."""
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "mcpforge").symlink_to(REPO_ROOT / "bindings-node")
    path = tmp_path / "demo.mjs"
    path.write_text(JS_SERVER, encoding="utf-8")
    return path


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["inspect", "--help"], ["run", "--help"], ["install", "-h"], ["package", "--help"], ["new", "-h"], ["gateway", "--help"]])
def test_help_is_the_same_from_every_language(args: list[str]) -> None:
    cargo = ok(mcpforge(*args))
    assert "mcpforge" in cargo
    assert ok(mcpforge(*args, via="python")) == cargo
    assert ok(mcpforge(*args, via="node")) == cargo


def test_help_names_every_subcommand() -> None:
    text = ok(mcpforge("--help"))
    for command in ("run", "dev", "inspect", "call", "install", "package", "new", "gateway", "sdk"):
        assert f"\n  {command} " in text, text


@pytest.mark.parametrize("via", ["cargo", "python", "node"])
def test_the_gateway_serves_a_command_over_stdio(via: str) -> None:
    """`mcpforge gateway -- COMMAND` from every language: the Rust quickstart behind the
    gateway, spoken to over the gateway's stdin and stdout; it ends when its input does."""
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "cli-test", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "add", "arguments": {"a": 2, "b": 3}}},
    ]
    said = "".join(json.dumps(m) + "\n" for m in messages)
    out = ok(mcpforge("gateway", "--mode", "shared", "--", str(QUICKSTART), via=via, input=said))
    answers = {a["id"]: a for a in map(json.loads, out.splitlines())}
    assert answers[1]["result"]["serverInfo"]["name"] == "mcpforge-gateway"
    assert answers[2]["result"]["content"] == [{"type": "text", "text": "5"}]


def test_a_wrong_command_line_is_status_2() -> None:
    for via in ("cargo", "python", "node"):
        result = mcpforge("inspect", "--no-such-flag", via=via)
        assert result.returncode == 2, result
        assert "--no-such-flag" in result.stderr


def test_inspect_a_command_after_the_separator() -> None:
    report = json.loads(ok(mcpforge("inspect", "--json", "--", str(QUICKSTART))))
    assert report["serverInfo"]["name"] == "mcpforge-quickstart"
    assert sorted(t["name"] for t in report["tools"]) == ["add", "current_time", "echo"]
    assert report["protocolVersion"]
    text = ok(mcpforge("inspect", "--", str(QUICKSTART)))
    assert text.startswith("mcpforge-quickstart ")
    assert "tools (3)\n" in text and "  add(a: number, b: number)" in text


def test_call_a_command_after_the_separator() -> None:
    assert ok(mcpforge("call", "echo", "text=hello there", "--", str(QUICKSTART))) == "hello there\n"
    assert ok(mcpforge("call", "add", "a=2", "b=3.5", "--", str(QUICKSTART))) == "5.5\n"
    assert ok(mcpforge("call", "add", '{"a": 1, "b": 1}', "--", str(QUICKSTART))) == "2\n"
    whole = json.loads(ok(mcpforge("call", "--json", "echo", "text=42", "--", str(QUICKSTART))))
    assert whole["content"] == [{"type": "text", "text": "42"}], "a string property keeps 42 as text"


def test_inspect_and_call_a_python_file() -> None:
    report = json.loads(ok(mcpforge("inspect", str(PYTHON_SERVER), "--json")))
    assert {t["name"] for t in report["tools"]} >= {"echo", "calculate"}
    out = ok(mcpforge("call", str(PYTHON_SERVER), "calculate", "expression=6*7", via="python"))
    assert "42" in out


def test_a_tool_error_is_status_1_with_its_message() -> None:
    result = mcpforge("call", str(PYTHON_SERVER), "calculate", "expression=1/0")
    assert result.returncode == 1, result
    assert "division by zero" in result.stderr
    assert result.stdout == ""


def test_a_protocol_error_is_status_1() -> None:
    unknown = mcpforge("call", "nope", "--", str(QUICKSTART))
    assert unknown.returncode == 1 and 'no tool named "nope"' in unknown.stderr, unknown
    gone = mcpforge("inspect", f"http://127.0.0.1:{free_port()}/mcp", "--timeout", "10")
    assert gone.returncode == 1 and "could not connect" in gone.stderr, gone
    dead = mcpforge("inspect", "--", sys.executable, "-c", "import sys; sys.stderr.write('no luck'); sys.exit(3)")
    assert dead.returncode == 1 and "no luck" in dead.stderr, dead


def test_inspect_and_call_a_url(errlog: TextIO) -> None:
    with http_server([str(QUICKSTART)], errlog) as url:
        report = json.loads(ok(mcpforge("inspect", url, "--json")))
        assert report["serverInfo"]["name"] == "mcpforge-quickstart"
        assert ok(mcpforge("call", url, "echo", "text=over http", via="node")) == "over http\n"


def test_inspect_and_call_a_javascript_file(js_server: Path) -> None:
    # The cargo binary finds the npm package from the file's directory.
    report = json.loads(ok(mcpforge("inspect", "--json", str(js_server))))
    assert report["serverInfo"] == {"name": "js-demo", "version": "2.0.0"}
    assert ok(mcpforge("call", f"{js_server}:server", "shout", "text=hi", via="python")) == "HI\n"
    assert ok(mcpforge("call", str(js_server), "shout", "text=node", via="node")) == "NODE\n"


def test_an_mcp_server_of_the_drop_in_layer_is_served(js_server: Path) -> None:
    path = js_server.with_name("sdk.mjs")
    path.write_text(
        "import { McpServer } from 'mcpforge';\n"
        "export const mcp = new McpServer({ name: 'sdk-demo', version: '1.0.0' });\n"
        "mcp.registerTool('hi', { description: 'Says hi' }, async () => ({ content: [{ type: 'text', text: 'hi!' }] }));\n",
        encoding="utf-8",
    )
    assert ok(mcpforge("call", str(path), "hi")) == "hi!\n"


def test_run_serves_a_javascript_file_from_python(js_server: Path, errlog: TextIO) -> None:
    """The Python script hands a JavaScript file to node (through the engine's command line);
    SIGTERM to the script reaches the server, which stops, and the script ends with it."""
    port = free_port()
    proc = subprocess.Popen(
        [str(SCRIPT), "run", str(js_server), "--transport", "http", "--port", str(port)], stdin=subprocess.DEVNULL, stderr=errlog
    )
    try:
        deadline = time.monotonic() + START_BOUND
        while not answers_readyz(port):
            assert proc.poll() is None, f"the command exited with {proc.returncode}"
            assert time.monotonic() < deadline, "the server did not get ready in time"
            time.sleep(0.05)
        assert ok(mcpforge("call", f"http://127.0.0.1:{port}/mcp", "shout", "text=served")) == "SERVED\n"
        proc.terminate()
        assert proc.wait(START_BOUND) == 0
        assert not answers_readyz(port), "the server stopped with the command"
    finally:
        stop_process(proc, START_BOUND)


def _dry_run(host: str, *args: str, home: Path) -> Any:
    env = {"HOME": str(home), "XDG_CONFIG_HOME": "", "APPDATA": str(home)}
    result = mcpforge("install", host, "--dry-run", *args, env=env)
    out = json.loads(ok(result))
    assert "not written" in result.stderr
    return out


@pytest.mark.parametrize("host,key", [("claude-desktop", "mcpServers"), ("cursor", "mcpServers"), ("vscode", "servers")])
def test_install_dry_run_prints_each_host_entry(host: str, key: str, tmp_path: Path) -> None:
    out = _dry_run(host, str(PYTHON_SERVER), "--name", "calc", "--env", "TZ=UTC", home=tmp_path)
    entry = {"command": sys.executable, "args": ["-m", "mcpforge", "run", str(PYTHON_SERVER)], "env": {"TZ": "UTC"}}
    if host == "vscode":
        entry["type"] = "stdio"
    assert out == {key: {"calc": entry}}
    command = _dry_run(host, "--", "uvx", "some-server", "--flag", home=tmp_path)
    assert command[key]["uvx"]["args"] == ["some-server", "--flag"]
    assert list(tmp_path.iterdir()) == [], "a dry run writes nothing"


def test_install_dry_run_of_a_url(tmp_path: Path) -> None:
    url = "http://127.0.0.1:8000/mcp"
    assert _dry_run("vscode", url, home=tmp_path) == {"servers": {"127.0.0.1": {"type": "http", "url": url}}}
    assert _dry_run("cursor", url, "--name", "remote", home=tmp_path) == {"mcpServers": {"remote": {"url": url}}}
    refused = mcpforge("install", "claude-desktop", url, "--dry-run", env={"HOME": str(tmp_path)})
    assert refused.returncode == 2 and "Connectors" in refused.stderr


def test_install_writes_the_host_file_and_keeps_other_entries(tmp_path: Path) -> None:
    config = tmp_path / "Claude" / "claude_desktop_config.json"
    config.parent.mkdir()
    config.write_text(json.dumps({"mcpServers": {"mine": {"command": "x"}}, "theme": "dark"}), encoding="utf-8")
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    said = ok(mcpforge("install", "claude-desktop", "--name", "quick", "--", str(QUICKSTART), env=env))
    assert said.startswith('added the server "quick"')
    written = json.loads(config.read_text(encoding="utf-8"))
    assert written == {
        "mcpServers": {"mine": {"command": "x"}, "quick": {"command": str(QUICKSTART), "args": []}},
        "theme": "dark",
    }
    again = ok(mcpforge("install", "claude-desktop", "--name", "quick", "--config", str(config), "--", "other", env=env))
    assert again.startswith('replaced the server "quick"')
    assert json.loads(config.read_text(encoding="utf-8"))["mcpServers"]["quick"] == {"command": "other", "args": []}
    assert sorted(p.name for p in config.parent.iterdir()) == ["claude_desktop_config.json"]

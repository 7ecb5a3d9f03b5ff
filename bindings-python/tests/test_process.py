"""Servers in their own processes over real pipes and sockets: a tool that prints cannot
corrupt the stdio stream; a sync tool that blocks holds up no other request over stdio;
Ctrl-C (SIGINT) ends ``server.run()`` promptly with
``KeyboardInterrupt`` on stdio and HTTP, and an idle server wakes no thread while it waits
for one (the application's own signal wakeup fd is given back); EOF on stdin ends the server; Streamable HTTP with
the bearer-token verifier hook (401, 403, the grant reaching the handler and middleware)
and async tools on the server's own loop thread; an HTTP server says where it listens on
stderr."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any, Dict, Optional, Tuple

import pytest
from prometheus_client.parser import text_string_to_metric_families
from conftest import REPO_ROOT, http_tool_call, python_process

NOISY = Path(__file__).parent / "servers" / "noisy_server.py"
BLOCKING = Path(__file__).parent / "servers" / "blocking_server.py"
QUICKSTART = REPO_ROOT / "examples" / "python" / "quickstart.py"
WAIT = 20.0


def read_line(stream: IO[bytes], timeout: float = WAIT) -> bytes:
    """One line from a pipe, waiting at most ``timeout``."""
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([stream], [], [], left)[0]:
            raise AssertionError(f"no complete line within {timeout} s (got {line!r})")
        chunk = os.read(stream.fileno(), 1)
        if not chunk:
            raise AssertionError(f"the stream ended (got {line!r})")
        line += chunk
    return line


class Stdio:
    """A server process driven over its stdin/stdout."""

    def __init__(self, script: Path, stderr: IO[str]) -> None:
        self.attach(python_process(script, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr))

    def attach(self, proc: "subprocess.Popen[bytes]") -> None:
        """Drives ``proc``, a server started with pipes for stdin and stdout."""
        self.proc = proc
        self.next_id = 1
        # Responses read while looking for another one: answers may come in any order.
        self.unclaimed: Dict[Any, Dict[str, Any]] = {}

    def send(self, message: Dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def request(self, method: str, params: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params or {}})
        return self.answer(rid)

    def answer(self, rid: Any) -> Dict[str, Any]:
        """The response to the request ``rid`` sent earlier. Other responses read meanwhile
        are kept for their own ``answer``; notifications are skipped."""
        assert self.proc.stdout is not None
        while rid not in self.unclaimed:
            message = json.loads(read_line(self.proc.stdout))  # every line must be JSON-RPC
            assert message.get("jsonrpc") == "2.0", message
            if "id" in message and "method" not in message:
                self.unclaimed[message["id"]] = message
        return self.unclaimed.pop(rid)

    def initialize(self) -> None:
        params = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}
        assert self.request("initialize", params)["result"]["protocolVersion"] == "2025-11-25"
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(WAIT)


@pytest.fixture
def stderr_file(tmp_path: Path) -> Any:
    with open(tmp_path / "stderr.log", "w+", encoding="utf-8") as f:
        yield f


def test_prints_cannot_corrupt_the_stdio_stream(stderr_file: IO[str]) -> None:
    server = Stdio(NOISY, stderr_file)
    try:
        server.initialize()
        for i in range(3):
            result = server.request("tools/call", {"name": "noisy", "arguments": {"text": f"hello {i}"}})
            assert result["result"]["content"] == [{"type": "text", "text": f"hello {i}"}]
        assert server.proc.stdin is not None
        server.proc.stdin.close()  # EOF: the server ends by itself
        assert server.proc.wait(WAIT) == 0
    finally:
        server.stop()
    stderr_file.seek(0)
    logged = stderr_file.read()
    for way in ("print", "sys.stdout", "fd 1", "child"):
        assert f"{way}: hello 2" in logged, logged


def test_a_blocked_call_holds_up_no_other_request_over_stdio(stderr_file: IO[str]) -> None:
    """``hold`` blocks the thread that runs it (the engine thread that read it, when it runs
    inline) until ``release`` runs: another thread must read and answer ``release`` meanwhile."""
    server = Stdio(BLOCKING, stderr_file)
    try:
        server.initialize()
        server.send({"jsonrpc": "2.0", "id": "held", "method": "tools/call", "params": {"name": "hold", "arguments": {}}})
        deadline = time.monotonic() + WAIT
        while "holding" not in Path(stderr_file.name).read_text() and time.monotonic() < deadline:
            time.sleep(0.01)
        released = server.request("tools/call", {"name": "release", "arguments": {}})
        assert released["result"]["content"] == [{"type": "text", "text": "set"}]
        assert server.answer("held")["result"]["content"] == [{"type": "text", "text": "released"}]
    finally:
        server.stop()


def test_an_answer_read_with_a_call_that_blocks_goes_out_meanwhile(stderr_file: IO[str]) -> None:
    """A ``ping`` and ``hold`` arrive in one write, so the thread that read them handles
    both, one after the other: the ping's answer must reach the client while ``hold`` blocks
    that thread, and ``release``, sent only then, is read and answered by another."""
    server = Stdio(BLOCKING, stderr_file)
    try:
        server.initialize()
        # A quick call first: the engine's first inline call starts a task of its own, which
        # would move the writer out of the held thread's way by chance.
        quick = server.request("tools/call", {"name": "quick", "arguments": {}})
        assert quick["result"]["content"] == [{"type": "text", "text": "quick"}]
        both = [{"jsonrpc": "2.0", "id": "first", "method": "ping"},
                {"jsonrpc": "2.0", "id": "held", "method": "tools/call", "params": {"name": "hold", "arguments": {}}}]
        assert server.proc.stdin is not None
        server.proc.stdin.write("".join(json.dumps(m) + "\n" for m in both).encode())
        server.proc.stdin.flush()
        assert server.answer("first")["result"] == {}
        released = server.request("tools/call", {"name": "release", "arguments": {}})
        assert released["result"]["content"] == [{"type": "text", "text": "set"}]
        assert server.answer("held")["result"]["content"] == [{"type": "text", "text": "released"}]
    finally:
        server.stop()


@pytest.mark.parametrize("script", [NOISY, QUICKSTART])
def test_ctrl_c_stops_stdio_promptly(script: Path, stderr_file: IO[str]) -> None:
    server = Stdio(script, stderr_file)
    try:
        server.initialize()
        server.proc.send_signal(signal.SIGINT)
        code = server.proc.wait(WAIT)
    finally:
        server.stop()
    stderr_file.seek(0)
    logged = stderr_file.read()
    if script == QUICKSTART:
        assert code == 0, logged  # the quickstart catches KeyboardInterrupt
    else:
        assert code == -signal.SIGINT and "KeyboardInterrupt" in logged, (code, logged)


def thread_switches(pid: int) -> int:
    """Context switches of every thread of ``pid`` so far (voluntary and not), from /proc."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                total += int(line.split()[1])
    return total


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_an_idle_stdio_server_wakes_no_thread(stderr_file: IO[str]) -> None:
    # A serve waits for the server or a signal, never on a timer: two seconds of an open,
    # silent stdin put no thread of the server to work. A timed look for Ctrl-C woke two
    # threads ten times a second (about 40 switches in this window).
    server = Stdio(QUICKSTART, stderr_file)
    try:
        server.initialize()
        time.sleep(0.5)  # the handshake's own wakes settle
        before = thread_switches(server.proc.pid)
        time.sleep(2.0)
        woken = thread_switches(server.proc.pid) - before
        assert woken <= 4, woken
        server.proc.send_signal(signal.SIGINT)  # and a signal still wakes it at once
        assert server.proc.wait(WAIT) == 0
    finally:
        server.stop()


SIGNAL_CHECKS = """
import signal, socket, sys, threading
from mcpforge import Server

server = Server("signals")
ours, theirs = socket.socketpair()
ours.setblocking(False)
signal.set_wakeup_fd(ours.fileno())
if sys.argv[1] == "thread":
    # Served from another thread: the main thread's wakeup fd is left alone.
    t = threading.Thread(target=server.run)
    t.start()
    t.join()
else:
    server.run()
# Serving is over (stdin closed): the application's own wakeup fd is back.
assert signal.set_wakeup_fd(-1) == ours.fileno(), "wakeup fd not restored"
print("restored", file=sys.stderr)
"""


@pytest.mark.parametrize("where", ["main", "thread"])
def test_serving_gives_the_wakeup_fd_back(where: str, tmp_path: Path) -> None:
    script = tmp_path / "signals.py"
    script.write_text(SIGNAL_CHECKS)
    proc = python_process(script, where, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = proc.communicate(b"", timeout=WAIT)
    assert proc.returncode == 0 and b"restored" in err, err.decode()


ASYNCIO_RUN = """
import asyncio
import warnings

from mcpforge import MCPServer

warnings.simplefilter("error")
server = MCPServer("seed")


@server.tool()
def hello() -> str:
    return "hello"


asyncio.run(server.run())
print("ended cleanly", flush=True)
"""


def test_asyncio_run_of_run_ends_cleanly(tmp_path: Path) -> None:
    # The seed documents' `asyncio.run(server.run())`: run() blocks while it serves and
    # returned None, which asyncio.run refused with ValueError at every normal exit.
    script = tmp_path / "seed.py"
    script.write_text(ASYNCIO_RUN)
    proc = python_process(script, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(b"", timeout=WAIT)
    assert (proc.returncode, out) == (0, b"ended cleanly\n"), err.decode()


class Http:
    """The noisy server over HTTP on a free port (``args``: more of its arguments)."""

    def __init__(self, tmp_path: Path, stderr: IO[str], *args: str) -> None:
        port_file = tmp_path / "port"
        self.proc = python_process(NOISY, "--http", str(port_file), *args, stderr=stderr)
        self.port = 0
        deadline = time.monotonic() + WAIT
        while not (port_file.exists() and port_file.read_text()):
            assert self.proc.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not bind in time"
            time.sleep(0.02)
        self.port = int(port_file.read_text())
        self.url = f"http://127.0.0.1:{self.port}"

    def call(self, tool: str, token: Optional[str]) -> Tuple[int, Any, Any]:
        """A 2026-07-28 `tools/call` with a bearer token (or none)."""
        return http_tool_call(self.url + "/mcp", tool, token=token, timeout=WAIT)

    def get(self, path: str, token: Optional[str] = None) -> str:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        request = urllib.request.Request(self.url + path, headers=headers)
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return response.read().decode()  # type: ignore[no-any-return]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(WAIT)


def test_http_with_the_token_verifier(tmp_path: Path, stderr_file: IO[str]) -> None:
    server = Http(tmp_path, stderr_file)
    try:
        status, headers, _ = server.call("whoami", None)
        assert status == 401 and "Bearer" in headers.get("WWW-Authenticate", "")
        status, headers, _ = server.call("whoami", "bogus")
        assert status == 401 and "invalid_token" in headers.get("WWW-Authenticate", "")
        status, headers, _ = server.call("whoami", "weak")
        assert status == 403 and "insufficient_scope" in headers.get("WWW-Authenticate", "")
        status, _, message = server.call("whoami", "good-ada")
        assert status == 200 and message["result"]["content"] == [{"type": "text", "text": "ada mcp"}]
        # A middleware sees the same grant, client id included.
        _, _, message = server.call("grant_seen", "good-ada")
        assert message["result"]["content"] == [{"type": "text", "text": "ada app-ada"}]
        # Async tools run on the server's own loop thread (no caller loop under run()).
        _, _, message = server.call("thread_name", "good-ada")
        assert message["result"]["content"][0]["text"] == "mcpforge-noisy-asyncio"
        assert server.get("/healthz") == "ok"
        # /metrics needs a token as MCP requests do; read by the official Prometheus parser:
        # one series per tool and outcome.
        with pytest.raises(urllib.error.HTTPError) as anonymous:
            server.get("/metrics")
        assert anonymous.value.code == 401
        scraped = {
            (s.name, s.labels.get("name"), s.labels.get("outcome")): s.value
            for family in text_string_to_metric_families(server.get("/metrics", "good-ada"))
            for s in family.samples
            if s.labels.get("method") == "tools/call"
        }
        assert scraped[("mcpforge_requests_total", "whoami", "ok")] == 1, scraped
        assert scraped[("mcpforge_requests_total", "thread_name", "ok")] == 1, scraped
        assert scraped[("mcpforge_request_duration_seconds_count", "whoami", None)] == 1, scraped
        server.proc.send_signal(signal.SIGINT)
        assert server.proc.wait(WAIT) == -signal.SIGINT
    finally:
        server.stop()


@pytest.mark.parametrize("quiet", [False, True])
def test_http_says_where_it_listens_on_stderr(quiet: bool, tmp_path: Path, stderr_file: IO[str]) -> None:
    """One line on stderr with the port bound for ``port=0``, as uvicorn says it; none once
    the ``mcpforge`` logger is set above INFO."""
    server = Http(tmp_path, stderr_file, *(["--quiet"] if quiet else []))
    try:
        said = f"mcpforge: serving MCP on http://127.0.0.1:{server.port}/mcp (Ctrl-C to stop)\n"
        stderr_file.seek(0)
        assert (stderr_file.read() == "") if quiet else (said in stderr_file.read())
    finally:
        server.stop()


def test_the_wheel_installs_into_a_fresh_venv(tmp_path: Path) -> None:
    """`pip install` of the wheel into an empty venv is all `import mcpforge` needs."""
    wheels = sorted((REPO_ROOT / "target" / "python" / "wheels").glob("mcpforge-*.whl"))
    if not wheels:
        pytest.skip("no wheel in target/python/wheels (build it with `make python-wheel`)")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--no-index", "--disable-pip-version-check", str(wheels[-1])]
    subprocess.run(pip, check=True, timeout=120)
    code = (
        "import asyncio, mcpforge\n"
        "s = mcpforge.Server('fresh')\n"
        "@s.tool()\n"
        "def add(a: int, b: int) -> int:\n"
        "    return a + b\n"
        "async def main():\n"
        "    async with s.test_client() as c:\n"
        "        print((await c.call_tool('add', {'a': 2, 'b': 3})).text)\n"
        "asyncio.run(main())\n"
    )
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "5"
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True, timeout=120).stdout
    installed = {line.split("==")[0].lower() for line in listed.split()} - {"pip", "setuptools"}
    assert installed == {"mcpforge"}

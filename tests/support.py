"""Helpers shared by the cross-process test suites (tests/e2e, tests/examples): where the
build puts its artifacts, which processes this test process started, and how the official
Python MCP client drives a server on either wire (the stateless 2026-07-28 one through
`mcp.Client`, the 2025-11-25 handshake through `ClientSession`), over stdio or Streamable
HTTP, under a deadline.

A plain module, importable as `support` because pytest puts the directory of the root
conftest (tests/conftest.py, whose fixtures use this module too) on sys.path.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

import anyio
from mcp import Client, ClientSession, StdioServerParameters, stdio_client, types
from mcp.client.streamable_http import streamable_http_client

REPO_ROOT = Path(__file__).resolve().parents[1]

MODERN = "2026-07-28"
HANDSHAKE = "2025-11-25"
WIRES = [MODERN, HANDSHAKE]

# Bounds, not expectations: a healthy test takes milliseconds.
TEST_DEADLINE = 60.0
REQUEST_TIMEOUT = 20.0

Peer = Client | ClientSession
"""What the tests drive: both expose the same request methods."""


def target_dir() -> Path:
    """The build's target directory: $CARGO_TARGET_DIR (relative to the repository root when
    relative), else target/."""
    configured = os.environ.get("CARGO_TARGET_DIR")
    if not configured:
        return REPO_ROOT / "target"
    path = Path(configured)
    return path if path.is_absolute() else REPO_ROOT / path


LANGUAGES = ["rust", "c", "python", "node"]
"""The languages whose conformance fixtures the cross-language suites drive."""


def fixture_command(language: str) -> list[str]:
    """The command of a language's conformance fixture (as scripts/conformance.sh runs it);
    with no arguments it serves stdio, with `--http HOST:PORT` Streamable HTTP and WebSocket."""
    target = target_dir()
    commands = {
        "rust": [str(target / "debug" / "conformance")],
        "c": [str(target / "c" / "conformance_fixture")],
        "python": [str(target / "python" / "venv" / "bin" / "python"), str(REPO_ROOT / "examples/python/conformance_fixture.py")],
        "node": ["node", str(REPO_ROOT / "examples/node/conformance.mjs")],
    }
    command = commands[language]
    if command[0] != "node" and not os.access(command[0], os.X_OK):
        import pytest

        pytest.fail(f"{command[0]} is missing: build the fixtures first (`make conformance`)", pytrace=False)
    return command


def hostile(*args: str, bound: float) -> str:
    """Runs the debug `mcpforge-hostile` with `args` (at most `bound` seconds): its report,
    which must say the scenario passed."""
    program = target_dir() / "debug" / "mcpforge-hostile"
    if not os.access(program, os.X_OK):
        import pytest

        pytest.fail(f"{program} is missing: build it first (`make build`)", pytrace=False)
    done = subprocess.run([str(program), *args], capture_output=True, text=True, timeout=bound, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def child_pids(parent: int | None = None) -> list[int]:
    """Live child processes of `parent` (default: this test process, so the servers it or
    the client spawned)."""
    me = str(os.getpid() if parent is None else parent)
    if shutil.which("pgrep"):
        out = subprocess.run(["pgrep", "-P", me], capture_output=True, text=True, check=False).stdout
        return [int(pid) for pid in out.split()]
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue  # exited while we looked
        if fields.get("PPid", "").strip() == me:
            pids.append(int(status.parent.name))
    return pids


def run(body: Callable[[], Awaitable[None]], deadline: float = TEST_DEADLINE) -> None:
    """Runs one test body on an event loop, under a deadline."""

    async def bounded() -> None:
        with anyio.fail_after(deadline):
            await body()

    anyio.run(bounded, backend="asyncio")


def stop_process(proc: subprocess.Popen[bytes] | None, bound: float) -> None:
    """SIGTERM (graceful), then SIGKILL after `bound` seconds. Safe on a process that
    already exited, and on None."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(bound)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(bound)


# Ports this process has handed out, so two servers of one test never get the same one.
_HANDED_OUT: set[int] = set()


def _ephemeral_floor() -> int:
    """The lowest port the kernel gives to outgoing connections (Linux's default otherwise)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago, chosen below the kernel's ephemeral
    range: a port from that range can be taken, between this call and the server's bind, by any
    outgoing connection of the test (a readiness probe, a proxy's upstream connection), and the
    server then fails to start with "address in use"."""
    floor = _ephemeral_floor()
    low = 20000 if floor > 21000 else 1024
    rng = random.SystemRandom()
    for _ in range(200):
        port = rng.randrange(low, floor)
        if port in _HANDED_OUT:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port
    raise RuntimeError(f"no free port on 127.0.0.1 between {low} and {floor}")


@asynccontextmanager
async def over_stdio(
    command: list[str],
    wire: str,
    errlog: TextIO,
    timeout: float = REQUEST_TIMEOUT,
    env: dict[str, str] | None = None,
    callbacks: dict[str, Any] | None = None,
) -> AsyncIterator[Peer]:
    """Starts `command` (in the repository root) through the client's stdio transport and
    connects on `wire`, each request bounded by `timeout` seconds; `env` is the server's
    whole environment when given, `callbacks` the client's (`logging_callback`,
    `message_handler`, `elicitation_callback`, ...)."""
    params = StdioServerParameters(command=command[0], args=command[1:], cwd=str(REPO_ROOT), env=env)
    extra = callbacks or {}
    if wire == MODERN:
        async with Client(stdio_client(params, errlog=errlog), mode="auto", read_timeout_seconds=timeout, **extra) as client:
            assert client.protocol_version == MODERN
            yield client
    else:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write, read_timeout_seconds=timeout, **extra) as session:
                assert (await session.initialize()).protocol_version == HANDSHAKE
                yield session


@asynccontextmanager
async def over_http(url: str, wire: str, callbacks: dict[str, Any] | None = None) -> AsyncIterator[Peer]:
    """Connects to a Streamable HTTP endpoint on `wire`, with the client's `callbacks` (as
    `over_stdio`'s)."""
    extra = callbacks or {}
    if wire == MODERN:
        async with Client(url, read_timeout_seconds=REQUEST_TIMEOUT, **extra) as client:
            assert client.protocol_version == MODERN
            yield client
    else:
        async with streamable_http_client(url) as (read, write):
            async with ClientSession(read, write, read_timeout_seconds=REQUEST_TIMEOUT, **extra) as session:
                assert (await session.initialize()).protocol_version == HANDSHAKE
                yield session


# ---- Servers and results of the example suites (tests/examples) ----

# How long a server may take to get ready or to stop.
START_BOUND = 20.0


def _http_flag(port: int) -> list[str]:
    return ["--http", f"127.0.0.1:{port}"]


@contextmanager
def http_server(
    command: list[str], errlog: TextIO, listen: Callable[[int], list[str]] = _http_flag, ca: Path | None = None
) -> Iterator[str]:
    """Runs `command --http 127.0.0.1:PORT` (or `command` with the arguments `listen(PORT)`
    gives) until the block ends, waiting (bounded) until it answers /readyz; yields the MCP
    endpoint. With `ca`, the server serves HTTPS with a certificate that CA signed (the
    readiness check trusts it, the endpoint is `https://`). The server must then stop
    cleanly on SIGTERM."""
    port = free_port()
    context = None if ca is None else ssl.create_default_context(cafile=str(ca))
    proc = subprocess.Popen([*command, *listen(port)], stdin=subprocess.DEVNULL, stderr=errlog, cwd=REPO_ROOT)
    try:
        deadline = time.monotonic() + START_BOUND
        while not answers_readyz(port, context):
            assert proc.poll() is None, f"the server exited with {proc.returncode}"
            assert time.monotonic() < deadline, "the server did not get ready in time"
            time.sleep(0.05)
        yield f"{'http' if ca is None else 'https'}://127.0.0.1:{port}/mcp"
        proc.terminate()
        assert proc.wait(START_BOUND) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(START_BOUND)


def answers_readyz(port: int, context: ssl.SSLContext | None = None) -> bool:
    """True when the server on 127.0.0.1:`port` answers GET /readyz with 200 (over TLS with
    `context`)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as raw:
            s = raw if context is None else context.wrap_socket(raw, server_hostname="127.0.0.1")
            s.sendall(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except (OSError, ssl.SSLError):
        return False


def text_of(result: types.CallToolResult) -> str:
    """The text of a successful result that is exactly one text block."""
    assert not result.is_error, result.content
    assert len(result.content) == 1 and isinstance(result.content[0], types.TextContent), result.content
    return result.content[0].text


def structured(result: types.CallToolResult) -> Any:
    """The JSON a tool answered: the text and structuredContent, which must agree."""
    value = json.loads(text_of(result))
    assert result.structured_content == value
    return value


def tool_error(result: types.CallToolResult) -> str:
    """The message of a tool error (isError: true)."""
    assert result.is_error, result.content
    assert len(result.content) == 1 and isinstance(result.content[0], types.TextContent), result.content
    return result.content[0].text


def not_found_code(wire: str) -> int:
    """"Resource not found" is -32602 on 2026-07-28 and -32002 on handshake sessions."""
    return types.INVALID_PARAMS if wire == MODERN else -32002


def resource_json(result: types.ReadResourceResult, uri: str) -> Any:
    assert len(result.contents) == 1
    content = result.contents[0]
    assert isinstance(content, types.TextResourceContents)
    assert str(content.uri) == uri and content.mime_type == "application/json"
    return json.loads(content.text)


@contextmanager
def local_http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[Any]:
    """A ThreadingHTTPServer with `handler` on a free port of 127.0.0.1, serving from a thread
    until the block ends (then shut down and joined, bounded)."""
    httpd: Any = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


def certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA and a certificate for 127.0.0.1 it signed, made by openssl in `folder`: the
    CA's, the certificate's and its key's paths."""

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=REQUEST_TIMEOUT)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    ca, ca_key, key, csr, cert, ext = (folder / n for n in ("ca.pem", "ca.key", "leaf.key", "leaf.csr", "leaf.pem", "leaf.ext"))
    openssl("req", "-x509", *ec, "-keyout", str(ca_key), "-out", str(ca), "-days", "2", "-subj", "/CN=mcpforge test CA")
    openssl("req", *ec, "-keyout", str(key), "-out", str(csr), "-subj", "/CN=127.0.0.1")
    ext.write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    openssl("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial",
            "-out", str(cert), "-days", "2", "-extfile", str(ext))
    return ca, cert, key

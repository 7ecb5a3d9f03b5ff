"""HTTPS served by the engine's own listener, in every language: each language's conformance
fixture started with `MCPFORGE_TLS_CERT`/`MCPFORGE_TLS_KEY` (a certificate for 127.0.0.1
signed by a test CA that openssl makes), its code unchanged, and driven over TLS by the
official Python client on both wires; a client that does not trust the CA, and one speaking
plain HTTP to the port, get no MCP answer, and the server keeps serving."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import httpx2
import pytest
from mcp import Client, ClientSession
from mcp.client.streamable_http import streamable_http_client
from support import (
    HANDSHAKE,
    LANGUAGES,
    MODERN,
    REPO_ROOT,
    REQUEST_TIMEOUT,
    WIRES,
    answers_readyz,
    certificates,
    fixture_command,
    free_port,
    run,
    stop_process,
    text_of,
)

# How long a fixture may take to get ready or to stop.
START_BOUND = 20.0


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The test CA, and the certificate and key the servers present."""
    return certificates(tmp_path_factory.mktemp("pki"))


@pytest.fixture(params=LANGUAGES)
def https_url(request: pytest.FixtureRequest, pki: tuple[Path, Path, Path], errlog: TextIO) -> Iterator[str]:
    """A language's conformance fixture serving HTTPS on a free port; yields its MCP URL."""
    ca, cert, key = pki
    port = free_port()
    env = {**os.environ, "MCPFORGE_TLS_CERT": str(cert), "MCPFORGE_TLS_KEY": str(key)}
    command = [*fixture_command(request.param), "--http", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=errlog, cwd=REPO_ROOT, env=env)
    context = ssl.create_default_context(cafile=str(ca))
    try:
        deadline = time.monotonic() + START_BOUND
        while not answers_readyz(port, context):
            assert proc.poll() is None, f"the {request.param} fixture exited with {proc.returncode}"
            assert time.monotonic() < deadline, f"the {request.param} fixture did not serve HTTPS in time"
            time.sleep(0.05)
        yield f"https://127.0.0.1:{port}/mcp"
    finally:
        stop_process(proc, START_BOUND)


def _trusting(ca: Path) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(verify=ssl.create_default_context(cafile=str(ca)), timeout=REQUEST_TIMEOUT)


@pytest.mark.parametrize("wire", WIRES)
def test_the_official_client_calls_a_tool_over_https(https_url: str, pki: tuple[Path, Path, Path], wire: str) -> None:
    ca = pki[0]

    async def body() -> None:
        async with _trusting(ca) as http:
            if wire == MODERN:
                async with Client(streamable_http_client(https_url, http_client=http), mode="auto", read_timeout_seconds=REQUEST_TIMEOUT) as client:
                    assert client.protocol_version == MODERN
                    result = await client.call_tool("test_simple_text", {})
            else:
                async with streamable_http_client(https_url, http_client=http) as (read, write):
                    async with ClientSession(read, write, read_timeout_seconds=REQUEST_TIMEOUT) as session:
                        assert (await session.initialize()).protocol_version == HANDSHAKE
                        result = await session.call_tool("test_simple_text", {})
            assert "simple text" in text_of(result).lower(), result

    run(body)


def test_untrusting_and_plain_clients_get_nothing_and_the_server_keeps_serving(https_url: str, pki: tuple[Path, Path, Path]) -> None:
    ca = pki[0]
    port = int(https_url.rsplit(":", 1)[1].split("/")[0])
    # A client trusting only the system's roots refuses the certificate.
    with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT) as raw:
        with pytest.raises(ssl.SSLCertVerificationError):
            ssl.create_default_context().wrap_socket(raw, server_hostname="127.0.0.1")
    # Plain HTTP to the TLS port: the connection ends without an HTTP answer.
    with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT) as plain:
        plain.sendall(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        try:
            while chunk := plain.recv(4096):
                answer += chunk
        except OSError:
            pass
        assert not answer.startswith(b"HTTP/1.1"), answer[:80]
    assert answers_readyz(port, ssl.create_default_context(cafile=str(ca))), "still serving over TLS"

"""``mcpforge.client.Client`` over ``https://`` with root certificates of its own: a mcpforge
listener on 127.0.0.1 serves TLS with a certificate of a test CA (made by openssl); the
client trusting only the system's store is refused, one given the CA (a path, or PEM text)
in ``root_certificates`` calls a tool, and roots that are no certificate are refused."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any, Tuple

import pytest

from conftest import run
from mcpforge.client import Client, McpError

sys.path.insert(0, str(Path(__file__).parent / "servers"))
from client_target import make_server  # noqa: E402


def make_ca(folder: Path) -> Tuple[Path, Path, Path]:
    """The CA's certificate, and a certificate for 127.0.0.1 it signed with its key."""
    names = ("ca.pem", "ca.key", "leaf.key", "leaf.csr", "leaf.pem", "leaf.ext")
    ca, ca_key, key, csr, cert, ext = (str(folder / n) for n in names)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    Path(ext).write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    for args in (
        ["req", "-x509", *ec, "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=mcpforge test CA"],
        ["req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"],
        ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert, "-days", "2",
         "-extfile", ext],
    ):
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=30)
    return Path(ca), Path(cert), Path(key)


def test_https_needs_the_root_the_client_is_given(tmp_path: Path) -> None:
    ca, cert, key = make_ca(tmp_path)

    async def body() -> None:
        loop = asyncio.get_running_loop()
        ready: "asyncio.Future[Tuple[str, int]]" = loop.create_future()
        served = asyncio.ensure_future(make_server().run_async(
            "http", host="127.0.0.1", port=0, tls_cert=str(cert), tls_key=str(key),
            on_ready=lambda h, p: ready.set_result((h, p)),
        ))
        try:
            _, port = await asyncio.wait_for(ready, 20)
            url = f"https://127.0.0.1:{port}/mcp"
            with pytest.raises(McpError, match="TLS"):
                async with Client(url):
                    pass
            for roots in (ca, [ca.read_text()]):
                given: Any = roots
                async with Client(url, root_certificates=given) as client:
                    added = await client.call_tool("add", {"a": 4, "b": 5})
                    assert added.structuredContent == {"sum": 9}
            with pytest.raises(ValueError, match="root_certificates"):
                async with Client(url, root_certificates="-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"):
                    pass
        finally:
            served.cancel()
            await asyncio.wait([served], timeout=20)

    run(body)


def test_root_certificates_are_for_http_only() -> None:
    with pytest.raises(TypeError, match="root_certificates"):
        Client(make_server(), root_certificates="ca.pem")

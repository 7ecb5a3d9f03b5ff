"""Client ID Metadata Documents through the OAuth proxy, with the official Python client: its
`OAuthClientProvider(client_metadata_url=...)` sees the proxy's
`client_id_metadata_document_supported`, skips registration and uses the URL as its
`client_id`; the proxy fetches the document, shows its host on the consent page, and the
client gets its token and calls tools. The document is served over TLS on loopback (the
client accepts only an https URL): a test CA and a certificate for 127.0.0.1 made by
openssl, trusted by the server through SSL_CERT_FILE, and the proxy's test-only
`allow_loopback`. Refusals are in tests/oauth/ts_client.test.mjs and the core tests."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

import httpx2
import pytest
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientMetadata
from oauth_support import AuthorizationServer, proxy_auth, quickstart
from support import REQUEST_TIMEOUT, certificates, free_port, run, text_of
from test_python_client import REDIRECT_URI, Browser, Recorder, Storage

# The quickstarts the proxy runs in (one of each kind of embedding).
DOCUMENT_LANGUAGES = ["rust", "python", "node"]


@contextmanager
def documents_server(cert: Path, key: Path) -> Iterator[tuple[str, dict[str, bytes]]]:
    """An https server on 127.0.0.1 answering `GET <path>` with `served[path]`; yields its
    origin and `served`."""
    served: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            body = served.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "max-age=300")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", served
    finally:
        server.shutdown()
        server.server_close()
        thread.join(REQUEST_TIMEOUT)


@contextmanager
def proxy_with_document(
    language: str, errlog: TextIO, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, str]]:
    """`language`'s quickstart as the OAuth proxy in front of the provider, accepting Client
    ID Metadata Documents, and a document served over TLS for a public client whose redirect
    URI is REDIRECT_URI; yields the MCP endpoint and the document's URL."""
    ca, cert, key = certificates(tmp_path)
    # The server's TLS client trusts the system's store, which this replaces (the server only).
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    port = free_port()
    provider = AuthorizationServer("jwt", errlog, proxy_callback=f"http://127.0.0.1:{port}/oauth/callback")

    def auth(resource: str) -> dict[str, Any]:
        options = proxy_auth(provider.issuer, resource)
        options["proxy"]["client_metadata_documents"] = {"allow_loopback": True}
        return options

    try:
        with documents_server(cert, key) as (origin, served), quickstart(language, auth, errlog, port) as url:
            document_url = f"{origin}/clients/app.json"
            served["/clients/app.json"] = json.dumps({
                "client_id": document_url, "client_name": "mcpforge document test", "redirect_uris": [REDIRECT_URI],
                "grant_types": ["authorization_code"], "response_types": ["code"], "token_endpoint_auth_method": "none",
            }).encode()
            yield url, document_url
    finally:
        provider.close()


@pytest.mark.parametrize("language", DOCUMENT_LANGUAGES)
def test_python_client_uses_its_metadata_document_through_the_proxy(
    language: str, errlog: TextIO, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with proxy_with_document(language, errlog, tmp_path, monkeypatch) as (url, document_url):
        browser, storage, recorder = Browser(), Storage(), Recorder()
        metadata = OAuthClientMetadata(redirect_uris=[REDIRECT_URI], token_endpoint_auth_method="none")
        by_url = OAuthClientProvider(url, metadata, storage, redirect_handler=browser.open,
                                     callback_handler=browser.callback, client_metadata_url=document_url)

        async def flow() -> None:
            hooks = {"response": [recorder.response]}
            async with httpx2.AsyncClient(auth=by_url, event_hooks=hooks, timeout=REQUEST_TIMEOUT) as http:
                async with Client(streamable_http_client(url, http_client=http), read_timeout_seconds=REQUEST_TIMEOUT) as client:
                    assert text_of(await client.call_tool("add", {"a": 2, "b": 3})) == "5"

        run(flow)
        paths = [path for _, path, _ in recorder.seen]
        assert "/register" not in paths and "/token" in paths, paths
        assert storage.client_info is not None and storage.client_info.client_id == document_url
        assert browser.visited[:2] == ["/authorize", "/authorize/consent"], browser.visited

"""mcpforge's own Python client (``mcpforge.client.Client`` with ``auth=OAuthClientProvider``)
through the OAuth flow end to end, against the real authorization server (oidc-provider,
tests/oauth/provider.mjs) and the Python quickstart checking its tokens: dynamic
registration, the code grant with PKCE (the provider's ``authorize`` plays the browser,
following the redirects), a refresh token, and eight calls made together over an expired
token causing exactly one refresh (counted at the provider's token endpoint, ``GET
/test/grants``), and so do two client processes sharing one token file; and, through the OAuth proxy, the client identified by its Client ID
Metadata Document (served over TLS on loopback) without registering."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, TextIO
from urllib.parse import urlencode

import pytest
from mcpforge.client import Client, InMemoryTokenStorage, OAuthClientProvider
from oauth_support import AuthorizationServer, first_line, jwt_auth, quickstart
from support import REQUEST_TIMEOUT, START_BOUND, run, stop_process
from test_proxy_documents import proxy_with_document
from test_python_client import REDIRECT_URI, follow_to_client


def grants(issuer: str) -> Dict[str, int]:
    """How many tokens the provider at ``issuer`` issued, by grant type."""
    with urllib.request.urlopen(f"{issuer}/test/grants", timeout=REQUEST_TIMEOUT) as answer:
        return json.loads(answer.read())


class Browser:
    """The user's part: follows the authorization URL's redirects (approving on the proxy's
    consent page) and gives back the URL the provider redirected to."""

    def __init__(self) -> None:
        self.visited: List[str] = []

    async def authorize(self, url: str) -> str:
        query = await follow_to_client(url, self.visited)
        return f"{REDIRECT_URI}?{urlencode(query)}"


def provider(browser: Browser, storage: InMemoryTokenStorage, **extra: Any) -> OAuthClientProvider:
    return OAuthClientProvider(
        authorize=browser.authorize,
        client_name="mcpforge python client test",
        redirect_uri=REDIRECT_URI,
        storage=storage,
        **extra,
    )


async def add(client: Client) -> str:
    result = await client.call_tool("add", {"a": 2, "b": 3})
    return str(getattr(result.content[0], "text", ""))


def test_the_python_client_registers_authorizes_and_refreshes_once_for_eight_calls(
    jwt_provider: AuthorizationServer, errlog: TextIO
) -> None:
    issuer = jwt_provider.issuer
    with quickstart("python", lambda resource: jwt_auth(issuer, resource), errlog) as url:
        browser, storage = Browser(), InMemoryTokenStorage()

        async def flow() -> None:
            async with Client(url, auth=provider(browser, storage), read_timeout_seconds=REQUEST_TIMEOUT) as client:
                assert await add(client) == "5"
                first = storage.tokens[url]
                assert first.get("refreshToken"), first
                assert first["issuer"] == issuer
                assert not first["clientId"].startswith("http"), "a registered client id"
                assert any(p.startswith("/interaction/") for p in browser.visited), browser.visited
                assert grants(issuer) == {"authorization_code": 1}

                # The token expires (as the client sees it); eight calls made together: one refresh.
                storage.tokens[url] = {**first, "expiresAt": int(time.time()) - 1}
                results = await asyncio.gather(*(add(client) for _ in range(8)))
                assert results == ["5"] * 8
                assert grants(issuer) == {"authorization_code": 1, "refresh_token": 1}
                assert storage.tokens[url]["accessToken"] != first["accessToken"]

        run(flow)


SHARED_STORE_PROCESS = Path(__file__).with_name("shared_store_process.py")


def test_two_processes_sharing_a_token_file_refresh_once(
    jwt_provider: AuthorizationServer, errlog: TextIO, tmp_path: Path
) -> None:
    """The engine's file store: one process authorizes and keeps its tokens in the file; the
    token expires; two more processes, each with the file, call at once: one refresh at the
    provider (the other process waits on the file's lock and uses the refreshed token)."""
    issuer = jwt_provider.issuer
    token_file = tmp_path / "tokens.json"
    with quickstart("python", lambda resource: jwt_auth(issuer, resource), errlog) as url:
        browser = Browser()
        by_file = OAuthClientProvider(
            authorize=browser.authorize,
            client_name="mcpforge python client test",
            redirect_uri=REDIRECT_URI,
            token_file=token_file,
        )

        async def authorize() -> None:
            async with Client(url, auth=by_file, read_timeout_seconds=REQUEST_TIMEOUT) as client:
                assert await add(client) == "5"

        run(authorize)
        assert token_file.stat().st_mode & 0o777 == 0o600
        first = json.loads(token_file.read_text())[url]
        assert first.get("refreshToken"), first
        assert grants(issuer) == {"authorization_code": 1}
        token_file.write_text(json.dumps({url: {**first, "expiresAt": int(time.time()) - 1}}))

        argv = [sys.executable, str(SHARED_STORE_PROCESS), url, str(token_file)]
        procs = [
            subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errlog) for _ in range(2)
        ]
        try:
            for proc in procs:
                assert proc.stdout is not None
                assert first_line(proc.stdout, START_BOUND) == "ready"
            for proc in procs:
                assert proc.stdin is not None
                proc.stdin.write(b"go\n")
                proc.stdin.flush()
            said = [proc.communicate(timeout=REQUEST_TIMEOUT * 3)[0].decode().split() for proc in procs]
            assert said == [["5"], ["5"]], said
            assert [proc.returncode for proc in procs] == [0, 0]
        finally:
            for proc in procs:
                stop_process(proc, 5.0)
        assert grants(issuer) == {"authorization_code": 1, "refresh_token": 1}
        assert json.loads(token_file.read_text())[url]["accessToken"] != first["accessToken"]


def test_the_python_client_uses_its_metadata_document_with_the_oauth_proxy(
    errlog: TextIO, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with proxy_with_document("python", errlog, tmp_path, monkeypatch) as (url, document_url):
        browser, storage = Browser(), InMemoryTokenStorage()
        by_document = provider(browser, storage, client_metadata_url=document_url)

        async def flow() -> None:
            async with Client(url, auth=by_document, read_timeout_seconds=REQUEST_TIMEOUT) as client:
                assert await add(client) == "5"

        run(flow)
        # Identified by the document's URL: no registration anywhere.
        assert storage.tokens[url]["clientId"] == document_url


def test_a_provider_needs_exactly_one_way_to_authorize() -> None:
    with pytest.raises(TypeError, match="one of"):
        OAuthClientProvider()
    with pytest.raises(TypeError, match="one of"):
        OAuthClientProvider(follow_redirects=True, authorize=lambda url: url)

"""The OAuth proxy (`auth.proxy`) end to end: oidc-provider configured WITHOUT registration
(one confidential client, the proxy's, whose redirect URI is the server's callback: the
server's port is chosen before either starts) is the upstream; the server, configured only
by options, is the authorization server the official Python client sees. The client
registers with the server, authorizes through it (this test plays the browser through the
server's `/authorize` and its consent page, the provider's sign-in and consent, and the
server's callback), gets the server's own token and calls tools. Then what the proxy must
refuse: a wrong PKCE verifier, a code used twice, a redirect URI not registered, its token
replayed to another resource, a login the user denies on the consent page, and a login the
provider refuses (each error reaches the client's redirect URI)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO
from urllib.parse import urlencode

import httpx2
import pytest
from oauth_support import AuthorizationServer, proxy_auth, quickstart
from support import REQUEST_TIMEOUT, free_port, run
from test_python_client import REDIRECT_URI, authorize_and_call, follow_to_client

# The Rust quickstart and a binding's, configured by options alone.
PROXY_LANGUAGES = ["rust", "c", "python"]


@contextmanager
def proxied(language: str, errlog: TextIO, **upstream: Any) -> Iterator[tuple[str, AuthorizationServer]]:
    """The provider without registration, and `language`'s quickstart as the proxy in front of
    it (with `upstream` options added); yields the MCP endpoint and the provider."""
    port = free_port()
    provider = AuthorizationServer("jwt", errlog, proxy_callback=f"http://127.0.0.1:{port}/oauth/callback")
    try:
        auth = lambda resource: proxy_auth(provider.issuer, resource, **upstream)  # noqa: E731
        with quickstart(language, auth, errlog, port) as url:
            yield url, provider
    finally:
        provider.close()


@pytest.mark.parametrize("language", PROXY_LANGUAGES)
def test_python_client_authorizes_through_the_proxy(language: str, errlog: TextIO) -> None:
    with proxied(language, errlog) as (url, provider):
        origin = url.removesuffix("/mcp")
        visited: list[str] = []

        async def flow() -> None:
            visited.extend(await authorize_and_call(url, origin, registration="/register"))

        run(flow)
    # The browser went through the server, the provider's sign-in, and back through the server.
    assert visited[:2] == ["/authorize", "/authorize/consent"] and "/oauth/callback" in visited, visited
    assert any(p.startswith("/interaction/") for p in visited), visited


def pkce() -> tuple[str, str]:
    """A PKCE verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


async def register(origin: str) -> str:
    """A public client registered at the proxy: its id."""
    async with httpx2.AsyncClient(timeout=REQUEST_TIMEOUT) as http:
        answer = await http.post(
            f"{origin}/register", json={"redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "none"}
        )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["client_id"])


def code_request(client_id: str, challenge: str, resource: str, scope: str, **more: str) -> str:
    """The query of an authorization request for the code of `client_id` (its redirect URI
    REDIRECT_URI, PKCE `challenge`, state `st`) for `resource` and `scope`, with `more`."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "st",
        "resource": resource,
        "scope": scope,
        **more,
    }
    return urlencode(query)


async def login(origin: str, client_id: str, challenge: str, decision: str = "approve") -> dict[str, str]:
    """The browser's way from the proxy's `/authorize` (its consent page answered with
    `decision`) to the client's redirect URI: what reaches the client."""
    query = code_request(client_id, challenge, f"{origin}/mcp", "mcp:tools")
    return await follow_to_client(f"{origin}/authorize?{query}", [], decision)


async def exchange(origin: str, client_id: str, code: str, verifier: str) -> httpx2.Response:
    form = {
        "grant_type": "authorization_code",
        "client_id": client_id,
        "code": code,
        "code_verifier": verifier,
        "redirect_uri": REDIRECT_URI,
    }
    async with httpx2.AsyncClient(timeout=REQUEST_TIMEOUT) as http:
        return await http.post(f"{origin}/token", data=form)


async def initialize(url: str, token: str) -> httpx2.Response:
    """An `initialize` POST carrying `token`."""
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"}
    async with httpx2.AsyncClient(timeout=REQUEST_TIMEOUT) as http:
        return await http.post(url, json=body, headers=headers)


def test_the_proxy_refuses_what_it_must(errlog: TextIO) -> None:
    with proxied("rust", errlog) as (url, _):
        origin = url.removesuffix("/mcp")

        tokens: list[str] = []

        async def check() -> None:
            client = await register(origin)
            verifier, challenge = pkce()
            # A wrong verifier: refused, and the code is used up.
            first = await login(origin, client, challenge)
            assert first["state"] == "st" and first["iss"] == origin, first
            wrong = await exchange(origin, client, first["code"], pkce()[0])
            assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant"), wrong.text
            assert (await exchange(origin, client, first["code"], verifier)).json()["error"] == "invalid_grant"
            # The right verifier works once; a second use is refused.
            second = await login(origin, client, challenge)
            ok = await exchange(origin, client, second["code"], verifier)
            assert ok.status_code == 200, ok.text
            again = await exchange(origin, client, second["code"], verifier)
            assert (again.status_code, again.json()["error"]) == (400, "invalid_grant"), again.text
            token = str(ok.json()["access_token"])
            assert (await initialize(url, token)).status_code == 200
            # A redirect URI the client did not register: a page, not a redirect.
            query = urlencode({"response_type": "code", "client_id": client, "redirect_uri": "http://127.0.0.1:9/elsewhere",
                               "code_challenge": challenge, "code_challenge_method": "S256"})
            async with httpx2.AsyncClient(timeout=REQUEST_TIMEOUT) as http:
                page = await http.get(f"{origin}/authorize?{query}")
            assert page.status_code == 400 and "location" not in page.headers, page.headers
            # Denied on the consent page: the client hears so, and gets no code.
            denied = await login(origin, client, challenge, "deny")
            assert (denied.get("error"), denied.get("state")) == ("access_denied", "st"), denied
            assert "code" not in denied
            tokens.append(token)

        run(check)
    # The token replayed to another resource (a server with the same proxy options and
    # signing secret, at another URL): refused.
    with proxied("rust", errlog) as (other, _):

        async def replay() -> None:
            refused = await initialize(other, tokens[0])
            assert refused.status_code == 401, refused.text
            assert 'error="invalid_token"' in refused.headers["www-authenticate"]

        run(replay)


def test_a_login_the_provider_refuses_reaches_the_client(errlog: TextIO) -> None:
    # `prompt=none` without a session at the provider: it answers `login_required`.
    with proxied("rust", errlog, extra_authorize_params={"prompt": "none"}) as (url, _):
        origin = url.removesuffix("/mcp")

        async def check() -> None:
            client = await register(origin)
            answer = await login(origin, client, pkce()[1])
            assert answer.get("error") == "login_required" and answer.get("state") == "st", answer
            assert "code" not in answer

        run(check)

"""The official Python client's OAuth provider (`mcp.client.auth.OAuthClientProvider`) end to
end against a real authorization server (oidc-provider) and the quickstart server of each
language, configured only by options: the first request is refused 401 with the challenge,
the client reads the RFC 9728 metadata, then the authorization server's, registers itself
(RFC 7591), gets a code with PKCE (this test plays the browser: it follows the redirects
through the provider's sign-in and consent), trades it for a token for the server's resource
(RFC 8707) and calls tools. Then the step-up: a tool that needs a scope the token lacks is
refused 403 `insufficient_scope`, and the client authorizes again for more scopes."""

from __future__ import annotations

from typing import TextIO
from urllib.parse import parse_qs, urljoin, urlparse

import httpx2
import pytest
from oauth_support import (
    LANGUAGES,
    REPO_ROOT,
    AuthorizationServer,
    consent_form,
    introspection_auth,
    jwt_auth,
    quickstart,
    quickstart_command,
    serving,
)
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
from support import REQUEST_TIMEOUT, run, text_of

# Where the provider sends the browser back: never fetched, the code is read from the URL.
REDIRECT_URI = "http://127.0.0.1:9/callback"
# A bound on the pages of one authorization (a real run takes five, six with the proxy's consent).
MAX_REDIRECTS = 10


async def follow_to_client(url: str, visited: list[str], decision: str = "approve") -> dict[str, str]:
    """Follows `url`'s redirects as a browser would, keeping cookies (each path into
    `visited`), answering the OAuth proxy's consent page with `decision`, until one goes to
    REDIRECT_URI: the parameters it carries."""
    async with httpx2.AsyncClient(follow_redirects=False, timeout=REQUEST_TIMEOUT) as agent:
        for _ in range(MAX_REDIRECTS):
            visited.append(urlparse(url).path)
            answer = await agent.get(url)
            form = consent_form(answer.text, decision) if answer.status_code == 200 else None
            if form is not None:
                url = urljoin(url, form[0])
                visited.append(urlparse(url).path)
                answer = await agent.post(url, data=form[1])
            assert answer.status_code in (302, 303), f"{url}: {answer.status_code} {answer.text[:300]}"
            url = urljoin(url, answer.headers["location"])
            if url.startswith(REDIRECT_URI):
                return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    raise AssertionError(f"no redirect to the client after {MAX_REDIRECTS}: {visited}")


class Browser:
    """The user agent: follows the authorization URL's redirects, keeping cookies, until the
    provider redirects to REDIRECT_URI; keeps the parameters it carries."""

    def __init__(self) -> None:
        self.result: AuthorizationCodeResult | None = None
        self.visited: list[str] = []
        self.scopes: list[str] = []

    async def open(self, url: str) -> None:
        self.scopes.append(parse_qs(urlparse(url).query)["scope"][0])
        query = await follow_to_client(url, self.visited)
        assert "error" not in query, query
        self.result = AuthorizationCodeResult(code=query["code"], state=query.get("state"), iss=query.get("iss"))

    async def callback(self) -> AuthorizationCodeResult:
        assert self.result is not None, "the authorization did not complete"
        return self.result


class Storage:
    """The client's tokens and registration, in memory."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


class Recorder:
    """Every request the client sends and the status of its answer (httpx2 event hooks)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, int]] = []
        self.challenges: list[str] = []

    async def response(self, answer: httpx2.Response) -> None:
        self.seen.append((answer.request.method, answer.request.url.path, answer.status_code))
        if "www-authenticate" in answer.headers:
            self.challenges.append(answer.headers["www-authenticate"])


def client_auth(url: str, browser: Browser, storage: Storage) -> OAuthClientProvider:
    """The official client's OAuth provider for `url`, registering as a public client."""
    metadata = OAuthClientMetadata(
        client_name="mcpforge OAuth test",
        redirect_uris=[REDIRECT_URI],
        grant_types=["authorization_code"],
        response_types=["code"],
        token_endpoint_auth_method="none",
    )
    return OAuthClientProvider(url, metadata, storage, redirect_handler=browser.open, callback_handler=browser.callback)


async def authorize_and_call(url: str, issuer: str, registration: str = "/reg") -> list[str]:
    """The whole flow against the server at `url`, then calls of its tools; checks each step
    happened, in order, against the right party (the registration at the path
    `registration`). The paths the browser visited."""
    browser, storage, recorder = Browser(), Storage(), Recorder()
    auth = client_auth(url, browser, storage)
    hooks = {"response": [recorder.response]}
    async with httpx2.AsyncClient(auth=auth, event_hooks=hooks, timeout=REQUEST_TIMEOUT) as http:
        async with Client(streamable_http_client(url, http_client=http), read_timeout_seconds=REQUEST_TIMEOUT) as client:
            tools = await client.list_tools()
            assert {t.name for t in tools.tools} >= {"echo", "add", "current_time"}
            assert text_of(await client.call_tool("add", {"a": 2, "b": 3})) == "5"
            assert text_of(await client.call_tool("echo", {"text": "authorized"})) == "authorized"

    # The steps, in order: 401, the resource's metadata, the issuer's, registration, the
    # browser (sign-in and consent), the token, then the MCP requests that succeed.
    paths = [path for _, path, _ in recorder.seen]
    assert recorder.seen[0][1:] == ("/mcp", 401), recorder.seen
    assert paths.index("/.well-known/oauth-protected-resource/mcp") < paths.index(registration) < paths.index("/token"), paths
    assert any(p.endswith("/.well-known/openid-configuration") or "oauth-authorization-server" in p for p in paths), paths
    assert any(p.startswith("/interaction/") for p in browser.visited), browser.visited
    after_token = recorder.seen[paths.index("/token") + 1 :]
    assert after_token and all(status == 200 or (status == 202) for _, _, status in after_token), after_token
    assert storage.tokens is not None and storage.tokens.access_token
    assert storage.client_info is not None and storage.client_info.client_id
    assert browser.result is not None and browser.result.iss == issuer
    return browser.visited


@pytest.mark.parametrize("language", LANGUAGES)
def test_python_client_authorizes_and_calls_with_jwt(language: str, jwt_provider: AuthorizationServer, errlog: TextIO) -> None:
    with quickstart(language, lambda resource: jwt_auth(jwt_provider.issuer, resource), errlog) as url:
        run(lambda: authorize_and_call(url, jwt_provider.issuer))


@pytest.mark.parametrize("language", LANGUAGES)
def test_python_client_authorizes_and_calls_with_introspection(
    language: str, opaque_provider: AuthorizationServer, errlog: TextIO
) -> None:
    with quickstart(language, lambda resource: introspection_auth(opaque_provider.issuer, resource), errlog) as url:
        run(lambda: authorize_and_call(url, opaque_provider.issuer))


async def step_up(url: str) -> None:
    """Authorizes for the server's scope, then calls the tool that needs one more: refused 403,
    the client authorizes again for both scopes and its retry succeeds."""
    browser, storage, recorder = Browser(), Storage(), Recorder()
    auth = client_auth(url, browser, storage)
    hooks = {"response": [recorder.response]}
    async with httpx2.AsyncClient(auth=auth, event_hooks=hooks, timeout=REQUEST_TIMEOUT) as http:
        async with Client(streamable_http_client(url, http_client=http), read_timeout_seconds=REQUEST_TIMEOUT) as client:
            assert {t.name for t in (await client.list_tools()).tools} == {"echo"}
            assert browser.scopes == ["mcp:tools"]
            assert text_of(await client.call_tool("reset", {})) == "reset done"
            assert {t.name for t in (await client.list_tools()).tools} == {"echo", "reset"}
    assert ("POST", "/mcp", 403) in recorder.seen, recorder.seen
    refusal = next(c for c in recorder.challenges if "insufficient_scope" in c)
    assert 'scope="mcp:tools mcp:admin"' in refusal, refusal
    assert [set(s.split()) for s in browser.scopes] == [{"mcp:tools"}, {"mcp:tools", "mcp:admin"}], browser.scopes
    assert storage.tokens is not None and set((storage.tokens.scope or "").split()) == {"mcp:tools", "mcp:admin"}


def test_python_client_steps_up_for_a_tools_scope(jwt_provider: AuthorizationServer, errlog: TextIO) -> None:
    python = quickstart_command("python")[0]
    command = [python, str(REPO_ROOT / "tests/oauth/scoped_server.py")]
    with serving(command, lambda resource: jwt_auth(jwt_provider.issuer, resource), errlog) as url:
        run(lambda: step_up(url))

"""Tokens a real authorization server (oidc-provider) issues that the quickstart server of each
language, configured only by options, must refuse, with the status, `error` and challenge
docs/auth.md names: a token for another resource, one issued by an issuer the server does not
trust, one without the required scope, an opaque token revoked after it worked, and a refresh
token presented as a bearer token (introspected active, without `aud`). Each starts from a
token that is accepted, so a refusal is the token's fault, not the setup's.
Refusals that need forged tokens (expired, not yet valid, tampered, `alg: none`, unknown key)
are core/tests/test_http_oauth.rs's."""

from __future__ import annotations

from typing import Any, TextIO

import httpx2
import pytest
from oauth_support import LANGUAGES, AuthorizationServer, introspection_auth, jwt_auth, quickstart
from support import REQUEST_TIMEOUT, run
from test_proxy import code_request, pkce
from test_python_client import REDIRECT_URI, follow_to_client

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "oauth-test", "version": "1"}},
}


def initialize(url: str, token: str) -> httpx2.Response:
    """An `initialize` over Streamable HTTP with `token`: the first request of a session."""
    headers = {"authorization": f"Bearer {token}", "accept": "application/json, text/event-stream"}
    return httpx2.post(url, json=INITIALIZE, headers=headers, timeout=REQUEST_TIMEOUT)


def assert_accepted(answer: httpx2.Response) -> None:
    assert answer.status_code == 200, (answer.status_code, answer.text)


def assert_refused(answer: httpx2.Response, status: int, error: str, description: str) -> None:
    """`answer` is a refusal: `status`, the body's `error` and `error_description`, and a
    Bearer challenge naming the same error, the required scope and the metadata's URL."""
    assert answer.status_code == status, (answer.status_code, answer.text)
    body: dict[str, Any] = answer.json()
    assert (body["error"], body["error_description"]) == (error, description), body
    challenge = answer.headers["www-authenticate"]
    assert challenge.startswith("Bearer "), challenge
    assert f'error="{error}"' in challenge and 'scope="mcp:tools"' in challenge, challenge
    assert "resource_metadata=" in challenge and "/.well-known/oauth-protected-resource" in challenge, challenge


@pytest.mark.parametrize("language", LANGUAGES)
def test_token_for_another_resource_is_refused(language: str, jwt_provider: AuthorizationServer, errlog: TextIO) -> None:
    with quickstart(language, lambda resource: jwt_auth(jwt_provider.issuer, resource), errlog) as url:
        assert_accepted(initialize(url, jwt_provider.client_credentials(url, "mcp:tools")))
        other = url.replace("/mcp", "/other")
        answer = initialize(url, jwt_provider.client_credentials(other, "mcp:tools"))
        assert_refused(answer, 401, "invalid_token", "token issued for another audience")


@pytest.mark.parametrize("language", LANGUAGES)
def test_token_without_the_required_scope_is_refused(
    language: str, jwt_provider: AuthorizationServer, errlog: TextIO
) -> None:
    with quickstart(language, lambda resource: jwt_auth(jwt_provider.issuer, resource), errlog) as url:
        answer = initialize(url, jwt_provider.client_credentials(url, "mcp:other"))
        assert_refused(answer, 403, "insufficient_scope", "Requires scopes: mcp:tools")


@pytest.mark.parametrize("language", LANGUAGES)
def test_token_of_an_untrusted_issuer_is_refused(language: str, errlog: TextIO) -> None:
    # Two providers: the server trusts `trusted` as the issuer but reads `other`'s keys, so
    # `other`'s tokens verify and only their `iss` is wrong.
    trusted, other = AuthorizationServer("jwt", errlog), AuthorizationServer("jwt", errlog)
    try:

        def auth(resource: str) -> dict[str, Any]:
            options = jwt_auth(trusted.issuer, resource)
            options["jwt"]["jwks_uri"] = f"{other.issuer}/jwks"
            return options

        with quickstart(language, auth, errlog) as url:
            answer = initialize(url, other.client_credentials(url, "mcp:tools"))
            assert_refused(answer, 401, "invalid_token", "token issued by another issuer")
    finally:
        trusted.close()
        other.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_revoked_opaque_token_is_refused(language: str, opaque_provider: AuthorizationServer, errlog: TextIO) -> None:
    with quickstart(language, lambda resource: introspection_auth(opaque_provider.issuer, resource), errlog) as url:
        token = opaque_provider.client_credentials(url, "mcp:tools")
        assert token.count(".") != 2, "the provider issued a JWT, not an opaque token"
        assert_accepted(initialize(url, token))
        opaque_provider.revoke(token)
        assert_refused(initialize(url, token), 401, "invalid_token", "token is not active")


async def offline_tokens(issuer: str, resource: str) -> dict[str, Any]:
    """The provider's answer to a code flow for `resource` with `offline_access` (a public
    client registered for refresh tokens, the user asked to consent, as OpenID Connect
    requires for it): an access token and a refresh token."""
    async with httpx2.AsyncClient(timeout=REQUEST_TIMEOUT) as http:
        registration = {
            "redirect_uris": [REDIRECT_URI],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
        }
        answer = await http.post(f"{issuer}/reg", json=registration)
        assert answer.status_code == 201, answer.text
        client_id = answer.json()["client_id"]
        verifier, challenge = pkce()
        query = code_request(client_id, challenge, resource, "openid offline_access mcp:tools", prompt="consent")
        back = await follow_to_client(f"{issuer}/auth?{query}", [])
        form = {
            "grant_type": "authorization_code",
            "client_id": client_id,
            "code": back["code"],
            "code_verifier": verifier,
            "redirect_uri": REDIRECT_URI,
            "resource": resource,
        }
        answer = await http.post(f"{issuer}/token", data=form)
    assert answer.status_code == 200, answer.text
    tokens: dict[str, Any] = answer.json()
    assert "refresh_token" in tokens, tokens
    return tokens


@pytest.mark.parametrize("language", LANGUAGES)
def test_refresh_token_as_a_bearer_token_is_refused(
    language: str, opaque_provider: AuthorizationServer, errlog: TextIO
) -> None:
    with quickstart(language, lambda resource: introspection_auth(opaque_provider.issuer, resource), errlog) as url:
        tokens: dict[str, Any] = {}

        async def flow() -> None:
            tokens.update(await offline_tokens(opaque_provider.issuer, url))

        run(flow)
        assert_accepted(initialize(url, tokens["access_token"]))
        # The provider says the refresh token is active, with no `aud` and no `token_type`.
        refresh = tokens["refresh_token"]
        said = opaque_provider.post("/token/introspection", {"token": refresh})
        assert said["active"] is True and "aud" not in said and "token_type" not in said, said
        assert_refused(initialize(url, refresh), 401, "invalid_token", "token names no audience (aud)")

"""OAuth for ``mcpforge.client.Client`` over HTTP: an ``OAuthClientProvider`` passed as
``Client(url, auth=provider)``, like the official ``mcp.client.auth.OAuthClientProvider``
passed to the HTTP transport. The engine runs the whole flow (the 401 challenge, the
protected-resource and authorization-server metadata, the client's identity, the code grant
with PKCE and ``resource``, refresh once per expiry however many calls wait); this module only
gives it the application's settings and answers its two questions: the user's part of the
authorization (``authorize``, the official ``redirect_handler``/``callback_handler`` pair, or
``follow_redirects`` for a server that grants without a user) and, unless ``token_file`` names
the engine's own file store, where the tokens are kept. See docs/python.md, "OAuth"."""

from __future__ import annotations

import inspect
import os
from typing import Any, Callable, Dict, List, Optional, Sequence, Union
from urllib.parse import urlencode

__all__ = ["InMemoryTokenStorage", "OAuthClientProvider", "TokenStorage"]

# The engine's questions (mcpforge::client::auth::{AUTHORIZE, TOKENS, SAVE_TOKENS}).
AUTHORIZE = "oauth/authorize"
TOKENS = "oauth/tokens"
SAVE_TOKENS = "oauth/saveTokens"


async def _settle(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _field(source: Any, name: str) -> Any:
    """``name`` of a dict or an object (an official ``OAuthClientMetadata``), or None."""
    if source is None:
        return None
    return source.get(name) if isinstance(source, dict) else getattr(source, name, None)


class TokenStorage:
    """Where an ``OAuthClientProvider`` keeps tokens, by resource (the MCP endpoint's URL):
    implement ``load`` and ``save`` (sync or async) to keep them across runs or share them
    between processes. A token record is a dict: ``accessToken``, ``refreshToken``,
    ``expiresAt`` (seconds since the epoch), ``scope``, and what a refresh needs
    (``issuer``, ``tokenEndpoint``, ``clientId``, ``clientSecret``, ``authMethod``,
    ``resource``); keep it whole."""

    async def load(self, resource: str) -> Optional[Dict[str, Any]]:
        """The tokens kept for ``resource``, or None."""
        raise NotImplementedError

    async def save(self, resource: str, tokens: Optional[Dict[str, Any]]) -> None:
        """Keeps ``tokens`` for ``resource`` (None: forgets them)."""
        raise NotImplementedError


class InMemoryTokenStorage(TokenStorage):
    """Tokens in a dict, ``tokens``, by resource, for the life of the process."""

    def __init__(self) -> None:
        self.tokens: Dict[str, Dict[str, Any]] = {}

    async def load(self, resource: str) -> Optional[Dict[str, Any]]:
        return self.tokens.get(resource)

    async def save(self, resource: str, tokens: Optional[Dict[str, Any]]) -> None:
        if tokens is None:
            self.tokens.pop(resource, None)
        else:
            self.tokens[resource] = tokens


class OAuthClientProvider:
    """How a ``Client`` obtains OAuth tokens (keywords):

    - the user's part, one of: ``authorize`` (``async (url) -> str``: send the user to the
      authorization URL, return the full URL the authorization server redirected to);
      ``redirect_handler`` (``async (url) -> None``) with ``callback_handler`` (``async () ->
      (code, state)`` or an object with ``code``, ``state``, ``iss``), as the official
      provider takes them; or ``follow_redirects=True`` (the engine follows the
      authorization server's redirects itself, for servers that grant without a user, and
      tests);
    - who the client is: ``client_id`` (and ``client_secret``) registered beforehand; else
      ``client_metadata_url``, its Client ID Metadata Document, where the server accepts
      one; else dynamic registration as ``client_name``;
    - ``redirect_uri`` (default ``http://127.0.0.1/callback``), ``scopes`` (a list or a
      space-separated str: asked for when the server's challenge names none; by default the
      resource's ``scopes_supported``), ``offline_access`` (ask for a refresh token, default
      True), ``timeout`` (seconds the user's part may take, default 300);
    - ``client_metadata``: an official ``OAuthClientMetadata`` (or a dict) whose
      ``client_name``, first of ``redirect_uris`` and ``scope`` stand for the keywords above;
    - ``storage``: a ``TokenStorage`` (default: an ``InMemoryTokenStorage``, so the
      provider's clients share their tokens for the life of the provider); or
      ``token_file``, the path of a JSON file the engine keeps the tokens in (mode 0600):
      every process naming the same file shares them, and one refresh runs per expiry
      among them (the engine locks ``<token_file>.lock`` while it refreshes).
    """

    def __init__(
        self,
        *,
        authorize: Optional[Callable[[str], Any]] = None,
        redirect_handler: Optional[Callable[[str], Any]] = None,
        callback_handler: Optional[Callable[[], Any]] = None,
        follow_redirects: bool = False,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        client_metadata_url: Optional[str] = None,
        client_name: Optional[str] = None,
        client_metadata: Any = None,
        redirect_uri: Optional[str] = None,
        scopes: Union[str, Sequence[str], None] = None,
        offline_access: bool = True,
        timeout: float = 300.0,
        storage: Optional[TokenStorage] = None,
        token_file: Union[str, os.PathLike[str], None] = None,
    ) -> None:
        ways = [authorize is not None, redirect_handler is not None or callback_handler is not None, follow_redirects]
        if sum(ways) != 1 or (redirect_handler is None) != (callback_handler is None):
            raise TypeError(
                "OAuthClientProvider takes one of: authorize=, redirect_handler= with callback_handler=, "
                "or follow_redirects=True"
            )
        if storage is not None and token_file is not None:
            raise TypeError("OAuthClientProvider keeps tokens in storage= or token_file=, not both")
        uris = _field(client_metadata, "redirect_uris")
        redirect_uri = redirect_uri or (str(uris[0]) if uris else None)
        if scopes is None:
            scopes = _field(client_metadata, "scope")
        scope_list: List[str] = scopes.split() if isinstance(scopes, str) else list(scopes or [])
        self._authorize = authorize
        self._redirect_handler = redirect_handler
        self._callback_handler = callback_handler
        self.storage: TokenStorage = storage if storage is not None else InMemoryTokenStorage()
        settings: Dict[str, Any] = {
            "clientName": client_name or _field(client_metadata, "client_name"),
            "redirectUri": redirect_uri,
            "scopes": scope_list,
            "clientId": client_id,
            "clientSecret": client_secret,
            "clientMetadataUrl": None if client_metadata_url is None else str(client_metadata_url),
            "followRedirects": follow_redirects,
            "store": token_file is None,
            "tokenFile": None if token_file is None else os.fspath(token_file),
            "offlineAccess": offline_access,
            "authorizeTimeout": float(timeout),
        }
        self._settings = {k: v for k, v in settings.items() if v is not None}

    def settings(self) -> Dict[str, Any]:
        """What the engine's OAuth client is built from (its ``OAuthSettings``)."""
        return dict(self._settings)

    async def answer(self, method: str, params: Dict[str, Any]) -> Any:
        """The answer to the engine's question ``method`` (see the module docs)."""
        if method == AUTHORIZE:
            return await self._user(str(params.get("url")), str(params.get("redirectUri")))
        if method == TOKENS:
            return await _settle(self.storage.load(str(params.get("resource"))))
        if method == SAVE_TOKENS:
            await _settle(self.storage.save(str(params.get("resource")), params.get("tokens")))
            return None
        raise RuntimeError(f"no OAuth question {method!r}")

    async def _user(self, url: str, redirect_uri: str) -> str:
        """The user's part: the URL the authorization server redirected to."""
        if self._authorize is not None:
            return str(await _settle(self._authorize(url)))
        assert self._redirect_handler is not None and self._callback_handler is not None
        await _settle(self._redirect_handler(url))
        got = await _settle(self._callback_handler())
        if isinstance(got, tuple):
            code, state, iss = (tuple(got) + (None, None))[:3]
        else:
            code, state, iss = _field(got, "code"), _field(got, "state"), _field(got, "iss")
        query = {"code": code, "state": state, "iss": iss}
        joiner = "&" if "?" in redirect_uri else "?"
        return redirect_uri + joiner + urlencode({k: v for k, v in query.items() if v is not None})

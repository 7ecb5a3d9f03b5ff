"""mcpforge's C client (``mcpf_client_connect_http`` with its ``"oauth"`` option) through the
OAuth flow end to end, against the real authorization server (oidc-provider,
tests/oauth/provider.mjs) and the C quickstart checking its tokens. The C side is
tests/c/test_client_oauth.c (built by ``make test-oauth``): its OAuth callback hands every
question to this driver and returns at once, and the driver answers later through the
program's stdin (the answer handle used from another thread), playing the user (following
the provider's redirects) and the token store. With dynamic registration: a refresh token,
and eight calls made together from eight threads over an expired token causing one refresh
(counted at the provider's token endpoint); again under valgrind. With a client registered
beforehand: the engine follows the redirects itself (``followRedirects``). Through the OAuth
proxy: the client identified by its Client ID Metadata Document, without registering."""

from __future__ import annotations

import asyncio
import json
import os
import select
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, TextIO, Tuple
from urllib.parse import urlencode

import pytest
from oauth_support import AuthorizationServer, jwt_auth, quickstart
from support import REQUEST_TIMEOUT, stop_process, target_dir
from test_mcpforge_client import grants
from test_proxy_documents import proxy_with_document
from test_python_client import REDIRECT_URI, follow_to_client

# How long the program may stay silent before the test gives up on it (valgrind is slow).
LINE_BOUND = 60.0
VALGRIND = ["valgrind", "-q", "--error-exitcode=1", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect",
            "--show-possibly-lost=no"]


class Program:
    """tests/c/test_client_oauth run on `url` with the OAuth settings `settings`."""

    def __init__(self, url: str, settings: Dict[str, Any], errlog: TextIO, valgrind: bool) -> None:
        binary = target_dir() / "c" / "test_client_oauth"
        if not binary.exists():
            pytest.fail(f"{binary} is missing: build it first (`make test-oauth` does)", pytrace=False)
        argv = [*(VALGRIND if valgrind else []), str(binary), url, json.dumps(settings)]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errlog)
        self.pending = b""

    def line(self) -> str:
        """The program's next line (fails when none comes within LINE_BOUND)."""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + LINE_BOUND
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            assert left > 0 and select.select([self.proc.stdout], [], [], left)[0], "the C client went silent"
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            assert chunk, f"the C client ended early (exit {self.proc.wait(5)})"
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line.decode()

    def say(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def finish(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            return self.proc.wait(LINE_BOUND)
        finally:
            stop_process(self.proc, 5)


class Application:
    """The C application's part, played here: the user (following the authorization URL's
    redirects) and the token store (a dict by resource)."""

    def __init__(self) -> None:
        self.tokens: Dict[str, Any] = {}
        self.asked: List[str] = []
        self.visited: List[str] = []

    def answer(self, question: str, params: Dict[str, Any]) -> Tuple[str, str]:
        """How the driver answers `question` (`json` or `string`) and with what."""
        self.asked.append(question)
        if question == "oauth/authorize":
            assert params["redirectUri"] == REDIRECT_URI, params
            query = asyncio.run(follow_to_client(params["url"], self.visited))
            return "string", f"{REDIRECT_URI}?{urlencode(query)}"
        if question == "oauth/tokens":
            return "json", json.dumps(self.tokens.get(params["resource"]))
        assert question == "oauth/saveTokens", question
        if params["tokens"] is None:
            self.tokens.pop(params["resource"], None)
        else:
            self.tokens[params["resource"]] = params["tokens"]
        return "json", "null"


def drive(
    url: str,
    settings: Dict[str, Any],
    app: Application,
    errlog: TextIO,
    between: Optional[Callable[[], None]] = None,
    valgrind: bool = False,
) -> List[str]:
    """Runs the program through its calls, answering its questions; `between` runs after its
    first call and before its eight. The results it wrote."""
    program = Program(url, {"redirectUri": REDIRECT_URI, "clientName": "mcpforge c client test", **settings},
                      errlog, valgrind)
    results: List[str] = []
    try:
        while (line := program.line()) != "done":
            kind, _, rest = line.partition(" ")
            if kind == "ask":
                n, question, params = rest.split(" ", 2)
                verb, answer = app.answer(question, json.loads(params))
                program.say(f"{verb} {n} {answer}")
            elif kind == "result":
                results.append(json.loads(rest)["content"][0]["text"])
                if len(results) == 1:
                    if between is not None:
                        between()
                    program.say("again")
            else:
                pytest.fail(f"the C client said {line!r}")
        assert program.finish() == 0, "the C client's checks failed (its stderr is in the log)"
    finally:
        stop_process(program.proc, 5)
    return results


@pytest.mark.parametrize("valgrind", [False, True], ids=["plain", "valgrind"])
def test_the_c_client_registers_authorizes_and_refreshes_once_for_eight_calls(
    jwt_provider: AuthorizationServer, errlog: TextIO, valgrind: bool
) -> None:
    if valgrind and shutil.which("valgrind") is None:
        pytest.skip("valgrind is not installed")
    issuer = jwt_provider.issuer
    with quickstart("c", lambda resource: jwt_auth(issuer, resource), errlog) as url:
        app = Application()
        first: Dict[str, Any] = {}

        def expire() -> None:
            first.update(app.tokens[url])
            assert first.get("refreshToken") and first["issuer"] == issuer, first
            assert not first["clientId"].startswith("http"), "a registered client id"
            assert grants(issuer) == {"authorization_code": 1}
            # The token expires (as the client sees it): the eight calls cause one refresh.
            app.tokens[url] = {**first, "expiresAt": int(time.time()) - 1}

        results = drive(url, {"store": True}, app, errlog, between=expire, valgrind=valgrind)
        assert results == ["5"] * 9
        assert grants(issuer) == {"authorization_code": 1, "refresh_token": 1}
        assert app.tokens[url]["accessToken"] != first["accessToken"]
        assert app.asked.count("oauth/authorize") == 1, app.asked
        assert any(p.startswith("/interaction/") for p in app.visited), app.visited


def register(issuer: str) -> Dict[str, Any]:
    """A confidential client registered at `issuer` beforehand, as an operator would."""
    with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=REQUEST_TIMEOUT) as answer:
        endpoint = json.loads(answer.read())["registration_endpoint"]
    body = json.dumps({
        "client_name": "pre-registered c client", "redirect_uris": [REDIRECT_URI],
        "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
    }).encode()
    request = urllib.request.Request(endpoint, body, {"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as answer:
        return json.loads(answer.read())


def test_the_c_client_uses_a_pre_registered_client_and_follows_the_redirects(
    jwt_provider: AuthorizationServer, errlog: TextIO
) -> None:
    issuer = jwt_provider.issuer
    client = register(issuer)
    with quickstart("c", lambda resource: jwt_auth(issuer, resource), errlog) as url:
        app = Application()
        settings = {"clientId": client["client_id"], "clientSecret": client["client_secret"], "issuer": issuer,
                    "followRedirects": True, "store": True}
        assert drive(url, settings, app, errlog) == ["5"] * 9
        # The engine played the user: the application was asked only for its store.
        assert "oauth/authorize" not in app.asked and "oauth/saveTokens" in app.asked, app.asked
        kept = app.tokens[url]
        assert kept["clientId"] == client["client_id"] and kept["authMethod"] == "client_secret_basic", kept
        assert grants(issuer) == {"authorization_code": 1}


def test_the_c_client_uses_its_metadata_document_with_the_oauth_proxy(
    errlog: TextIO, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with proxy_with_document("c", errlog, tmp_path, monkeypatch) as (url, document_url):
        app = Application()
        assert drive(url, {"clientMetadataUrl": document_url, "store": True}, app, errlog) == ["5"] * 9
        # Identified by the document's URL: no registration anywhere.
        assert app.tokens[url]["clientId"] == document_url
        assert app.asked.count("oauth/authorize") == 1, app.asked

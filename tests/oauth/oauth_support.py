"""Helpers of the OAuth end-to-end tests: a real authorization server (oidc-provider, started
by tests/oauth/provider.mjs, copied next to its install in target/node/oauth) and the quickstart server
of each language, configured only by options (`--auth JSON`) to check the provider's tokens
with the engine's built-in verifiers. The stderr file and the check that no process outlives
its test are tests/conftest.py's."""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any, TextIO

import pytest
from support import REPO_ROOT, START_BOUND, answers_readyz, free_port, stop_process, target_dir

LANGUAGES = ["rust", "c", "python", "node"]

# The scopes every request needs, and the only ones the servers advertise.
REQUIRED_SCOPES = ["mcp:tools"]


def quickstart_command(language: str) -> list[str]:
    """The quickstart server of `language` (the same tools in every language), built."""
    target = target_dir()
    commands = {
        "rust": [str(target / "debug" / "quickstart")],
        "c": [str(target / "c" / "quickstart")],
        "python": [str(target / "python" / "venv" / "bin" / "python"), str(REPO_ROOT / "examples/python/quickstart.py")],
        "node": ["node", str(REPO_ROOT / "examples/node/quickstart.mjs")],
    }
    command = commands[language]
    if command[0] != "node" and not Path(command[0]).exists():
        pytest.fail(f"{command[0]} is missing: build it first (`make test-oauth` does)", pytrace=False)
    return command


class _Form(HTMLParser):
    """The action and hidden fields of a page's first form."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None:
            self.action = a.get("action", "")
        elif tag == "input" and self.action is not None and not self.done and a.get("type") == "hidden":
            self.fields[a.get("name", "")] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        self.done = self.done or tag == "form"


def consent_form(page: str, decision: str) -> tuple[str, dict[str, str]] | None:
    """The OAuth proxy's consent page answered as a user would: the form's action and the
    fields to POST there (its hidden fields, and `decision`, approve or deny); None if the
    page has no form."""
    form = _Form()
    form.feed(page)
    if form.action is None:
        return None
    return form.action, {**form.fields, "decision": decision}


def first_line(stream: IO[bytes], bound: float) -> str:
    """The first line `stream` gives within `bound` seconds ("" if none: a process that
    neither says it is ready nor exits must not hold the test forever)."""
    deadline = time.monotonic() + bound
    line = b""
    while not line.endswith(b"\n") and (left := deadline - time.monotonic()) > 0:
        if not select.select([stream], [], [], left)[0]:
            break
        chunk = os.read(stream.fileno(), 4096)
        if not chunk:
            break
        line += chunk
    return line.split(b"\n", 1)[0].decode(errors="replace").strip()


# oidc-provider loads a few hundred modules and makes an RSA key before it says where it
# listens: on a machine busy writing a build to disk that took over START_BOUND once.
PROVIDER_START_BOUND = 3 * START_BOUND


class AuthorizationServer:
    """oidc-provider on 127.0.0.1, issuing `tokens` (`jwt` or `opaque`) until closed."""

    def __init__(self, tokens: str, errlog: TextIO, proxy_callback: str | None = None) -> None:
        """`proxy_callback`: the provider has no registration, only the OAuth proxy's client,
        whose redirect URI is this."""
        install = target_dir() / "node" / "oauth"
        if not (install / "node_modules" / "oidc-provider").is_dir() or not (install / "provider.mjs").exists():
            pytest.fail(f"oidc-provider is not installed in {install}: run `make test-oauth`", pytrace=False)
        argv = ["node", str(install / "provider.mjs"), "--tokens", tokens]
        argv += ["--no-registration", proxy_callback] if proxy_callback else []
        # A provider still silent at the bound is stuck, not slow (its start takes about a
        # second): its stderr says at which step (`provider: ...` lines). It is stopped and
        # started once more, which is what a person would do; a second silence fails.
        for attempt in (1, 2):
            self._start(argv, install, errlog)
            if self.issuer.startswith("http://127.0.0.1:"):
                return
            exited = self.proc.poll()
            self.close()
            if exited is None and attempt == 1:
                errlog.seek(0, os.SEEK_END)
                errlog.write(f"oauth test: the provider said nothing in {PROVIDER_START_BOUND} s; started again\n")
                errlog.flush()
                continue
            errlog.flush()
            errlog.seek(0)
            said = errlog.read()[-2000:]
            pytest.fail(
                f"the authorization server did not start (said {self.issuer!r}, "
                f"{'exited ' + str(exited) if exited is not None else 'still running'}; its stderr: {said!r})",
                pytrace=False,
            )

    def _start(self, argv: list[str], install: Path, errlog: TextIO) -> None:
        """Starts the provider and reads the issuer it prints ("" if none within the bound)."""
        # stdin stays open while the test runs: the provider stops when it closes.
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errlog, cwd=install)
        assert self.proc.stdout is not None
        self.issuer = first_line(self.proc.stdout, PROVIDER_START_BOUND)

    def client_credentials(self, resource: str, scope: str) -> str:
        """An access token for `resource` with `scope`, from the client credentials grant of
        the provider's confidential client: what the negative tests present."""
        return self.post("/token", {"grant_type": "client_credentials", "resource": resource, "scope": scope})["access_token"]

    def revoke(self, token: str) -> None:
        """Revokes `token` (RFC 7009)."""
        self.post("/token/revocation", {"token": token, "token_type_hint": "access_token"})

    def post(self, path: str, form: dict[str, str]) -> Any:
        """POSTs `form` to the provider as its confidential client; the JSON answer (or None)."""
        import httpx2

        answer = httpx2.post(f"{self.issuer}{path}", data=form, auth=("mcp-test", "mcp-test-secret"), timeout=10)
        assert answer.status_code < 300, answer.text
        return answer.json() if answer.content else None

    def close(self) -> None:
        """Stops the provider: stdin closed, then SIGTERM, then SIGKILL, each bounded."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            stop_process(self.proc, 5)
        self.proc.stdout.close()


def jwt_auth(issuer: str, resource: str) -> dict[str, Any]:
    """The `auth` options of a server checking the provider's JWTs (keys found by discovery)."""
    return {
        "resource": resource,
        "authorization_servers": [issuer],
        "scopes_supported": REQUIRED_SCOPES,
        "required_scopes": REQUIRED_SCOPES,
        "jwt": {"issuer": issuer},
    }


def introspection_auth(issuer: str, resource: str) -> dict[str, Any]:
    """The `auth` options of a server introspecting the provider's opaque tokens, asking on
    every request (no cache), so a revocation shows at once."""
    return {
        "resource": resource,
        "authorization_servers": [issuer],
        "scopes_supported": REQUIRED_SCOPES,
        "required_scopes": REQUIRED_SCOPES,
        "introspection": {
            "endpoint": f"{issuer}/token/introspection",
            "client_id": "mcp-test",
            "client_secret": "mcp-test-secret",
            "issuer": issuer,
            "cache_ttl": 0,
        },
    }


# The OAuth proxy's client at the provider, and the key of the tokens the proxy issues.
PROXY_CLIENT = ("mcp-proxy", "mcp-proxy-secret")
PROXY_SECRET = "the-proxy-signing-secret-of-32-bytes-or-more"


def proxy_auth(issuer: str, resource: str, **upstream: Any) -> dict[str, Any]:
    """The `auth` options of a server that is the OAuth proxy in front of the provider at
    `issuer` (its client `PROXY_CLIENT`), issuing its own tokens; `upstream` adds options of
    `proxy.upstream`."""
    return {
        "resource": resource,
        "scopes_supported": REQUIRED_SCOPES,
        "required_scopes": REQUIRED_SCOPES,
        "proxy": {
            "signing_secret": PROXY_SECRET,
            "upstream": {"issuer": issuer, "client_id": PROXY_CLIENT[0], "client_secret": PROXY_CLIENT[1], **upstream},
        },
    }


@contextmanager
def quickstart(
    language: str, auth: Callable[[str], dict[str, Any]], errlog: TextIO, port: int | None = None
) -> Iterator[str]:
    """Runs `language`'s quickstart with `--http 127.0.0.1:PORT --auth JSON`, the options
    `auth(resource)` gives for its URL, until the block ends; yields the MCP endpoint."""
    with serving(quickstart_command(language), auth, errlog, port) as url:
        yield url


@contextmanager
def serving(
    command: list[str], auth: Callable[[str], dict[str, Any]], errlog: TextIO, port: int | None = None
) -> Iterator[str]:
    """Runs `command --http 127.0.0.1:PORT --auth JSON` (PORT free, unless given), the options
    `auth(resource)` gives for its URL, until the block ends; yields the MCP endpoint."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    argv = [*command, "--http", f"127.0.0.1:{port}", "--auth", json.dumps(auth(url))]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stderr=errlog, cwd=REPO_ROOT)
    try:
        deadline = time.monotonic() + START_BOUND
        while not answers_readyz(port):
            assert proc.poll() is None, f"{command[-1]} exited with {proc.returncode}"
            assert time.monotonic() < deadline, f"{command[-1]} did not get ready in time"
            time.sleep(0.05)
        yield url
    finally:
        stop_process(proc, START_BOUND)

"""The OAuth proxy across instances: three instances of the Rust quickstart, each the proxy
(`auth.proxy`) in front of oidc-provider run without registration, sharing a Redis and one
`signingSecret`, behind round-robin nginx (mcpforge-shared.conf.template). Registration,
`/authorize` (the consent page), its approval, the provider's callback and `/token` each
land on another instance than the step before (nginx's access log says which) and
succeed, because the registrations, pending logins and codes are in the shared store (and
the browser's cookie goes to every instance); the code, used again on another instance, is
refused; the token is accepted by every instance; and the official Python client goes the
whole way through nginx.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "oauth"))

from access_log import parse  # noqa: E402
from oauth_support import AuthorizationServer, proxy_auth  # noqa: E402
from results import Needs, Result, Tally, report  # noqa: E402
from support import REQUEST_TIMEOUT, free_port  # noqa: E402
from test_proxy import exchange, initialize, login, pkce, register  # noqa: E402
from test_python_client import authorize_and_call  # noqa: E402
from topology import Topology, topology  # noqa: E402

# The steps of a login through the proxy, and the status each answers.
STEPS = {"/register": 201, "/authorize": 200, "/authorize/consent": 302, "/oauth/callback": 302, "/token": 200}


async def across(topo: Topology, tally: Tally) -> None:
    """One login step by step through nginx, then the token on every instance."""
    assert topo.front is not None
    origin = topo.url.removesuffix("/mcp")
    client = await register(origin)
    verifier, challenge = pkce()
    answer = await login(origin, client, challenge)
    if "code" not in answer:
        tally.fail("login", json.dumps(answer))
        return
    token = await exchange(origin, client, answer["code"], verifier)
    if token.status_code != 200:
        tally.fail("token", token.text)
        return
    again = await exchange(origin, client, answer["code"], verifier)
    if again.status_code == 400 and again.json().get("error") == "invalid_grant":
        tally.passed()
    else:
        tally.fail("code reused on another instance", f"{again.status_code} {again.text}")
    served = {i.address: i.name for i in topo.instances}
    steps = [
        (e.uri, e.status, served.get(e.attempts[-1][0], "?") if e.attempts else "none")
        for e in parse(topo.front.access_log)
        if e.uri in STEPS
    ]
    # The login's steps, then the code's second use (refused above).
    login_steps, reuse = steps[: len(STEPS)], steps[len(STEPS) : len(STEPS) + 1]
    for uri, status, name in login_steps:
        if status == STEPS[uri]:
            tally.passed()
        else:
            tally.fail(f"{uri} answered {status}", f"on {name}")
    tally.note("steps on: " + ", ".join(f"{uri} {name}" for uri, _, name in steps))
    names = [name for _, _, name in login_steps + reuse]
    if [uri for uri, _, _ in login_steps] != list(STEPS) or any(a == b for a, b in zip(names, names[1:])):
        tally.fail("steps not spread", f"each step should be on another instance than the one before: {steps}")
    access = str(token.json()["access_token"])
    for instance in topo.instances:
        reply = await initialize(f"http://{instance.address}/mcp", access)
        if reply.status_code == 200:
            tally.passed()
        else:
            tally.fail(f"token refused by {instance.name}", f"{reply.status_code} {reply.text}")


async def official_client(topo: Topology, tally: Tally) -> None:
    """The official Python client's whole flow through nginx."""
    origin = topo.url.removesuffix("/mcp")
    visited = await authorize_and_call(topo.url, origin, registration="/register")
    tally.passed()
    tally.note(f"official client: browser went through {', '.join(p for p in visited if not p.startswith('/interaction'))}")


def deployment(quickstart: Path, scratch: Path, instances: int) -> tuple[str, list[Result]]:
    """Runs the proxy scenario on its own topology; the report and the result."""
    tally = Tally()
    result = Result("OAuth proxy (auth.proxy)", Needs.SHARED_STORE, tally)
    front = free_port()
    started = time.monotonic()
    with open(scratch / "provider.stderr.log", "w", encoding="utf-8") as errlog:
        provider = AuthorizationServer("jwt", errlog, proxy_callback=f"http://127.0.0.1:{front}/oauth/callback")
        try:
            auth = proxy_auth(provider.issuer, f"http://127.0.0.1:{front}/mcp")
            args = ["--auth", json.dumps(auth)]
            with topology(quickstart, scratch, instances, shared_store=True, args=args, front_port=front) as topo:

                async def both() -> None:
                    with anyio.fail_after(REQUEST_TIMEOUT * 6):
                        await across(topo, tally)
                        await official_client(topo, tally)

                try:
                    anyio.run(both)
                except Exception as e:  # noqa: BLE001 - the report says what stopped the scenario
                    result.error = f"{type(e).__name__}: {e}"
        finally:
            provider.close()
    result.seconds = time.monotonic() - started
    title = "instances sharing a Redis as the OAuth proxy, behind round-robin nginx (mcpforge-shared.conf.template)"
    return report(title, [result]), [result]


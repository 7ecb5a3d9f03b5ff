"""A soak subject: an mcpforge server in Python over Streamable HTTP and WebSocket with every
production hook on, for ``mcpforge-hostile mixed`` (``make soak-hostile``, docs/SECURITY.md).
Its Rust twin is bench/servers/rust/src/hooks_server.rs.

- tools: ``echo`` (the steady client's), ``secret`` (registered, hidden from every client by
  the catalogue hook) and ``fail`` (raises, which reaches the error hook);
- one middleware that only passes each request on;
- an error hook that counts failures (it keeps nothing else; the count is printed on stderr
  when the server stops);
- metrics on (``/metrics``);
- rate limits: per client, per tool for ``echo``, and ``*`` for every other tool;
- bearer authorization: the tokens ``steady`` and ``hostile``, each its own subject;
- OpenTelemetry export when the standard variables ask for it (``OTEL_EXPORTER_OTLP_ENDPOINT``;
  the soak points it at a collector that never answers).

Usage: ``hooks_server.py [--max-sessions N] --http HOST:PORT``
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Optional

from mcpforge import AuthInfo, AuthSettings, ErrorInfo, Server
from mcpforge.middleware import CallNext, MiddlewareContext

# The bearer tokens this server accepts; each is its own subject.
TOKENS = ("steady", "hostile")
# Rates generous enough for the soak's steady client (20 calls a second), tight enough that a
# flood is refused: the same as the Rust twin's.
RATE_LIMITS = {
    "per_client": {"requests": 6000, "per": 60, "burst": 600},
    "tools": {"echo": {"requests": 3000, "per": 60, "burst": 300}, "*": {"requests": 600, "per": 60, "burst": 60}},
}

failures = 0


def count_failure(error: BaseException, info: ErrorInfo) -> None:
    global failures
    failures += 1


server = Server("mcpforge-hooks-python", version="0", mask_error_details=True, error_handler=count_failure,
                metrics=True, rate_limits=RATE_LIMITS)


@server.tool()
def echo(text: str) -> str:
    """Echo the text back."""
    return text


@server.tool()
def secret() -> str:
    """Hidden by the catalogue."""
    return "never shown"


@server.tool()
def fail() -> str:
    """Fails unexpectedly."""
    raise RuntimeError("the fail tool failed")


@server.catalogue
def visible(request: MiddlewareContext, kind: str) -> Optional[list[str]]:
    return ["echo", "fail"] if kind == "tools" else None


async def passthrough(context: MiddlewareContext, call_next: CallNext) -> Any:
    return await call_next(context)


server.add_middleware(passthrough)


def verify(token: str) -> Optional[AuthInfo]:
    return AuthInfo(subject=token, scopes=["mcp"]) if token in TOKENS else None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="an mcpforge server with every hook on (a soak subject)")
    parser.add_argument("--http", metavar="HOST:PORT", required=True)
    parser.add_argument("--max-sessions", type=int)
    args = parser.parse_args(argv)
    host, _, port = args.http.rpartition(":")
    host = host.strip("[]")
    options: dict[str, Any] = {"websocket": True, "metrics": True}
    if args.max_sessions is not None:
        options["max_sessions"] = args.max_sessions
    auth = AuthSettings(verify, resource=f"http://{host}:{port}/mcp")
    try:
        server.run("http", host=host, port=int(port), auth=auth, **options)
    except KeyboardInterrupt:
        pass
    print(f"hooks_server.py: {failures} failures reported to the error hook", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

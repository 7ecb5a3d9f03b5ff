"""A server for the process tests: tools that write to stdout every way a program can
(print, sys.stdout, os.write on fd 1, a child process), a tool that reports which thread
ran it, and, over HTTP, bearer-token authorization with a test verifier, whose grant a
middleware reports.

    noisy_server.py                      serve stdio (Ctrl-C is not caught: KeyboardInterrupt)
    noisy_server.py --http PORTFILE      serve HTTP on a free port, written to PORTFILE
    noisy_server.py --http PORTFILE --quiet
                                         the same, with logger ``mcpforge`` set to WARNING
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

from typing import Any

from mcpforge import AuthError, AuthInfo, AuthSettings, Context, Server
from mcpforge.middleware import CallNext, MiddlewareContext

server = Server("noisy")


@server.tool()
def noisy(text: str) -> str:
    """Writes to stdout in four ways, then echoes."""
    print(f"print: {text}")
    sys.stdout.write(f"sys.stdout: {text}\n")
    sys.stdout.flush()
    os.write(1, f"fd 1: {text}\n".encode())
    subprocess.run(["echo", f"child: {text}"], check=True)
    return text


@server.tool()
async def thread_name() -> str:
    """The name of the thread that runs async tools."""
    return threading.current_thread().name


@server.tool()
def whoami(ctx: Context) -> str:
    """The subject and scopes of the caller's token."""
    auth = ctx.auth
    return "anonymous" if auth is None else f"{auth.subject} {' '.join(auth.scopes)}"


@server.tool()
def grant_seen() -> str:
    """Answered by the middleware below; never reached."""
    return "unreached"


async def answer_grant(context: MiddlewareContext, call_next: CallNext) -> Any:
    """Answers `grant_seen` with the grant the middleware sees (subject, client id)."""
    if context.name != "grant_seen":
        return await call_next(context)
    auth = context.auth
    text = "anonymous" if auth is None else f"{auth.subject} {auth.client_id}"
    return {"content": [{"type": "text", "text": text}]}


server.add_middleware(answer_grant)


async def verify(token: str) -> AuthInfo:
    """Accepts `good-<name>` tokens (client `app-<name>`); `weak` lacks the scope; anything
    else is invalid."""
    if token.startswith("good-"):
        return AuthInfo(subject=token[5:], scopes=["mcp"], client_id=f"app-{token[5:]}")
    if token == "weak":
        raise AuthError("needs the mcp scope", required_scopes=["mcp"])
    raise AuthError("unknown token")


def main() -> None:
    if len(sys.argv) in (3, 4) and sys.argv[1] == "--http":
        port_file = Path(sys.argv[2])
        if sys.argv[3:] == ["--quiet"]:
            logging.getLogger("mcpforge").setLevel(logging.WARNING)

        def ready(host: str, port: int) -> None:
            port_file.write_text(str(port))

        auth = AuthSettings(verify, resource="http://127.0.0.1/mcp", required_scopes=["mcp"])
        server.run("http", host="127.0.0.1", port=0, auth=auth, on_ready=ready, metrics=True)
    else:
        server.run()


if __name__ == "__main__":
    main()

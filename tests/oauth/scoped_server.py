"""The server of the OAuth tests' scope step-up case: `echo`, which the server's required
scope (`mcp:tools`) lets every token call, and `reset`, which needs `mcp:admin` as well (a
tool's own required scopes, docs/auth.md "Scopes per tool"). Its token checking is the
engine's, configured only by options: `scoped_server.py --http HOST:PORT --auth JSON`, the
HTTP options' `auth` member (names in snake_case), as the quickstarts take it."""

from __future__ import annotations

import json
import sys

import mcpforge
from mcpforge import Server

server = Server("oauth-scoped", version=mcpforge.__version__)


@server.tool()
def echo(text: str) -> str:
    """Echo the text back"""
    return text


@server.tool(required_scopes=["mcp:admin"])
def reset() -> str:
    """An administrative action: needs the scope mcp:admin besides the server's"""
    return "reset done"


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[0] != "--http" or argv[2] != "--auth":
        raise SystemExit("usage: scoped_server.py --http HOST:PORT --auth JSON")
    host, _, port = argv[1].rpartition(":")
    server.run("http", host=host, port=int(port), auth=mcpforge.AuthSettings(**json.loads(argv[3])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

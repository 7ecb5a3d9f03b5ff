"""The `{{name}}` command: serves the server over stdio, or Streamable HTTP with
`--http HOST:PORT`."""

from __future__ import annotations

import argparse

from .server import server


def main() -> None:
    parser = argparse.ArgumentParser(prog="{{name}}", description="{{description}}")
    parser.add_argument("--http", metavar="HOST:PORT", help="serve Streamable HTTP at /mcp instead of stdio")
    args = parser.parse_args()
    if args.http:
        host, _, port = args.http.rpartition(":")
        server.run("http", host=host or "127.0.0.1", port=int(port))
    else:
        server.run()


if __name__ == "__main__":
    main()

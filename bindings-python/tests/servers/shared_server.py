"""A server for the shared-store tests: an ``echo`` tool served over Streamable HTTP on a
free port of 127.0.0.1, written to PORTFILE once bound. Its shared store is the one the
environment variable ``MCPFORGE_SHARED_STORE`` names (no ``shared_store`` option).

    shared_server.py PORTFILE
"""

from __future__ import annotations

import sys
from pathlib import Path

from mcpforge import Server

server = Server("shared")


@server.tool()
def echo(text: str) -> str:
    """Returns ``text``."""
    return text


def main() -> None:
    port_file = Path(sys.argv[1])

    def ready(host: str, port: int) -> None:
        port_file.write_text(str(port))

    server.serve("127.0.0.1:0", on_ready=ready)


if __name__ == "__main__":
    main()

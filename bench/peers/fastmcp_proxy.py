"""FastMCP's proxy as `make bench-gateway` measures it: `create_proxy` in front of one stdio
server, served over Streamable HTTP at /mcp.

    fastmcp_proxy.py PORT COMMAND [ARGS...]
"""

from __future__ import annotations

import sys

from fastmcp.server import create_proxy


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        raise SystemExit("usage: fastmcp_proxy.py PORT COMMAND [ARGS...]")
    port, command, args = int(argv[0]), argv[1], argv[2:]
    proxy = create_proxy({"mcpServers": {"upstream": {"command": command, "args": args}}}, name="bench-proxy")
    proxy.run(transport="http", host="127.0.0.1", port=port, show_banner=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The quickstart server: ``echo``, ``add`` and ``current_time``, served over stdio.

Run it under any MCP client (``command: python examples/python/quickstart.py``), or pipe
JSON-RPC into it; ``--http 127.0.0.1:3000`` serves Streamable HTTP at ``/mcp`` instead, and
``--auth JSON`` after it checks bearer tokens as the HTTP options' ``auth`` member says
(docs/auth.md, names in snake_case), e.g. with the built-in ``jwt`` verifier.
The same tools, arguments and results as the Rust quickstart
(examples/rust/src/bin/quickstart.rs).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from typing import Annotated, List, Optional, Tuple

import mcpforge
from mcpforge import Server

server = Server(
    "mcpforge-quickstart",
    version=mcpforge.__version__,
    instructions="Tools to echo text, add numbers and tell the time.",
)


@server.tool()
def echo(text: Annotated[str, "The text to send back."]) -> str:
    """Echo the text back"""
    return text


def rust_number(x: float) -> str:
    """``x`` as Rust prints an f64: integral values without a fraction, others in their
    shortest round-trip form, never in exponent notation."""
    if x != x or x in (float("inf"), float("-inf")):
        return {"nan": "NaN", "inf": "inf", "-inf": "-inf"}[repr(float(x))]
    if float(x).is_integer():
        return str(int(x))
    text = repr(float(x))
    if "e" in text:
        from decimal import Decimal

        text = format(Decimal(text), "f")
    return text


@server.tool()
def add(a: Annotated[float, "First addend."], b: Annotated[float, "Second addend."]) -> str:
    """Add two numbers"""
    return rust_number(a + b)


@server.tool(annotations={"readOnlyHint": True})
def current_time() -> str:
    """The current time in UTC (RFC 3339)"""
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


USAGE = "usage: quickstart.py [--http HOST:PORT [--auth JSON]]  (no arguments: serve stdio)"


def http_address(argv: List[str]) -> Optional[Tuple[str, int]]:
    """``--http HOST:PORT`` (maybe followed by ``--auth JSON``) -> (host, port); no
    arguments -> None (stdio)."""
    if not argv:
        return None
    if argv[0] == "--http" and (len(argv) == 2 or (len(argv) == 4 and argv[2] == "--auth")):
        host, sep, port = argv[1].rpartition(":")
        if sep and host and port.isdigit():
            return host.strip("[]"), int(port)
        raise SystemExit(f"--http {argv[1]}: expected HOST:PORT, e.g. 127.0.0.1:3000")
    raise SystemExit(USAGE)


def auth_settings(argv: List[str]) -> Optional[mcpforge.AuthSettings]:
    """``--auth JSON`` after ``--http HOST:PORT`` -> its settings; without it, None."""
    if len(argv) != 4:
        return None
    try:
        return mcpforge.AuthSettings(**json.loads(argv[3]))
    except (ValueError, TypeError) as err:
        raise SystemExit(f"--auth: {err}") from None


def main() -> int:
    address = http_address(sys.argv[1:])
    try:
        if address is None:
            server.run()
        else:
            server.run("http", host=address[0], port=address[1], auth=auth_settings(sys.argv[1:]))
    except KeyboardInterrupt:  # Ctrl-C: the server already shut down gracefully
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

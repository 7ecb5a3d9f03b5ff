"""The ``business-server`` command: reads the options, loads the data, serves stdio.

    business-server [--data FILE] [--smtp-host HOST] [--smtp-port PORT] [--mail-from ADDRESS]

``SMTP_HOST``, ``SMTP_PORT`` and ``MAIL_FROM`` in the environment give the same settings.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import List, Optional

from mcp.server.stdio import stdio_server
from mcpforge.sdk.lowlevel import NotificationOptions

from .mail import Mailer, address
from .server import build
from .store import BusinessError, Store


async def serve(store: Store, mailer: Mailer) -> None:
    server = build(store, mailer)
    options = server.create_initialization_options(NotificationOptions(), {})
    async with stdio_server() as (read, write):
        await server.run(read, write, options)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="business-server", description="customers, orders and e-mail over MCP (stdio)")
    parser.add_argument("--data", type=Path, help="a JSON file the data is read from and written to")
    parser.add_argument("--smtp-host", default=os.environ.get("SMTP_HOST"), help="the SMTP server send_email uses")
    parser.add_argument("--smtp-port", type=int, default=int(os.environ.get("SMTP_PORT", "25")), help="its port (default 25)")
    parser.add_argument("--mail-from", default=os.environ.get("MAIL_FROM", "business@localhost"), help="the sender address")
    args = parser.parse_args(argv)
    try:
        sender = address("sender", args.mail_from, public=False)
    except BusinessError as e:
        parser.error(str(e))
    try:
        store = Store(args.data)
    except (OSError, ValueError) as e:
        print(f"business-server: cannot load {args.data}: {e}", file=sys.stderr)
        return 1
    try:
        asyncio.run(serve(store, Mailer(args.smtp_host, args.smtp_port, sender)))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m mcpforge.sdk COMMAND [ARGS]``: runs a program written on the official ``mcp``
package, unmodified, with its server classes served by mcpforge (``standin``)."""

from __future__ import annotations

import sys

from .standin import StandInError, run


def main() -> None:
    try:
        status = run(sys.argv[1:])
    except StandInError as e:
        print(f"mcpforge sdk: {e}", file=sys.stderr)
        sys.exit(1)
    sys.exit(status)


if __name__ == "__main__":
    main()

"""``python -m mcpforge``: the ``mcpforge`` command (``mcpforge.cli``), for an environment
whose scripts directory is not on ``PATH``, and for the commands of other languages, which
start it to serve a Python file."""

import sys

from .cli import main

sys.exit(main())

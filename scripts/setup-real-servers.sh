#!/usr/bin/env bash
# Installs what `make test-real-servers-python` needs: one virtualenv holding published
# Python servers at pinned releases, as their users install them, next to the official `mcp`
# package they are written on and the test tools; the mcpforge wheel is installed into it by
# the make target. Idempotent and cached: pip runs only when a pin is missing or differs.
#
#   target/real-servers/venv-py    mcp-server-time, mcp-server-git, mcp-server-fetch (mcp 2.x)
#   target/real-servers/venv-py1   mcp-server-sqlite, on the low-level server of mcp 1.x
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib/venv.sh
. scripts/lib/venv.sh
ensure_venv target/real-servers/venv-py "mcp==2.3.0" "mcp-server-time==2026.10.19" "mcp-server-git==2026.10.19" \
  "mcp-server-fetch==2026.10.24" "pytest==8.4.2" "pytest-timeout==2.4.0"
ensure_venv target/real-servers/venv-py1 "mcp==1.30.0" "mcp-server-sqlite==2025.4.25"

#!/usr/bin/env bash
# Installs what `make test-real-servers-python` needs: one virtualenv holding published
# Python servers at pinned releases, as their users install them, next to the official `mcp`
# package they are written on and the test tools; the mcpforge wheel is installed into it by
# the make target. Idempotent and cached: pip runs only when a pin is missing or differs.
#
#   target/real-servers/venv-py   mcp-server-time, mcp-server-git, mcp-server-fetch
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib/venv.sh
. scripts/lib/venv.sh
ensure_venv target/real-servers/venv-py "mcp==2.3.0" "mcp-server-time==2026.10.19" "mcp-server-git==2026.10.19" \
  "mcp-server-fetch==2026.10.24" "pytest==8.4.2" "pytest-timeout==2.4.0"

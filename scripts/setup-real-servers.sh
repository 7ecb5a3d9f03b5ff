#!/usr/bin/env bash
# Installs what `make test-real-servers-python` needs: one virtualenv holding published
# Python servers at pinned releases, as their users install them, next to the official `mcp`
# package they are written on and the test tools; the mcpforge wheel is installed into it by
# the make target. Idempotent and cached: pip runs only when a pin is missing or differs.
#
#   target/real-servers/venv-py    mcp-server-time, mcp-server-git, mcp-server-fetch (mcp 2.x)
#   target/real-servers/venv-py1   mcp-server-sqlite, on the low-level server of mcp 1.x, and
#                                  the WebSocket server of mcp 1.x (websockets for uvicorn)
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib/venv.sh
. scripts/lib/venv.sh
ensure_venv target/real-servers/venv-py "mcp==2.3.0" "mcp-server-time==2026.10.19" "mcp-server-git==2026.10.19" \
  "mcp-server-fetch==2026.10.24" "pytest==8.4.2" "pytest-timeout==2.4.0"
ensure_venv target/real-servers/venv-py1 "mcp==1.30.0" "mcp-server-sqlite==2025.4.25" "websockets==15.0.1"

# python-sdk's everything server (the conformance suite's server) and its example servers on
# the 2.x low-level `Server` are not published on their own: they ship in the source
# distribution of the `mcp` release, whose hash is pinned here. Each runs from its folder
# (`python -m mcp_everything_server` with the folder on PYTHONPATH), on the packages of venv-py.
MCP_SDIST_VERSION=2.3.0
MCP_SDIST_SHA256=8b147a50441cf059dc88c684e0aeed3687f0aa0f39c6cde7b90330effd2b34d8
DIST=target/real-servers/dist
SDIST="$DIST/mcp-$MCP_SDIST_VERSION.tar.gz"
SDK_SERVERS=target/real-servers/python-sdk
if [ ! -f "$SDK_SERVERS/.sha256" ] || [ "$(cat "$SDK_SERVERS/.sha256")" != "$MCP_SDIST_SHA256" ]; then
  mkdir -p "$DIST"
  if [ ! -f "$SDIST" ]; then
    target/real-servers/venv-py/bin/python -m pip download -q --disable-pip-version-check --no-deps \
      --no-binary :all: "mcp==$MCP_SDIST_VERSION" -d "$DIST"
  fi
  echo "$MCP_SDIST_SHA256  $SDIST" | sha256sum -c --quiet -
  rm -rf "$SDK_SERVERS"
  for example in everything-server simple-tool simple-prompt simple-resource simple-pagination structured-output-lowlevel; do
    module="mcp_${example//-/_}"
    mkdir -p "$SDK_SERVERS/$example"
    tar -xzf "$SDIST" -C "$SDK_SERVERS/$example" --strip-components=4 "mcp-$MCP_SDIST_VERSION/examples/servers/$example/$module"
  done
  echo "$MCP_SDIST_SHA256" > "$SDK_SERVERS/.sha256"
fi

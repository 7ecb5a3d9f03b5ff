#!/usr/bin/env bash
# Installs what `make test-sdk-python` needs: one virtualenv per official SDK release whose
# own server tests run against mcpforge (scripts/sdk-tests-python.py), each with that `mcp`
# release (its client, its types, and the test files' other imports) and the tools its test
# suite is written for, all pinned. The mcpforge wheel is installed into them by the make
# target. Idempotent and cached: pip runs only when a pin is missing or differs.
#
#   target/sdk-python/venv-2   mcp 2.x; its conftest imports logfire and blockbuster, its
#                              tests inline-snapshot and dirty-equals
#   target/sdk-python/venv-1   mcp 1.x
#
# The test tools are pinned at the versions of the release's own lock file (uv.lock in its
# sdist), so that its tests run as they do for its authors (anyio's pytest runner and
# logfire's pytest plugin matter); pytest-timeout bounds each test, so that a test waiting
# for an answer that never comes fails instead of holding up the run.
set -euo pipefail
cd "$(dirname "$0")/.."

# The releases; scripts/sdk-tests-python.py pins the same versions and their sdists' hashes.
MCP2=2.3.0
MCP1=1.30.0

# shellcheck source=lib/venv.sh
. scripts/lib/venv.sh
ensure_venv target/sdk-python/venv-2 "mcp==$MCP2" "anyio==4.14.2" "pytest==9.1.1" "pytest-timeout==2.4.0" \
  "inline-snapshot==0.28.0" "blockbuster==1.5.27" "logfire==4.31.0" "opentelemetry-sdk==1.39.1" "dirty-equals==0.9.0"
ensure_venv target/sdk-python/venv-1 "mcp==$MCP1" "anyio==4.10.0" "pytest==8.4.2" "pytest-timeout==2.4.0" "inline-snapshot==0.28.0" "dirty-equals==0.9.0"

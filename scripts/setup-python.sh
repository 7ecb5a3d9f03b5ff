#!/usr/bin/env bash
# Installs what the Python package (bindings-python) needs to build and test: a virtualenv
# of its own at target/python/venv with pinned maturin (build backend), pytest, mypy (its
# stubtest checks the native module's .pyi), pydantic (only to test the pydantic path),
# prometheus-client (its text parser reads the server's /metrics in the tests) and starlette
# (the HTTP apps are Starlette applications when it is installed; the tests take both paths);
# pytest-timeout bounds each test.
# Idempotent and cached: pip runs only when a pin is missing or differs.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib/venv.sh
. scripts/lib/venv.sh
ensure_venv target/python/venv "maturin==1.16.0" "pytest==8.4.2" "pytest-timeout==2.4.0" "mypy==2.4.1" "pydantic==2.14.3" "prometheus-client==0.26.0" "starlette==1.10.0"

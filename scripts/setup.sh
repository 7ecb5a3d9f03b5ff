#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh machine. Idempotent and cached:
# a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }

if ! need cargo; then
  echo "setup: cargo (Rust toolchain) is required" >&2
  exit 1
fi
# rustfmt and clippy ship with the toolchain; make sure the components are there.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  rustup component add rustfmt clippy >/dev/null 2>&1 || true
fi

# cbindgen: scripts/setup-cbindgen.sh, run by the targets that generate or check the C
# header (`make c-header`, `make c-test`), not here: `make demo` does not need it.

# pkg-config and cmake: `make c-test` builds the C quickstart through
# target/c/pkgconfig/mcpforge.pc and a CMake project through the package config.
# redis-server: the shared-store tests start their own (never the package's service).
missing_debs=()
need pkg-config || missing_debs+=(pkg-config)
need cmake || missing_debs+=(cmake)
need redis-server || [ -x /usr/bin/redis-server ] || missing_debs+=(redis-server)
if [ ${#missing_debs[@]} -gt 0 ]; then
  if need apt-get && [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing_debs[*]}" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq "${missing_debs[@]}" >/dev/null
  else
    echo "setup: ${missing_debs[*]} required for the tests (install them with your package manager)" >&2
    exit 1
  fi
fi

# Python end-to-end tests (tests/e2e): the official MCP client drives the example servers.
# A virtualenv at .venv with pinned packages.
# shellcheck source=lib/venv.sh
. scripts/lib/venv.sh
# starlette, uvicorn and fastapi: the ASGI mounting tests (the first two are also the
# official SDK's own HTTP stack, pinned here at the versions it resolves to).
# opentelemetry-sdk and opentelemetry-proto: the tracing tests' client spans and their OTLP
# receiver (tests/telemetry; the SDK at the version of the API the official client requires).
# PyYAML: the deployment test reads deploy/docker-compose.yml (tests/deploy).
# pytest-timeout: every test is bounded (the Makefile's PYTEST), so one that hangs fails alone.
# wheel: setuptools builds the Python project `mcpforge new` makes with it (tests/cli).
ensure_venv .venv "mcp==2.3.0" "pytest==8.4.2" "PyYAML==6.0.3" "pytest-timeout==2.4.0" "websockets==15.0.1" "starlette==1.10.0" "uvicorn==0.54.0" "fastapi==0.165.0" \
  "opentelemetry-sdk==1.45.2" "opentelemetry-proto==1.45.2" "wheel==0.45.1"

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

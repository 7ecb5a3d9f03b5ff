#!/usr/bin/env bash
# Installs what `make fuzz` and `make fuzz-short` need beyond Rust: a C++ compiler
# (libfuzzer-sys compiles libFuzzer). scripts/fuzz.sh builds the targets with cargo itself,
# with the instrumentation flags cargo-fuzz would set, so no fuzzing tool is installed.
# Idempotent: a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v c++ >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup-fuzz: installing g++" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq g++ >/dev/null
  else
    echo "setup-fuzz: a C++ compiler (c++) is required to build libFuzzer" >&2
    exit 1
  fi
fi

#!/usr/bin/env bash
# Installs what `make fuzz` and `make fuzz-short` need: cargo-fuzz, pinned, built into
# target/tools (nothing outside the repository), and a C++ compiler (libfuzzer-sys compiles
# libFuzzer). Idempotent and cached: a second run does nothing.
#
# No nightly toolchain is needed: the targets are built with `--sanitizer none`, which passes
# no -Z flag to rustc, so the default (stable) toolchain builds them (see docs/SECURITY.md).
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.1
ROOT=target/tools

if [ "$("$ROOT/bin/cargo-fuzz" --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  echo "setup-fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION into $ROOT" >&2
  nice -n 10 cargo install --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION" --root "$ROOT" -j "${JOBS:-2}"
fi

if ! command -v c++ >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup-fuzz: installing g++" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq g++ >/dev/null
  else
    echo "setup-fuzz: a C++ compiler (c++) is required to build libFuzzer" >&2
    exit 1
  fi
fi

#!/usr/bin/env bash
# Installs cbindgen, which generates include/mcpforge.h: only `make c-header` and `make c-test`
# (which checks the committed header against a fresh one) need it, so `make demo` and
# `make build` never compile it. Idempotent: a second run does nothing.
#
# Pinned because point releases change the output in non-semantic ways and the C tests fail
# on any difference from the committed header.
set -euo pipefail

CBINDGEN_VERSION=0.29.4
if [ "$(cbindgen --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]; then
  echo "setup: installing cbindgen $CBINDGEN_VERSION" >&2
  cargo install cbindgen --version "$CBINDGEN_VERSION" --locked
fi

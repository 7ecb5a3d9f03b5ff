#!/usr/bin/env bash
# Installs what `make dist` needs beyond the build toolchain: a virtualenv at
# target/dist-tools/venv with pinned maturin (builds the wheel and the sdist), ziglang (the
# linker that lets maturin target glibc 2.17, manylinux2014, without a container) and
# auditwheel (checks the wheel's platform tag). Idempotent and cached.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib/venv.sh
. scripts/lib/venv.sh
ensure_venv target/dist-tools/venv "maturin==1.16.0" "ziglang==0.13.0" "auditwheel==6.8.2"

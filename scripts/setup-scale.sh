#!/usr/bin/env bash
# Installs what the scale-out tests (tests/scale, `make scale-test`) need beyond `make setup`:
#   nginx          the load balancer in front of the instances (Debian's package)
#   redis-server   the store the instances share (Debian's package)
#   target/node/e2e  the official TypeScript SDK client (scripts/setup-node.sh, pinned by
#                  tests/e2e-node/package-lock.json)
# The official Python client comes from .venv (scripts/setup.sh). Idempotent and cached: a
# second run does nothing. Nothing is started: the packages' services stay stopped, and the
# tests run their own nginx and Redis with their files in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }

# nginx lives in /usr/sbin, which is not on every user's PATH.
missing=()
need nginx || [ -x /usr/sbin/nginx ] || missing+=(nginx)
need redis-server || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  if need apt-get && [ "$(id -u)" = 0 ]; then
    echo "setup-scale: installing ${missing[*]}" >&2
    # A fresh image may have no package lists yet: fetch them once, only when needed.
    if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
      apt-get update -qq >/dev/null
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
  else
    echo "setup-scale: ${missing[*]} required (install with your package manager)" >&2
    exit 1
  fi
fi

./scripts/setup-node.sh

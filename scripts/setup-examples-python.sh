#!/usr/bin/env bash
# Installs what the Python example servers' tests need beyond the mcpforge wheel and the
# official client (both already in .venv): psycopg (pinned, with its binary wheel) and
# psycopg_pool (its connection pool, pinned) in .venv, for examples/python/database_server.py
# on PostgreSQL; wheel (pinned), with which pip builds the business example's package in its
# test; and Debian's PostgreSQL server, which
# the PostgreSQL test starts on a scratch data directory. Idempotent: does nothing when both
# are there. The server is installed with apt-get when running as root on Debian/Ubuntu;
# otherwise the script says what to install.
set -euo pipefail

PSYCOPG_VERSION=3.3.9
PSYCOPG_POOL_VERSION=3.3.3
# The business example's test installs it with pip without build isolation (no index):
# setuptools builds the wheel with the `wheel` package's bdist_wheel.
WHEEL_VERSION=0.45.1
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  echo "setup-examples-python: .venv is missing (run ./scripts/setup.sh first)" >&2
  exit 1
fi

if ! .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('psycopg') != '$PSYCOPG_VERSION')" 2>/dev/null; then
  echo "setup-examples-python: installing psycopg[binary]==$PSYCOPG_VERSION into .venv" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check --only-binary=:all: "psycopg[binary]==$PSYCOPG_VERSION"
fi
if ! .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('psycopg-pool') != '$PSYCOPG_POOL_VERSION')" 2>/dev/null; then
  echo "setup-examples-python: installing psycopg-pool==$PSYCOPG_POOL_VERSION into .venv" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check --only-binary=:all: "psycopg-pool==$PSYCOPG_POOL_VERSION"
fi

if ! .venv/bin/python -c "import wheel" 2>/dev/null; then
  echo "setup-examples-python: installing wheel==$WHEEL_VERSION into .venv" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check "wheel==$WHEEL_VERSION"
fi

# initdb and postgres live in /usr/lib/postgresql/<major>/bin on Debian.
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && ! command -v postgres >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup-examples-python: installing postgresql" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "setup-examples-python: the PostgreSQL server is required by the database example's tests;" \
      "install with: sudo apt-get install postgresql (or your system's equivalent)" >&2
    exit 1
  fi
fi

#!/usr/bin/env bash
# Installs what the C example servers need beyond the C toolchain: the SQLite headers and
# library (libsqlite3-dev, for examples/c/sqlite_server.c) and valgrind (their tests run each
# server once under it). Idempotent: does nothing when both are there. Installs with apt-get
# when running as root on Debian/Ubuntu; otherwise says what to install.
set -euo pipefail

missing=()
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
[ "${#missing[@]}" -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "setup-examples-c: installing ${missing[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "setup-examples-c: ${missing[*]} required by the C example servers;" \
    "install with: sudo apt-get install ${missing[*]} (or your system's equivalent)" >&2
  exit 1
fi

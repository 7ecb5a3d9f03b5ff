#!/usr/bin/env bash
# Builds the mcpforge subjects of an earlier revision in release, so that one benchmark run can
# measure that revision beside this tree (a regression check that the noise between two runs
# on a shared machine cannot hide):
#
#   scripts/bench-base.sh REV          # prints the directory it built, target/bench-base/<sha>
#   BENCH_BASE=target/bench-base/<sha> python3 bench/run.py
#
# The revision is exported with `git archive` into target/bench-base/<sha>/ (no worktree is
# registered) and built there by its own Makefile and scripts, with a Cargo target directory of
# its own: the Rust and C quickstarts (`make bench-servers`), and the Python wheel and Node
# addon (`scripts/bench-peers-bindings.sh`, the wheel installed into a virtualenv of its own
# that holds nothing else). Built once: a second call with the same revision reuses the build.
set -euo pipefail
cd "$(dirname "$0")/.."

rev=${1:?usage: scripts/bench-base.sh REV}
sha=$(git rev-parse --short=12 "$rev^{commit}")
dir=target/bench-base/$sha
note() { echo "bench-base: $*" >&2; }

if [ ! -f "$dir/.exported" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  git archive "$sha" | tar -x -C "$dir"
  touch "$dir/.exported"
fi

if [ ! -f "$dir/.built" ]; then
  note "building $sha in release under $dir (a cold build: several minutes)"
  # The base's own scripts look for the peers' interpreter here; a bare venv is enough for
  # the quickstart and the drop-in subject, which import nothing but mcpforge.
  [ -x "$dir/target/peers/venv/bin/python" ] || python3 -m venv "$dir/target/peers/venv"
  (
    cd "$dir"
    unset CARGO_TARGET_DIR
    make --no-print-directory bench-servers
    ./scripts/bench-peers-bindings.sh
  )
  touch "$dir/.built"
fi
echo "$dir"

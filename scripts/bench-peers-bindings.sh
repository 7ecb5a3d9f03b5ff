#!/usr/bin/env bash
# Optimized builds of the Python and Node bindings for `make bench-peers`, where those
# bindings exist, in the `bindings` profile of Cargo.toml that their published packages are
# built in; the tests build them in debug, which is no way to benchmark them.
#
#   Python: a wheel (maturin, from the binding's own build venv) installed into the
#           peers' venv target/peers/venv, next to the official SDK and FastMCP.
#   Node:   target/bench/node/, a copy of examples/node (quickstart.mjs, cli.mjs) and of
#           bench/servers/node (slow_server.mjs, compat_server.mjs), and sdk1_server.mjs: the
#           TypeScript SDK 1.x peer (bench/peers/ts_sdk1_server.mjs) with each import of
#           `@modelcontextprotocol/sdk/...` pointed at `mcpforge/...`, the migration the drop-in
#           documents, and nothing else changed. Its node_modules/mcpforge is the
#           package with the optimized addon (the source tree's debug addon is left
#           alone), next to the packages the servers import (express, zod): those of the
#           Node end-to-end tests' scratch project, pinned by tests/e2e-node/package-lock.json.
#           target/bench/node-noedit/: the same peer file unedited, under the stand-in.
#
# Cached: nothing is rebuilt when no input changed. A binding that is missing or fails to
# build is reported; the benchmark then skips its subjects and says why. Arguments name the
# bindings to build (`bench-peers-bindings.sh python`); none: both.
set -uo pipefail
cd "$(dirname "$0")/.."

OUT=target/bench
JOBS=${JOBS:-2}
note() { echo "bench-peers-bindings: $*" >&2; }

# True when a stamp file is older than any of the given inputs (or missing).
stale() {
  local stamp=$1
  shift
  [ ! -e "$stamp" ] || [ -n "$(find "$@" -newer "$stamp" -type f -print -quit 2>/dev/null)" ]
}

python_binding() {
  local maturin=target/python/venv/bin/maturin python=target/peers/venv/bin/python stamp=$OUT/python/installed.stamp
  [ -f bindings-python/pyproject.toml ] || { note "no bindings-python/: the Python subjects are skipped"; return 0; }
  [ -x "$python" ] || { note "no $python (scripts/setup-peers.sh): the Python subjects are skipped"; return 0; }
  if [ ! -x "$maturin" ] && [ -x scripts/setup-python.sh ]; then ./scripts/setup-python.sh || return 1; fi
  [ -x "$maturin" ] || { note "no maturin ($maturin): the Python subjects are skipped"; return 0; }
  stale "$stamp" core/src bindings-python/src bindings-python/python bindings-python/Cargo.toml \
    bindings-python/pyproject.toml Cargo.lock || return 0
  note "building the Python binding (optimized) into target/peers/venv"
  rm -rf "$OUT/python/wheels"
  mkdir -p "$OUT/python"
  "$maturin" build -q --profile bindings -m bindings-python/Cargo.toml -i "$python" --out "$OUT/python/wheels" --strip -j"$JOBS" &&
    "$python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$OUT"/python/wheels/mcpforge-*.whl &&
    touch "$stamp"
}

node_binding() {
  local dir=$OUT/node package=$OUT/node/node_modules/mcpforge stamp=$OUT/node/built.stamp
  [ -f bindings-node/Cargo.toml ] && [ -f examples/node/quickstart.mjs ] ||
    { note "no bindings-node/ or examples/node/quickstart.mjs: the Node subjects are skipped"; return 0; }
  stale "$stamp" core/src bindings-node/src bindings-node/lib bindings-node/Cargo.toml bindings-node/package.json \
    examples/node bench/servers/node bench/peers/ts_sdk1_server.mjs bindings-node/sdk-standin \
    tests/e2e-node/package-lock.json Cargo.lock ||
    return 0
  [ -d target/node/e2e/node_modules/express ] || ./scripts/setup-node.sh || return 1
  note "building the Node binding (optimized) into $dir"
  cargo build -q -j"$JOBS" --profile bindings -p mcpforge-node || return 1
  rm -rf "$dir"
  mkdir -p "$package"
  local module
  for module in target/node/e2e/node_modules/*; do
    case $(basename "$module") in mcpforge | mcpforge-*) continue ;; esac
    cp -r "$module" "$dir/node_modules/" || return 1
  done
  cp -r bindings-node/package.json bindings-node/lib "$package/" &&
    cp target/bindings/libmcpforge_node.so "$package/mcpforge.$(node -p 'require("./bindings-node/lib/platform.js").platformName()').node" &&
    cp examples/node/*.mjs bench/servers/node/*.mjs "$dir/" &&
    sed 's#from "@modelcontextprotocol/sdk/#from "mcpforge/#' bench/peers/ts_sdk1_server.mjs >"$dir/sdk1_server.mjs" &&
    node_noedit "$dir" &&
    touch "$stamp"
}

# target/bench/node-noedit/: the TypeScript SDK 1.x peer file itself, unedited, in a tree laid
# out as the `overrides` step of docs/node.md ("No edit") installs it: the stand-in generated
# from the official SDK (bindings-node/sdk-standin) as @modelcontextprotocol/sdk, the official
# SDK under its alias, and the optimized mcpforge of $1 with the same packages beside it.
node_noedit() {
  local from=$1 dir=$OUT/node-noedit
  rm -rf "$dir"
  mkdir -p "$dir" &&
    cp -r "$from/node_modules" "$dir/" &&
    mv "$dir/node_modules/@modelcontextprotocol/sdk" "$dir/node_modules/mcpforge-upstream-sdk" &&
    node bindings-node/sdk-standin/generate.mjs "$dir/node_modules/mcpforge-upstream-sdk" "$dir/standin" >/dev/null &&
    mv "$dir/standin/mcpforge-sdk" "$dir/node_modules/@modelcontextprotocol/sdk" &&
    rmdir "$dir/standin" &&
    cp bench/peers/ts_sdk1_server.mjs "$dir/"
}

# The bindings named as arguments (python, node), or both.
bindings=("$@")
[ ${#bindings[@]} -gt 0 ] || bindings=(python node)
for binding in "${bindings[@]}"; do
  "${binding}_binding" || note "the ${binding^} binding did not build; its subjects will be skipped"
done
exit 0

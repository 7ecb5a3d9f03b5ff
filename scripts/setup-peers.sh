#!/usr/bin/env bash
# Installs the benchmark peers of `make bench-peers` (docs/BENCHMARKS.md), pinned, into
# target/peers/: the official Python SDK and FastMCP in a virtualenv, the official
# TypeScript SDK in a scratch npm project (bench/peers/package.json + package-lock.json),
# the rmcp server (bench/peers/rmcp_server, its own Cargo project and lock file), and the
# peer gateways of `make bench-gateway` (bench/peers/gateways).
# Idempotent and cached: a second run installs and builds nothing. A peer that cannot be
# installed is reported and left out; the benchmark then skips it and says why. Arguments
# name the peers to install (`setup-peers.sh python_peers`); none: every peer.
set -uo pipefail
cd "$(dirname "$0")/.."

PEERS=target/peers
# httptools and uvloop are what `uvicorn[standard]` adds, the install uvicorn recommends for
# serving: with them the official SDK's HTTP server and mcpforge's ASGI app (both under
# uvicorn) are measured on the uvicorn a deployment runs, not on its pure-Python fallback.
PY_PINS="mcp==2.3.0 fastmcp==4.1.0 httptools==0.9.0 uvloop==0.23.0"

note() { echo "setup-peers: $*" >&2; }

# Python: one venv for both Python peers (FastMCP is built on the official SDK).
# shellcheck source=lib/venv.sh
. scripts/lib/venv.sh
python_peers() {
  # shellcheck disable=SC2086 # one pin per word
  ensure_venv "$PEERS/venv" $PY_PINS
}

# npm: the committed package.json and lock file, installed with `npm ci` into target/.
# bench/peers/node_modules points there so the peer finds its packages (node_modules/ is
# ignored by git).
npm_peers() {
  local dir=$PEERS/npm
  if cmp -s bench/peers/package-lock.json "$dir/package-lock.json" && [ -d "$dir/node_modules" ]; then
    ln -sfn "../../$dir/node_modules" bench/peers/node_modules
    return 0
  fi
  note "installing the TypeScript SDK (bench/peers/package-lock.json) into $dir"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp bench/peers/package.json bench/peers/package-lock.json "$dir/" &&
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) &&
    ln -sfn "../../$dir/node_modules" bench/peers/node_modules
}

# The gateways `make bench-gateway` compares with mcpforge's, pinned: supergateway and the
# npm mcp-proxy (bench/peers/gateways/package.json + package-lock.json, `npm ci` into
# target/), the PyPI mcp-proxy and FastMCP (each in a venv of its own: their pins of the
# official SDK conflict).
gateway_peers() {
  local dir=$PEERS/npm-gateways
  if ! cmp -s bench/peers/gateways/package-lock.json "$dir/package-lock.json" || [ ! -d "$dir/node_modules" ]; then
    note "installing supergateway and mcp-proxy (bench/peers/gateways/package-lock.json) into $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    cp bench/peers/gateways/package.json bench/peers/gateways/package-lock.json "$dir/" &&
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  fi
  ensure_venv "$PEERS/venv-mcp-proxy" mcp-proxy==0.13.0 && ensure_venv "$PEERS/venv-fastmcp" fastmcp==4.1.6
}

# rmcp: cargo itself is the cache (a fresh build does nothing).
rmcp_peer() {
  CARGO_TARGET_DIR=$PEERS/rmcp cargo build -q -j"${JOBS:-2}" --release --locked \
    --manifest-path bench/peers/rmcp_server/Cargo.toml
}

# The peers named as arguments (python_peers, npm_peers, rmcp_peer, gateway_peers), or all
# of them.
peers=("$@")
[ ${#peers[@]} -gt 0 ] || peers=(python_peers npm_peers rmcp_peer gateway_peers)
for peer in "${peers[@]}"; do
  if ! $peer; then
    note "$peer failed; its subjects will be skipped"
  fi
done
exit 0

#!/usr/bin/env bash
# Installs the npm packages the Node binding needs, pinned by committed lockfiles:
#   bindings-node/node_modules   zod (the binding's zod tests) and TypeScript (its compiler API
#                                reads the package's declarations: test/declarations.test.mjs)
#   target/node/e2e              the scratch project of the end-to-end tests: the official
#                                TypeScript SDK, TypeScript, @types/node and vitest
#                                (tests/e2e-node)
#   target/node/oauth            oidc-provider, the OAuth tests' authorization server
#   target/node/cli              the official MCPB command line, `mcpb` (tests/cli)
#   target/node/inspector        the official MCP Inspector that `mcpforge dev` starts
#                                (tests/cli/test_dev.py), at the version the command pins
# Idempotent and cached: npm runs only when a lockfile (or the pin) changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "setup-node: $tool is required (Node 20 or later)" >&2
    exit 1
  fi
done

# install_locked DIR: `npm ci` in DIR unless its node_modules matches its package-lock.json.
install_locked() {
  local dir=$1 stamp want
  stamp="$dir/node_modules/.mcpforge-lock-sha256"
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "setup-node: npm ci in $dir" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
}

install_locked bindings-node

# scratch_project SRC DEST: DEST gets SRC's package.json and package-lock.json, then its
# node_modules from them.
scratch_project() {
  local src=$1 dest=$2 f
  mkdir -p "$dest"
  for f in package.json package-lock.json; do
    cmp -s "$src/$f" "$dest/$f" || cp "$src/$f" "$dest/$f"
  done
  install_locked "$dest"
}

scratch_project tests/e2e-node target/node/e2e
scratch_project tests/oauth target/node/oauth
scratch_project tests/cli target/node/cli

# The Inspector is installed as `npx` installs it for the command's users, at the version
# cli/src/dev/inspector.rs pins, without a lockfile: one of its dependencies (vite) names an
# optional package the registry does not have, which `npm ci` of a lockfile refuses.
inspector=$(sed -n 's/^pub(crate) const PACKAGE: &str = "\(@modelcontextprotocol\/inspector@[0-9.]*\)";$/\1/p' cli/src/dev/inspector.rs)
if [ -z "$inspector" ]; then
  echo "setup-node: no Inspector version pinned in cli/src/dev/inspector.rs" >&2
  exit 1
fi
stamp=target/node/inspector/node_modules/.mcpforge-installed
if [ "$(cat "$stamp" 2>/dev/null)" != "$inspector" ]; then
  echo "setup-node: npm install $inspector in target/node/inspector" >&2
  mkdir -p target/node/inspector
  (cd target/node/inspector && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$inspector")
  echo "$inspector" >"$stamp"
fi

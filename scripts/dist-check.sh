#!/usr/bin/env bash
# Checks the release artifacts that `make dist` wrote to target/dist, the way users get them:
# each is installed into a scratch directory (target/dist-check) with no Rust toolchain on PATH,
# and driven by the official clients or a C consumer:
#   - the wheel: its platform tag (auditwheel: manylinux_2_17), then a fresh virtualenv with the
#     wheel and the official `mcp` client, which drives examples/python/quickstart.py over stdio
#     and Streamable HTTP (tests/dist/test_python_package.py);
#   - the npm packages: a fresh npm project installs the main package and this platform's addon
#     package; the official TypeScript client drives examples/node/quickstart.mjs from `require`
#     and `import`, and tsc type-checks a typed use (the tests of tests/e2e-node); the
#     `mcpforge` command of each package prints the same help;
#   - the C tarball: unpacked to a scratch prefix; the quickstart and the C tests are built
#     against it through pkg-config, CMake and the static archive (`make c-consumer-check`);
#   - the sdist: pip builds and installs it in a fresh virtualenv (this step needs Rust), and the
#     package serves a tool.
# Prints one line per artifact: its file, platform tag, size, and the steps that passed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dist=$root/target/dist
scratch=$root/target/dist-check
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
MCP_CLIENT="mcp==2.3.0"
PYTEST="pytest==8.4.2"

fail() { echo "dist-check: $*" >&2; exit 1; }
size() { du -h "$1" | cut -f1; }
one() { # one GLOB: the single file that matches
  local matches=("$dist"/$1)
  [[ ${#matches[@]} -eq 1 && -f ${matches[0]} ]] || fail "expected one $1 in $dist (run \`make dist\`)"
  echo "${matches[0]}"
}

wheel=$(one "mcpforge-$version-*.whl")
sdist=$(one "mcpforge-$version.tar.gz")
npm_main=$(one "mcpforge-$version.tgz")
npm_platform=$(one "mcpforge-*-$version.tgz")
c_tarball=$(one "mcpforge-c-$version-*.tar.gz")
crate=$(one "mcpforge-$version.crate")

# PATH without the Rust toolchain: every directory that holds cargo or rustc is left out.
toolchain_path=$PATH
clean_path=""
IFS=: read -r -a dirs <<< "$PATH"
for d in "${dirs[@]}"; do
  [[ -z $d || -x $d/cargo || -x $d/rustc ]] && continue
  clean_path=${clean_path:+$clean_path:}$d
done
export PATH=$clean_path
if command -v cargo >/dev/null || command -v rustc >/dev/null; then fail "the Rust toolchain is still on PATH"; fi

rm -rf "$scratch"
mkdir -p "$scratch"
report=()

# ---- the wheel
tag=$("$root/target/dist-tools/venv/bin/auditwheel" show "$wheel" | tr -d '\n' | sed -n 's/.*consistent with the following platform tag: *"\([^"]*\)".*/\1/p')
[[ $tag == manylinux_2_17_* ]] || fail "the wheel is not manylinux2014 (auditwheel: ${tag:-no tag})"
python3 -m venv "$scratch/py"
"$scratch/py/bin/python" -m pip install -q --disable-pip-version-check "$wheel" "$MCP_CLIENT" "$PYTEST"
(cd "$root/tests" && "$scratch/py/bin/python" -m pytest -q -p no:cacheprovider dist/test_python_package.py) \
  || fail "the wheel's checks failed"
"$scratch/py/bin/mcpforge" --help >"$scratch/help-wheel.txt" || fail "the wheel's mcpforge command does not run"
report+=("$(basename "$wheel")  $tag  $(size "$wheel")  installed without Rust; official client over stdio and HTTP, both wires; mcpforge command: passed")

# ---- the npm packages
mkdir -p "$scratch/npm/examples"
cp tests/e2e-node/package.json tests/e2e-node/package-lock.json "$scratch/npm/"
(cd "$scratch/npm" && npm ci --no-audit --no-fund --loglevel=error \
  && npm install --no-save --no-audit --no-fund --loglevel=error "$npm_main" "$npm_platform") \
  || fail "npm could not install the packages"
# The end-to-end project's modules, typed files and tsconfig as they are (tsc checks every
# file its tsconfig lists; the tests import their shared helpers).
cp tests/e2e-node/*.mjs tests/e2e-node/*.ts tests/e2e-node/tsconfig.json "$scratch/npm/"
cp examples/node/*.mjs "$scratch/npm/examples/"
(cd "$scratch/npm" && ./node_modules/.bin/tsc -p tsconfig.json --noEmit \
  && node --test --test-timeout=120000 quickstart.test.mjs package.test.mjs >"$scratch/npm/test.log" 2>&1) \
  || { cat "$scratch/npm/test.log" >&2; fail "the npm packages' checks failed"; }
# The same `mcpforge` command from both packages (docs/cli.md): its help, byte for byte.
"$scratch/npm/node_modules/.bin/mcpforge" --help >"$scratch/help-npm.txt" || fail "the npm package's mcpforge command does not run"
cmp -s "$scratch/help-wheel.txt" "$scratch/help-npm.txt" || fail "mcpforge --help differs between the wheel and the npm package"
platform=$(basename "$npm_platform" "-$version.tgz")
report+=("$(basename "$npm_main")  (JavaScript)  $(size "$npm_main")  installed with its addon package; tsc, require, import, official client; mcpforge command, same help as the wheel's: passed")
report+=("$(basename "$npm_platform")  ${platform#mcpforge-}  $(size "$npm_platform")  loaded from the main package: passed")

# ---- the C tarball
mkdir -p "$scratch/c/prefix"
tar -C "$scratch/c/prefix" -xzf "$c_tarball"
make --no-print-directory -s c-consumer-check C_CHECK="$scratch/c" >"$scratch/c/check.log" 2>&1 \
  || { cat "$scratch/c/check.log" >&2; fail "the C tarball's checks failed"; }
report+=("$(basename "$c_tarball")  $(basename "$c_tarball" .tar.gz | sed "s/^mcpforge-c-$version-//")  $(size "$c_tarball")  unpacked anywhere; pkg-config, static and CMake consumers: passed")

# ---- the crate (packaged and built from its own sources by `make dist`)
report+=("$(basename "$crate")  (source)  $(size "$crate")  built from the packaged sources by cargo package: passed")

# ---- the sdist: pip builds it, which needs the toolchain
export PATH=$toolchain_path
python3 -m venv "$scratch/sdist"
"$scratch/sdist/bin/python" -m pip install -q --disable-pip-version-check "$sdist" \
  || fail "pip could not build and install the sdist"
"$scratch/sdist/bin/python" - <<'PY' || fail "the package built from the sdist does not serve"
import asyncio

from mcpforge import Server

server = Server("sdist-check")


@server.tool()
def add(a: int, b: int) -> int:
    """Adds two numbers."""
    return a + b


async def main() -> None:
    async with server.test_client() as client:
        result = await client.call_tool("add", {"a": 40, "b": 2})
        assert result.raw["content"][0]["text"] == "42", result.raw


asyncio.run(main())
PY
report+=("$(basename "$sdist")  (source)  $(size "$sdist")  built by pip in a fresh virtualenv; serves a tool: passed")

echo "dist-check: every artifact installed and driven:"
printf '  %s\n' "${report[@]}"

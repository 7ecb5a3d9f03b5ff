#!/usr/bin/env bash
# Runs the official MCP conformance suite against each language's conformance fixture and
# prints one line per language and revision:
#   conformance[rust] 2025-11-25: N passed, M failed
#   conformance[client-rust] 2025-11-25: N passed, M failed, K expected failures
# CONFORMANCE_ALL=1 also runs `--suite all` (every scenario, each at its own wire version).
# CONFORMANCE_CLIENTS_ONLY=1 runs only the client side (the suite's `client` mode).
# Exit status: non-zero when any scored scenario failed or the suite could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runner="${CONFORMANCE_RUNNER:-$root/scripts/conformance-suite.py}"
if [[ ! -x "$runner" ]]; then
  echo "conformance: runner not found at $runner (set CONFORMANCE_RUNNER)" >&2
  exit 2
fi
out_root="$root/target/conformance"
mkdir -p "$out_root"
# Every fixture's lines, from which docs/CONFORMANCE.md's results table is written at the end.
results="$out_root/results.txt"
: >"$results"

# The suite and its Node.js are installed once, here, so that a failure to install is told
# once and plainly instead of as sixteen runs that did not start.
if ! "$runner" --install 2>"$out_root/install.log"; then
  echo "conformance: the suite could not be installed:" >&2
  tail -n 40 "$out_root/install.log" >&2
  exit 2
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_ready() { # wait_ready PORT PID
  for _ in $(seq 1 100); do
    if ! kill -0 "$2" 2>/dev/null; then return 1; fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

status=0
# score NAME RUNNER_TARGET...: runs the suite's requirement sets (and `--suite all` with
# CONFORMANCE_ALL=1) through the runner and prints one line per run; a failed scenario of a
# requirement set fails the whole run.
score() {
  local name=$1
  shift
  local runs=("--requirements 2025-11-25" "--requirements 2026-07-28")
  # A fixture whose 2026-07-28 run cannot apply (CONFORMANCE_HANDSHAKE_ONLY=1) runs the first.
  [[ "${CONFORMANCE_HANDSHAKE_ONLY:-0}" == "1" ]] && runs=("--requirements 2025-11-25")
  [[ "${CONFORMANCE_ALL:-0}" == "1" ]] && runs+=("--suite all")
  for args in "${runs[@]}"; do
    local label=${args##* }
    local out="$out_root/$name-$label"
    rm -rf "$out"
    local line
    # shellcheck disable=SC2086 # $args holds two words on purpose
    line=$(CONFORMANCE_OUT="$out" CONFORMANCE_ALLOW_FAIL=1 "$runner" "$@" $args 2>"$out.log" | tail -n 1) || true
    if [[ "$line" != conformance:* ]]; then
      line="conformance: the suite did not run (see $out.log)"
      status=1
      tail -n 20 "$out.log" | sed 's/^/  /' >&2 || true
    fi
    echo "conformance[$name] $label: ${line#conformance: }" | tee -a "$results"
    if [[ "$line" =~ ([0-9]+)\ failed && "${BASH_REMATCH[1]}" != "0" && "$label" != "all" ]]; then
      status=1
      sed -n 's/^FAIL /  failed: /p' "$out/summary.txt" 2>/dev/null || true
    fi
  done
}

# The skills extension's scenarios, which are on no requirement set (an extension's are
# not on the spec timeline: the suite runs them with --force): one line for the three, for
# the fixtures that serve skills (SKILLS=1 on their run_language).
SKILLS_SCENARIOS=(sep-2640-skills-directory sep-2640-skills-enumeration sep-2640-skills-manifest)
score_skills() { # score_skills NAME URL
  local name=$1 url=$2 passed=0 failed=0 scenario line
  for scenario in "${SKILLS_SCENARIOS[@]}"; do
    local out="$out_root/$name-$scenario"
    rm -rf "$out"
    line=$(CONFORMANCE_OUT="$out" CONFORMANCE_ALLOW_FAIL=1 "$runner" "$url" --scenario "$scenario" \
      --spec-version 2026-07-28 --force 2>"$out.log" | tail -n 1) || true
    if [[ "$line" =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed && "${BASH_REMATCH[1]}" == "1" ]]; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      echo "  failed: $scenario (see $out)" >&2
    fi
  done
  echo "conformance[$name] skills: $passed passed, $failed failed" | tee -a "$results"
  [[ "$failed" == "0" ]] || status=1
}

run_language() { # run_language NAME COMMAND...   (SERVE_FLAG: how the command is told its address)
  local lang=$1
  shift
  local port pid address
  port=$(free_port)
  address="127.0.0.1:$port"
  [[ "${PORT_ONLY:-0}" == "1" ]] && address=$port  # a server told its port alone (--port N)
  "$@" "${SERVE_FLAG:---http}" "$address" 2>"$out_root/$lang-server.log" &
  pid=$!
  if ! wait_ready "$port" "$pid"; then
    echo "conformance[$lang]: the fixture did not start (see $out_root/$lang-server.log)" >&2
    echo "conformance[$lang] 2025-11-25: did not run" >>"$results"
    echo "conformance[$lang] 2026-07-28: did not run" >>"$results"
    kill "$pid" 2>/dev/null || true
    status=1
    return
  fi
  score "$lang" "http://127.0.0.1:$port/mcp"
  [[ "${SKILLS:-0}" == "1" ]] && score_skills "$lang" "http://127.0.0.1:$port/mcp"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# The client side: the suite starts a test server per client scenario and runs the client
# program against it. Scenarios listed in docs/CONFORMANCE.md as expected to fail (with
# the reason) are counted apart; any other failure, or a listed scenario that passes, fails
# the run.
run_client() { # run_client NAME COMMAND
  score "client-$1" --client "$2"
}

run_client rust "$root/target/debug/conformance_client"
run_client python "$root/target/python/venv/bin/python $root/examples/python/conformance_client.py"
run_client node "node $root/examples/node/conformance_client.mjs"
if [[ "${CONFORMANCE_CLIENTS_ONLY:-0}" == "1" ]]; then
  python3 "$root/scripts/conformance-table.py" "$results"
  exit $status
fi

SKILLS=1 run_language rust "$root/target/debug/conformance"
SKILLS=1 run_language c "$root/target/c/conformance_fixture"
SKILLS=1 run_language node node "$root/examples/node/conformance.mjs"
# The Node fixture mounted in Express (httpHandler) and Hono (fetchHandler), from the
# end-to-end tests' scratch project (make node-mounted).
SERVE_FLAG=--express run_language node-express node "$root/target/node/e2e/mounted.mjs"
SERVE_FLAG=--hono run_language node-hono node "$root/target/node/e2e/mounted.mjs"
# The same fixture behind the official SDK's transport API in Express: a
# StreamableHTTPServerTransport per session in a map by session id.
SERVE_FLAG=--express-transport run_language node-transport node "$root/target/node/e2e/mounted.mjs"
SKILLS=1 run_language python "$root/target/python/venv/bin/python" "$root/examples/python/conformance_fixture.py"
# The Python fixture mounted in a Starlette application under uvicorn (ASGI), from the venv
# that has them.
SERVE_FLAG=--asgi run_language python-asgi "$root/.venv/bin/python" "$root/examples/python/conformance_fixture.py"
# python-sdk's own everything server (the suite's reference server, from the pinned mcp
# source distribution: scripts/setup-real-servers.sh), unedited, under the stand-in.
PYTHONPATH="$root/target/real-servers/python-sdk/everything-server" PORT_ONLY=1 SERVE_FLAG=--port \
  run_language python-sdk "$root/target/real-servers/venv-py/bin/mcpforge" sdk -- python -m mcp_everything_server --log-level WARNING

# The Rust fixture behind the gateway (`mcpforge gateway`, told its upstream by an
# `mcpServers` file, its address by run_language): a shared stdio child, a shared Streamable
# HTTP upstream, and per-session stdio children (the default mode, which serves sessions
# only: the 2025-11-25 set). The scenarios that cannot pass through a gateway are listed,
# with the reason, in docs/CONFORMANCE.md (CONFORMANCE_EXPECTED=gateway).
gateway="$root/target/debug/mcpforge"
fixture="$root/target/debug/conformance"
gateway_config() { # gateway_config NAME SERVER_JSON: writes the file, prints its path
  printf '{ "mcpServers": { "fixture": %s } }\n' "$2" >"$out_root/$1.json"
  echo "$out_root/$1.json"
}
export CONFORMANCE_EXPECTED=gateway
run_language gateway-stdio "$gateway" gateway --config "$(gateway_config gateway-stdio "{ \"command\": \"$fixture\", \"mode\": \"shared\" }")"
CONFORMANCE_HANDSHAKE_ONLY=1 run_language gateway-session "$gateway" gateway \
  --config "$(gateway_config gateway-session "{ \"command\": \"$fixture\", \"mode\": \"per-session\" }")"
upstream_port=$(free_port)
"$fixture" --http "127.0.0.1:$upstream_port" 2>"$out_root/gateway-upstream.log" &
upstream_pid=$!
if wait_ready "$upstream_port" "$upstream_pid"; then
  run_language gateway-http "$gateway" gateway \
    --config "$(gateway_config gateway-http "{ \"url\": \"http://127.0.0.1:$upstream_port/mcp\", \"mode\": \"shared\" }")"
else
  echo "conformance[gateway-http]: the upstream fixture did not start (see $out_root/gateway-upstream.log)" >&2
  echo "conformance[gateway-http] 2025-11-25: did not run" >>"$results"
  echo "conformance[gateway-http] 2026-07-28: did not run" >>"$results"
  status=1
fi
kill "$upstream_pid" 2>/dev/null || true
wait "$upstream_pid" 2>/dev/null || true
unset CONFORMANCE_EXPECTED
python3 "$root/scripts/conformance-table.py" "$results"
exit $status

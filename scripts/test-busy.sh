#!/usr/bin/env bash
# The whole suite (`make test`) RUNS times in a row (default 3) while BURNERS processes
# (default 1, half of a 2-core machine) keep CPUs busy: the check that no test depends on an
# idle machine. Stops at the first failing run; each run's output is kept in
# target/test-busy/run-N.log and its last lines are shown when it fails.
# Every burner is bounded in time (BURN_LIMIT seconds, default 3 hours) and stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
burners=${BURNERS:-1}
limit=${BURN_LIMIT:-10800}
out=target/test-busy
mkdir -p "$out"

pids=()
stop_burners() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_burners EXIT
for _ in $(seq "$burners"); do
  timeout "$limit" bash -c 'while :; do :; done' &
  pids+=($!)
done
echo "test-busy: $runs runs of make test with $burners CPU burner(s) running"

passed=0
for run in $(seq "$runs"); do
  log="$out/run-$run.log"
  start=$(date +%s)
  if make --no-print-directory test >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "test-busy: run $run passed in $(( $(date +%s) - start )) s ($log)"
  else
    echo "test-busy: run $run FAILED after $(( $(date +%s) - start )) s ($log); its last lines:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
done
echo "test-busy: all $passed runs passed"

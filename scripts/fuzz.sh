#!/usr/bin/env bash
# Runs fuzz targets (fuzz/) one after another, SECONDS each, on one core, and prints a line
# per target: seconds, executions, exec/s, coverage (libFuzzer's `cov:` and `ft:`), corpus
# entries and crashes. Exit status 1 when any target crashed, hung (over 10 s on one input)
# or went over the memory limits; the input is kept under target/fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh SECONDS CORPUS_DIR TARGET...
#
# New inputs go to target/fuzz/CORPUS_DIR/<target> (the committed seeds in fuzz/corpus are
# read, never written). FUZZ_SANITIZER (default none) and FUZZ_TOOLCHAIN (default: the
# rustup default) choose the build, e.g. FUZZ_SANITIZER=address FUZZ_TOOLCHAIN=nightly (a
# sanitizer needs nightly's -Z flag);
# FUZZ_PROFILE=dev builds without optimizations (half the build time, a fifteenth to a
# fiftieth of the executions per second: for runs of a few seconds).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=$1
corpus=$2
shift 2
out=target/fuzz
export CARGO_BUILD_JOBS=${JOBS:-2}
if [ -n "${FUZZ_TOOLCHAIN:-}" ]; then
  export RUSTUP_TOOLCHAIN=$FUZZ_TOOLCHAIN
fi
# Release builds with debug assertions (overflow checks, the code's debug_assert!s), or
# unoptimized ones (which have them too).
case ${FUZZ_PROFILE:-release} in
  release) profile=(--release) dir=release ;;
  dev) profile=() dir=debug ;;
  *) echo "fuzz: FUZZ_PROFILE must be release or dev" >&2; exit 2 ;;
esac
# The instrumentation libFuzzer steers by, as cargo-fuzz sets it (cargo builds the targets
# directly: no tool to install). The flags go to the fuzzed code only: with an explicit
# --target, cargo keeps RUSTFLAGS away from build scripts and procedural macros.
host=$(rustc -vV | sed -n 's/^host: //p')
flags=(-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4
  -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table
  -Cllvm-args=-sanitizer-coverage-trace-compares -Cllvm-args=-sanitizer-coverage-stack-depth
  -Cllvm-args=-simplifycfg-branch-fold-threshold=0 -Cdebug-assertions --cfg fuzzing)
case ${FUZZ_SANITIZER:-none} in
  none) ;;
  address|memory|thread|leak) flags+=("-Zsanitizer=$FUZZ_SANITIZER") ;;
  *) echo "fuzz: FUZZ_SANITIZER must be none, address, memory, thread or leak" >&2; exit 2 ;;
esac
# Hangs: 10 s on one input. Memory: 2 GiB resident; one allocation over 256 MiB (libFuzzer
# enforces -malloc_limit_mb under a sanitizer; fuzz/src/lib.rs's allocator always does).
limits=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256)

# The committed fuzz/Cargo.lock must already describe the build: a stale lock fails here
# rather than being rewritten in the working tree.
if ! cargo fetch --manifest-path fuzz/Cargo.toml --locked; then
  echo "fuzz: fuzz/Cargo.lock is stale: run 'cargo update --manifest-path fuzz/Cargo.toml --workspace' and commit it" >&2
  exit 1
fi
RUSTFLAGS="${flags[*]}" nice -n 10 cargo build --locked --manifest-path fuzz/Cargo.toml --bins \
  --target "$host" --target-dir "$out" "${profile[@]}"
bins=$out/$host/$dir

mkdir -p "$out/logs"
failed=0
printf '%-14s %8s %12s %10s %7s %7s %8s %8s\n' target seconds executions exec/s cov ft corpus crashes
for target in "$@"; do
  mkdir -p "$out/$corpus/$target" "$out/artifacts/$target"
  log=$out/logs/$target.log
  start=$(date +%s)
  status=0
  nice -n 10 "$bins/$target" "$out/$corpus/$target" "fuzz/corpus/$target" \
    -max_total_time="$seconds" -print_final_stats=1 "${limits[@]}" \
    -artifact_prefix="$out/artifacts/$target/" >"$log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - start))
  # The last status line (`#N DONE cov: C ft: F corp: E/size ...`) and the final stats.
  line=$(grep -aE '^#[0-9]+.*cov: ' "$log" | tail -n 1 || true)
  field() { sed -nE "s/.* $1: ([0-9]+).*/\\1/p" <<<"$line"; }
  final_stat() { sed -nE "s/^stat::$1: *([0-9]+)/\\1/p" "$log" | tail -n 1; }
  crashes=0
  if [ "$status" != 0 ]; then
    crashes=1
    failed=1
  fi
  printf '%-14s %8s %12s %10s %7s %7s %8s %8s\n' "$target" "$elapsed" "$(final_stat number_of_executed_units)" \
    "$(final_stat average_exec_per_sec)" "$(field cov)" "$(field ft)" "$(sed -nE 's/.* corp: ([0-9]+)\/.*/\1/p' <<<"$line")" "$crashes"
  if [ "$status" != 0 ]; then
    echo "fuzz: $target failed (exit $status); log $log" >&2
    grep -aE 'panicked at|^==[0-9]+== ERROR|^==fuzz==|Test unit written to|ALARM|out-of-memory' "$log" | head -n 8 >&2 || true
  fi
done
exit "$failed"

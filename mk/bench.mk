# Benchmarks against the official SDKs (docs/BENCHMARKS.md).
#
#   make load          build mcpforge-load (release), the load generator for any MCP server:
#                      target/release/mcpforge-load --help
#   make bench-peers   install the peers (scripts/setup-peers.sh), build every mcpforge subject
#                      in release, run all workloads under mcpforge-load over 3 alternating
#                      rounds (bench/run.py), and write docs/BENCHMARKS.md and
#                      docs/benchmarks.svg. Sizes come from BENCH_* variables (bench/workloads.py);
#                      a run with any of them changed writes to target/bench-peers/ instead.
#   make bench-middleware  each language's bench server without and with one no-op middleware
#                      (bench/middleware.py), stdio sequential and pipelined, ratios written
#                      into docs/BENCHMARKS.md
#   make hostile       hostile clients against the release `everything` server, with its RSS
#                      curve: a flood of malformed lines that is never read, 2,000 idle
#                      legacy HTTP sessions under 300 list changes (both must stay under 64 MiB),
#                      and 600 half-open connections against a 512-file limit (every ordinary
#                      client must still be answered within 100 ms)
#   make soak          1,000,000 calls over stdio against the release quickstart of every
#                      language, the server's RSS sampled every 100,000 calls
#
# mcpforge-load's own tests (and mcpforge-hostile's, on debug builds) run in
# `cargo test --workspace` (load/tests).

BENCH_OUT := target/bench
# The C subjects link the release libmcpforge (target/release) through a relative rpath.
BENCH_C_LINK := -Ltarget/release -lmcpforge -lpthread -Wl,-rpath,'$$ORIGIN/../../release'

.PHONY: load hostile soak bench-servers bench-bindings bench-peers bench-middleware

load:
	$(CARGO) build -j$(JOBS) --release -p mcpforge-load

hostile:
	$(CARGO) build -j$(JOBS) --release -p mcpforge-load -p mcpforge-examples
	./target/release/mcpforge-hostile flood -- ./target/release/everything
	./target/release/mcpforge-hostile sessions --sessions 10000 --limit-mb 128 -- ./target/release/everything
	./target/release/mcpforge-hostile slowloris -- ./target/release/everything
	./target/release/mcpforge-hostile sigterm -- ./target/release/conformance
	./target/release/mcpforge-hostile sigterm --http --seconds 30 -- ./target/release/conformance
	./target/release/mcpforge-hostile disconnect -- ./target/release/conformance
	./target/release/mcpforge-hostile slow-reader -- ./target/release/conformance
	./target/release/mcpforge-hostile idle-websockets -- ./target/release/conformance

## Soak: SOAK_CALLS (default 1,000,000) echo calls over stdio, 16 in flight, against the
## release quickstart of every language, with the server's RSS sampled every 100,000 calls:
## the curve must stay flat after warm-up (docs/SECURITY.md). The short form is a
## mcpforge-load test in `make test`.
SOAK_CALLS ?= 1000000
SOAK := ./target/release/mcpforge-load -c 16 -n $(SOAK_CALLS) --rss-every 100000 --expect-echo --no-progress --
soak: setup load bench-servers
	@./scripts/setup-peers.sh
	@$(MAKE) --no-print-directory bench-bindings
	$(SOAK) ./target/release/quickstart
	$(SOAK) ./$(BENCH_OUT)/c/quickstart
	$(SOAK) target/peers/venv/bin/python examples/python/quickstart.py
	$(SOAK) node $(BENCH_OUT)/node/quickstart.mjs

## The mcpforge subjects in release: the Rust quickstart and floor, the Rust and C slow
## servers, and the C quickstart against the release libmcpforge.
bench-servers:
	$(CARGO) build -j$(JOBS) --release -p mcpforge-examples -p mcpforge-bench-servers -p mcpforge-ffi
	@ln -sf libmcpforge.so target/release/$(C_SONAME)
	@mkdir -p $(BENCH_OUT)/c
	$(CC) $(C_FLAGS) -O2 -D_POSIX_C_SOURCE=200809L examples/c/quickstart.c -o $(BENCH_OUT)/c/quickstart $(BENCH_C_LINK)
	$(CC) $(C_FLAGS) -O2 -D_POSIX_C_SOURCE=200809L bench/servers/c/slow_server.c -o $(BENCH_OUT)/c/slow_server $(BENCH_C_LINK)
	$(CC) $(C_FLAGS) -O2 -D_POSIX_C_SOURCE=200809L bench/servers/c/middleware_server.c -o $(BENCH_OUT)/c/middleware_server $(BENCH_C_LINK)

## The Python and Node bindings in release, where they exist (skipped otherwise).
bench-bindings:
	@./scripts/bench-peers-bindings.sh

bench-peers: setup load bench-servers
	@./scripts/setup-peers.sh
	@$(MAKE) --no-print-directory bench-bindings
	python3 bench/run.py

## What one no-op middleware costs in each language (bench/middleware.py).
bench-middleware: setup load bench-servers
	@./scripts/setup-peers.sh
	@$(MAKE) --no-print-directory bench-bindings
	python3 bench/middleware.py

# `make bench` runs the engine benchmarks and then this comparison (every binding against the
# official SDKs: the targets of the binding issues are checked in its report).
BENCH_TARGETS += bench-peers

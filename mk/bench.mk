# Benchmarks against the official SDKs (docs/BENCHMARKS.md).
#
#   make load          build mcpforge-load (release), the load generator for any MCP server:
#                      target/release/mcpforge-load --help
#   make bench-peers   install the peers (scripts/setup-peers.sh), build every mcpforge subject
#                      in release, run all workloads under mcpforge-load over 3 alternating
#                      rounds (bench/run.py), and write docs/BENCHMARKS.md and
#                      docs/benchmarks.svg. Sizes come from BENCH_* variables (bench/workloads.py);
#                      a run with any of them changed writes to target/bench-peers/ instead.
#   make bench-instructions  instructions per call (callgrind) of every mcpforge subject over
#                      stdio (sequential, pipelined) and HTTP (one connection, both wires)
#                      (bench/instructions.py); with BENCH_BASE=<dir of scripts/bench-base.sh>
#                      against that revision, every ratio above 1.03 flagged. Needs valgrind.
#   make bench-middleware  each language's bench server without and with one no-op middleware
#                      (bench/middleware.py), stdio sequential and pipelined, ratios written
#                      into docs/BENCHMARKS.md
#   make bench-clients every MCP client against the same release Rust quickstart over stdio in
#                      one run (bench/clients.py): the bare load generator (the floor), mcpforge's
#                      Rust, Python and Node clients, the official Python and TypeScript clients;
#                      sequential and 64 in flight, alternating rounds, written into
#                      docs/BENCHMARKS.md with the client targets. `make bench-peers` runs it
#                      first; bench-client-python and bench-node-client are its old names.
#   make hostile       hostile clients against the release `everything` server, with its RSS
#                      curve: a flood of malformed lines that is never read, 2,000 idle
#                      legacy HTTP sessions under 300 list changes (both must stay under 64 MiB),
#                      and 600 half-open connections against a 512-file limit (every ordinary
#                      client must still be answered within 100 ms)
#   make soak          1,000,000 calls over stdio against the release quickstart of every
#                      language, the server's RSS sampled every 100,000 calls
#   make soak-hostile  SOAK_SECONDS (default 3600) of mixed hostile traffic over HTTP
#                      (`mcpforge-hostile mixed`: idle WebSockets, unique 64 KiB tool names,
#                      clients that never read, a flood of initialize, a steady client that
#                      must get every answer) against the release Rust and Python servers with
#                      every hook on (bench/servers/*/hooks_server*), both at once; RSS and
#                      open files sampled every 10 s must stay within 10% after warm-up. Each
#                      run's report is in target/soak-hostile/{rust,python}.log (readable while
#                      it runs) and printed at the end; the figures go in docs/SECURITY.md.
#                      The short forms (36 s each) run in `make test`: load/tests/hostile.rs
#                      (Rust) and tests/faults/test_mixed.py (Python).
#
# mcpforge-load's own tests (and mcpforge-hostile's, on debug builds) run in
# `cargo test --workspace` (load/tests).

BENCH_OUT := target/bench
# The C subjects link the release libmcpforge (target/release) through a relative rpath.
BENCH_C_LINK := -Ltarget/release -lmcpforge -lpthread -Wl,-rpath,'$$ORIGIN/../../release'

.PHONY: load hostile soak soak-hostile soak-hostile-rust soak-hostile-python bench-servers bench-bindings \
	bench-peers bench-middleware bench-instructions bench-clients bench-client-python bench-node-client

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

## Soak of mixed hostile traffic: SOAK_SECONDS (default 3600) of `mcpforge-hostile mixed` with
## its defaults (a 1,024-file limit, 800 idle WebSockets, 25 initialize a second, a sample every
## 10 s, the first fifth of the run as warm-up) against the release hooks servers of Rust and
## Python, the two at once (each is a light load; one hour of wall time instead of two). The
## Python one runs the release binding in the peers' venv, as `make soak` does.
SOAK_SECONDS ?= 3600
SOAK_HOSTILE_OUT := target/soak-hostile
SOAK_HOSTILE := ./target/release/mcpforge-hostile mixed --seconds $(SOAK_SECONDS) --
soak-hostile: setup load
	$(CARGO) build -j$(JOBS) --release -p mcpforge-bench-servers
	@./scripts/setup-peers.sh python_peers
	@./scripts/bench-peers-bindings.sh python
	@mkdir -p $(SOAK_HOSTILE_OUT)
	@echo "soak-hostile: $(SOAK_SECONDS) s against each server; follow $(SOAK_HOSTILE_OUT)/rust.log and python.log"
	@$(MAKE) --no-print-directory -j2 --output-sync=target soak-hostile-rust soak-hostile-python

# One server's run: its report goes to its log, then to the output. The soak holds up to 800
# WebSockets itself, so its own open-file limit is raised (the server's is set by the program).
soak-hostile-rust soak-hostile-python: soak-hostile-%:
	@ulimit -n 4096 2>/dev/null || true; \
		$(SOAK_HOSTILE) $(SOAK_HOSTILE_SERVER_$*) > $(SOAK_HOSTILE_OUT)/$*.log 2>&1; status=$$?; \
		echo "soak-hostile: the $* server"; cat $(SOAK_HOSTILE_OUT)/$*.log; exit $$status
SOAK_HOSTILE_SERVER_rust := ./target/release/hooks_server
SOAK_HOSTILE_SERVER_python := target/peers/venv/bin/python bench/servers/python/hooks_server.py

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
	$(MAKE) --no-print-directory node-addon NODE_PROFILE=bindings
	python3 bench/clients.py --write
	python3 bench/run.py

## Every client against the release Rust quickstart over stdio, in one run (bench/clients.py):
## the load generator, the Rust client (client_bench), the Python clients in the peers' venv
## (the release wheel), the Node clients (the release addon); written into docs/BENCHMARKS.md.
## BENCH_ROUNDS, BENCH_CLIENT_CALLS and BENCH_CLIENT_SEQ_CALLS set the sizes.
bench-clients: setup
	$(CARGO) build -j$(JOBS) --release -p mcpforge-load -p mcpforge-examples -p mcpforge-bench-servers \
		--bin mcpforge-load --bin quickstart --bin client_bench
	@./scripts/setup-peers.sh python_peers npm_peers
	@./scripts/bench-peers-bindings.sh python
	$(MAKE) --no-print-directory node-addon NODE_PROFILE=bindings
	python3 bench/clients.py --write

bench-client-python bench-node-client: bench-clients

## Instructions per call of every mcpforge subject, against BENCH_BASE when set
## (bench/instructions.py; BENCH_INSTRUCTIONS_ARGS passes its options, e.g. --jobs 2).
bench-instructions: setup load bench-servers
	@./scripts/setup-peers.sh
	@$(MAKE) --no-print-directory bench-bindings
	python3 bench/instructions.py $(BENCH_INSTRUCTIONS_ARGS)

## What one no-op middleware costs in each language (bench/middleware.py).
bench-middleware: setup load bench-servers
	@./scripts/setup-peers.sh
	@$(MAKE) --no-print-directory bench-bindings
	python3 bench/middleware.py

# `make bench` runs the engine benchmarks and then this comparison (every binding against the
# official SDKs: the targets of the binding issues are checked in its report).
BENCH_TARGETS += bench-peers

# `make bench-gateway`: `mcpforge gateway` in front of the release Rust quickstart (one shared
# stdio child) against the quickstart serving HTTP itself and against the peer gateways in
# front of the same child (supergateway, both mcp-proxy packages, FastMCP's proxy), 1 and 16
# sessions, alternating rounds (bench/gateway.py); prints calls/s, p50/p99 and peak RSS.
.PHONY: bench-gateway
bench-gateway:
	@./scripts/setup-peers.sh gateway_peers
	$(CARGO) build -j$(JOBS) --release -p mcpforge-load -p mcpforge-examples -p mcpforge-cli --bin mcpforge-load --bin quickstart --bin mcpforge
	python3 bench/gateway.py

# mcpforge — entry points. `make demo` and `make test` are the two commands a newcomer runs.
CARGO ?= cargo
JOBS ?= 2
export CARGO_TERM_COLOR ?= never

.PHONY: setup build demo test test-rust test-e2e conformance lint bench clean

setup:
	@./scripts/setup.sh

build: setup
	$(CARGO) build -j$(JOBS) --workspace --bins

## Builds everything and runs a real MCP session against the quickstart server.
demo: build
	./target/debug/demo ./target/debug/quickstart

## The whole test suite (what CI runs).
test: setup build lint test-rust test-e2e conformance

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy -j$(JOBS) --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test -j$(JOBS) --workspace

## The official Python MCP client drives the example servers over stdio (tests/e2e).
test-e2e: build
	.venv/bin/python -m pytest -q tests/e2e

## The official conformance suite against each language's fixture (one line per revision).
## CONFORMANCE_ALL=1 also runs every scenario (`--suite all`).
conformance: build
	./scripts/conformance.sh

## Benchmarks (release builds): prints figures and ratios; see docs/BENCHMARKS.md.
bench: setup
	$(CARGO) build -j$(JOBS) --release -p mcpforge-examples
	$(CARGO) bench -j$(JOBS) -p mcpforge --bench stdio
	$(CARGO) bench -j$(JOBS) -p mcpforge --bench http

clean:
	$(CARGO) clean

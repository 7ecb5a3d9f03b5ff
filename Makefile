# mcpforge — entry points. `make demo` and `make test` are the two commands a newcomer runs.
CARGO ?= cargo
JOBS ?= 2
export CARGO_TERM_COLOR ?= never
# On every debug build (never a release one): the features the tests' dev-dependencies add,
# so that the debug build and `cargo test` compile each dependency once
# (workspace-hack/Cargo.toml, checked by scripts/check-features.py).
DEBUG_FEATURES := --features mcpforge-workspace-hack/tests

# Every pytest run bounds each test (pytest-timeout, installed by the setup scripts): a test
# that hangs fails alone, with every thread's stack, and its suite goes on. The longest test
# (a C server under valgrind) allows itself 300 seconds.
TEST_TIMEOUT ?= 600
PYTEST_BOUND := --timeout=$(TEST_TIMEOUT)
PYTEST := .venv/bin/python -m pytest -q $(PYTEST_BOUND)

# Each language binding and tool adds its own targets in mk/<name>.mk and appends them to
# these lists: built before the conformance run, built before the end-to-end tests, run by
# `make test`, run by `make bench`.
CONFORMANCE_DEPS :=
E2E_DEPS :=
TEST_TARGETS :=
BENCH_TARGETS :=
include $(sort $(wildcard mk/*.mk))

.PHONY: setup build demo test test-suites test-rust test-e2e conformance lint bench bench-core bench-c clean c-lib c-header c-header-setup c-examples c-test

setup:
	@./scripts/setup.sh

build: setup
	$(CARGO) build -j$(JOBS) $(DEBUG_FEATURES) --workspace --bins

## Builds everything and runs a real MCP session against the quickstart server.
demo: build
	./target/debug/demo ./target/debug/quickstart

## The whole test suite (what CI runs). After the setup and the main build, the suites run
## TEST_JOBS at a time (default 2): most of their time is spent waiting on the processes and
## sockets they drive, so two overlap well on two cores; each suite's output is printed in
## one piece when it ends. TEST_JOBS=1 runs them one after another.
TEST_JOBS ?= 2
test: setup build
	@$(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target test-suites

## Every suite of `make test`, without its ordering (make test-suites -j1 for one at a time).
## The longest suites are named first, so that they start early: one of them left running
## alone at the end would keep the other job slot idle.
test-suites: lint test-rust test-sdk-python conformance fuzz-short c-test test-e2e $(TEST_TARGETS)

## Style, floors, sizes, features, docs and commits; `cargo metadata --locked` fails when a core
## dependency change left the fuzz workspace's lock file stale.
lint:
	$(CARGO) fmt --all --check
	$(CARGO) fmt --check --manifest-path fuzz/Cargo.toml
	$(CARGO) metadata --locked --format-version 1 --manifest-path fuzz/Cargo.toml >/dev/null
	python3 scripts/check-floors.py
	python3 scripts/test_check_floors.py
	python3 scripts/check-circles.py
	python3 scripts/test_check_circles.py
	python3 scripts/check-sizes.py
	python3 scripts/check-features.py
	python3 scripts/check-docs.py
	python3 scripts/test_check_docs.py
	python3 scripts/check-commits.py
	python3 scripts/test_python_graph.py
	$(CARGO) clippy -j$(JOBS) --workspace --all-targets --features mcpforge/fuzzing -- -D warnings

## MCPFORGE_REQUIRE_REDIS: the shared-store tests fail, not skip, without a redis-server
## (scripts/setup.sh installs it).
# node-setup: the OAuth client's test starts the real authorization server (oidc-provider).
test-rust: node-setup
	MCPFORGE_REQUIRE_REDIS=1 $(CARGO) test -j$(JOBS) $(DEBUG_FEATURES) --workspace

## The official Python MCP client drives the example servers over stdio (tests/e2e).
test-e2e: build $(E2E_DEPS)
	$(PYTEST) tests/e2e

## The official conformance suite against each language's fixture (one line per revision).
## CONFORMANCE_ALL=1 also runs every scenario (`--suite all`).
conformance: build $(CONFORMANCE_DEPS)
	./scripts/conformance.sh

## Benchmarks (release builds): prints figures and ratios; see docs/BENCHMARKS.md.
bench: setup bench-core bench-c $(BENCH_TARGETS)

bench-core:
	$(CARGO) build -j$(JOBS) --release -p mcpforge-examples
	$(CARGO) bench -j$(JOBS) -p mcpforge --bench stdio
	$(CARGO) bench -j$(JOBS) -p mcpforge --bench http
	$(CARGO) bench -j$(JOBS) -p mcpforge --bench http_auth
	$(CARGO) bench -j$(JOBS) -p mcpforge --features oauth --bench token_verify

## The C quickstart (against the release libmcpforge) against the Rust quickstart, same run.
C_RELEASE := target/c-release
bench-c:
	$(CARGO) build -j$(JOBS) --release -p mcpforge-ffi -p mcpforge-examples
	@ln -sf libmcpforge.so target/release/$(C_SONAME)
	@mkdir -p $(C_RELEASE)
	$(CC) -O2 $(C_FLAGS) -D_POSIX_C_SOURCE=200809L examples/c/quickstart.c -o $(C_RELEASE)/quickstart \
		-Ltarget/release -lmcpforge -lpthread -Wl,-rpath,'$$ORIGIN/../release'
	MCPFORGE_BENCH_SERVER=$(CURDIR)/$(C_RELEASE)/quickstart MCPFORGE_BENCH_FLOOR=$(CURDIR)/target/release/quickstart \
		MCPFORGE_BENCH_NAMES=c,rust $(CARGO) bench -j$(JOBS) -p mcpforge --bench stdio

## C: libmcpforge (ffi/), the cbindgen-generated include/mcpforge.h, examples/c and tests/c.
CC ?= cc
CXX ?= c++
C_OUT := target/c
C_FLAGS := -std=c11 -Wall -Wextra -Werror -Iinclude
# The binaries in target/c find target/debug/libmcpforge.so through a relative rpath.
C_LINK := -Ltarget/debug -lmcpforge -lpthread -Wl,-rpath,'$$ORIGIN/../debug'
VALGRIND := valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-possibly-lost=no --trace-children=yes
CBINDGEN := cbindgen --config ffi/cbindgen.toml --crate mcpforge-ffi ffi

# Build-tree packages: absolute paths computed here, at build time (never committed).
C_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
# The shared library's ABI name (its soname, set by ffi/build.rs): libmcpforge.so.$(C_ABI), the
# major version, or 0.<minor> before 1.0. The build tree provides it as a link.
C_ABI := $(shell echo $(C_VERSION) | awk -F. '{ print ($$1 == "0") ? "0." $$2 : $$1 }')
C_SONAME := libmcpforge.so.$(C_ABI)
C_PKG_SED := sed -e 's|@PREFIX@|$(CURDIR)|g' -e 's|@INCLUDEDIR@|$(CURDIR)/include|g' \
	-e 's|@LIBDIR@|$(CURDIR)/target/debug|g' -e 's|@VERSION@|$(C_VERSION)|g' \
	-e 's|@RPATH@|-Wl,-rpath,$${libdir}|g' -e 's|@SONAME@|$(C_SONAME)|g'
C_PKG_ENV := PKG_CONFIG_PATH=$(CURDIR)/$(C_OUT)/pkgconfig

## Also writes target/c/pkgconfig/mcpforge.pc and target/c/cmake/mcpforge/ (see docs/c.md).
c-lib:
	$(CARGO) build -j$(JOBS) $(DEBUG_FEATURES) -p mcpforge-ffi
	@ln -sf libmcpforge.so target/debug/$(C_SONAME)
	@mkdir -p $(C_OUT)/pkgconfig $(C_OUT)/cmake/mcpforge
	@$(C_PKG_SED) ffi/mcpforge.pc.in > $(C_OUT)/pkgconfig/mcpforge.pc
	@$(C_PKG_SED) ffi/cmake/mcpforgeConfig.cmake.in > $(C_OUT)/cmake/mcpforge/mcpforgeConfig.cmake
	@$(C_PKG_SED) ffi/cmake/mcpforgeConfigVersion.cmake.in > $(C_OUT)/cmake/mcpforge/mcpforgeConfigVersion.cmake

## cbindgen 0.29.4 (scripts/setup-cbindgen.sh): only the targets that generate or check the
## header install it, so `make demo` never compiles it.
c-header-setup:
	@./scripts/setup-cbindgen.sh

## Regenerates include/mcpforge.h.
c-header: c-header-setup
	$(CBINDGEN) --output include/mcpforge.h

c-examples: c-lib
	@mkdir -p $(C_OUT)
	$(CC) $(C_FLAGS) -D_POSIX_C_SOURCE=200809L examples/c/quickstart.c -o $(C_OUT)/quickstart $(C_LINK)
	$(CC) $(C_FLAGS) -D_POSIX_C_SOURCE=200809L examples/c/worker_server.c -o $(C_OUT)/worker_server $(C_LINK)
	$(CC) $(C_FLAGS) -D_POSIX_C_SOURCE=200809L examples/c/conformance_fixture.c -o $(C_OUT)/conformance_fixture $(C_LINK)
	$(CC) $(C_FLAGS) examples/c/client.c -o $(C_OUT)/client $(C_LINK)

## Header up to date, header hygiene (C11, C++17, included twice), the C tests, then the
## same tests under valgrind (no definite or indirect leaks, no invalid accesses).
c-test: setup c-header-setup c-examples
	@# test_client drives the Rust quickstart.
	$(CARGO) build -j$(JOBS) $(DEBUG_FEATURES) -p mcpforge-examples --bin quickstart
	@$(CBINDGEN) --output $(C_OUT)/mcpforge.h.regen 2>/dev/null
	@cmp -s $(C_OUT)/mcpforge.h.regen include/mcpforge.h || \
		{ echo "include/mcpforge.h is stale: run 'make c-header'" >&2; diff -u include/mcpforge.h $(C_OUT)/mcpforge.h.regen >&2; exit 1; }
	$(CC) $(C_FLAGS) -c tests/c/header_twice.c -o $(C_OUT)/header_twice_c.o
	$(CXX) -std=c++17 -Wall -Wextra -Werror -Iinclude -x c++ -c tests/c/header_twice.c -o $(C_OUT)/header_twice_cpp.o
	$(CC) $(C_FLAGS) tests/c/test_ffi.c -o $(C_OUT)/test_ffi $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_worker.c -o $(C_OUT)/test_worker $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_asks.c -o $(C_OUT)/test_asks $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_http.c -o $(C_OUT)/test_http $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_misuse.c -o $(C_OUT)/test_misuse $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_mount.c -o $(C_OUT)/test_mount $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_middleware.c -o $(C_OUT)/test_middleware $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_rate_limits.c -o $(C_OUT)/test_rate_limits $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_error_hook.c -o $(C_OUT)/test_error_hook $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_metrics.c -o $(C_OUT)/test_metrics $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_catalogue.c -o $(C_OUT)/test_catalogue $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_shared_store.c -o $(C_OUT)/test_shared_store $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_enable_disable.c -o $(C_OUT)/test_enable_disable $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_initialize_hook.c -o $(C_OUT)/test_initialize_hook $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_client.c -o $(C_OUT)/test_client $(C_LINK)
	$(CC) $(C_FLAGS) tests/c/test_client_tls.c -o $(C_OUT)/test_client_tls $(C_LINK)
	./$(C_OUT)/test_ffi ./$(C_OUT)/quickstart
	./$(C_OUT)/test_worker ./$(C_OUT)/worker_server
	./$(C_OUT)/test_asks
	./$(C_OUT)/test_http
	./$(C_OUT)/test_misuse
	./$(C_OUT)/test_mount
	./$(C_OUT)/test_middleware
	./$(C_OUT)/test_rate_limits
	./$(C_OUT)/test_error_hook
	./$(C_OUT)/test_metrics
	./$(C_OUT)/test_catalogue
	./$(C_OUT)/test_shared_store
	./$(C_OUT)/test_enable_disable
	./$(C_OUT)/test_initialize_hook
	./$(C_OUT)/test_client ./target/debug/quickstart
	./$(C_OUT)/test_client_tls
	./$(C_OUT)/client ./target/debug/quickstart >/dev/null
	@# Under valgrind each test takes one core for seconds: two at a time, outputs kept apart.
	$(MAKE) --no-print-directory -j2 --output-sync=target $(addprefix c-valgrind-,$(C_TESTS))
	@# Consumers: the quickstart built through pkg-config (and run by test_ffi), and a CMake project.
	$(C_PKG_ENV) pkg-config --exists --print-errors 'mcpforge = $(C_VERSION)'
	$(CC) -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L examples/c/quickstart.c \
		-o $(C_OUT)/quickstart_pkgconfig $$($(C_PKG_ENV) pkg-config --cflags --libs mcpforge)
	./$(C_OUT)/test_ffi ./$(C_OUT)/quickstart_pkgconfig
	@if command -v cmake >/dev/null 2>&1; then \
		set -e; rm -rf $(C_OUT)/cmake_consumer; \
		cmake -S tests/c/cmake_consumer -B $(C_OUT)/cmake_consumer -Dmcpforge_DIR=$(CURDIR)/$(C_OUT)/cmake/mcpforge \
			-DCMAKE_C_COMPILER=$(CC) >/dev/null; \
		cmake --build $(C_OUT)/cmake_consumer >/dev/null; \
		./$(C_OUT)/cmake_consumer/cmake_consumer; \
	else echo "c-test: cmake not installed: skipping the CMake consumer (tests/c/cmake_consumer)"; fi

## Each C test under valgrind (`make c-test` runs them two at a time); a test's arguments, if
## any, in C_ARGS_<name>.
C_TESTS := test_ffi test_worker test_asks test_http test_misuse test_mount test_middleware \
	test_rate_limits test_error_hook test_metrics test_catalogue test_shared_store test_enable_disable \
	test_initialize_hook test_client
C_ARGS_test_ffi := ./$(C_OUT)/quickstart
C_ARGS_test_worker := ./$(C_OUT)/worker_server
# The Redis the test starts is not ours to check.
C_VALGRIND_test_shared_store := --trace-children-skip='*/redis-server'
# test_client checks its own fixture server too, not the Rust quickstart or the system's sh and sleep.
C_ARGS_test_client := ./target/debug/quickstart
C_VALGRIND_test_client := --trace-children-skip='*/quickstart,*/sleep,*/sh'
# test_client_tls is not among them: ring's assembly (the TLS ciphers) reads memory
# memcheck cannot see initialised, so every TLS exchange reports uninitialised values.
.PHONY: $(addprefix c-valgrind-,$(C_TESTS))
$(addprefix c-valgrind-,$(C_TESTS)): c-valgrind-%:
	$(VALGRIND) $(C_VALGRIND_$*) ./$(C_OUT)/$* $(C_ARGS_$*)

clean:
	$(CARGO) clean

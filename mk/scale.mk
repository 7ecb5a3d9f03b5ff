# Scale-out: several instances behind nginx (docs/deploy.md, deploy/nginx/).
#
#   make scale-test        three instances of the `everything` example server sharing one
#                          state key, behind a real nginx, driven by the official Python and
#                          TypeScript clients, in both deployments: instances that keep their
#                          legacy sessions behind nginx with session affinity
#                          (mcpforge.conf.template), and instances sharing a Redis behind plain
#                          round-robin (mcpforge-shared.conf.template): calls spread over the
#                          instances, progress, multi-round-trip retries opened by another
#                          instance, legacy sessions, answers and subscriptions crossing
#                          instances, an instance killed under a live session, and an instance
#                          killed and restarted under 64 connections of mcpforge-load; then
#                          three `mcpforge gateway` instances with `everything` as their
#                          shared stdio child, sharing Redis (tests/scale/gateway.py); then
#                          three quickstarts as the OAuth proxy (`auth.proxy`) sharing Redis
#                          and one signing secret, in front of oidc-provider without
#                          registration (tests/scale/proxy.py). The short form (well under
#                          two minutes) is part of `make test`.
#   make scale-test-full   the same with larger scenarios and a 30 s instance-loss run
#                          (also `make scale-test SCALE_FULL=1`)
#   make scale-bench       calls/s of 1, 2 and 3 instances behind nginx against one instance
#                          without it, with the CPU per call of each part (release builds;
#                          SCALE_BENCH_ROUNDS rounds of SCALE_BENCH_SECONDS per setup, default
#                          3 x 10 s, medians shown) and the instance-loss run on release
#                          builds: the figures of docs/deploy.md
#   make scale-bench-store what the shared store costs: legacy sessions on three instances
#                          with session affinity and no store against round-robin with Redis,
#                          for `echo` and for a call that announces a resource update

SCALE_BENCH_SECONDS ?= 10
SCALE_BENCH_ROUNDS ?= 3

.PHONY: scale-setup scale-test scale-test-full scale-bench scale-bench-store

## nginx (Debian's package) and the official TypeScript SDK client (scripts/setup-scale.sh).
scale-setup:
	@./scripts/setup-scale.sh

scale-test: build scale-setup
	cp tests/oauth/provider.mjs $(NODE_OUT)/oauth/
	.venv/bin/python tests/scale/run.py $(if $(SCALE_FULL),--full,)

scale-test-full:
	@$(MAKE) --no-print-directory scale-test SCALE_FULL=1

scale-bench: setup scale-setup
	$(CARGO) build -j$(JOBS) --release -p mcpforge-load -p mcpforge-examples
	.venv/bin/python tests/scale/bench.py --seconds $(SCALE_BENCH_SECONDS) --rounds $(SCALE_BENCH_ROUNDS)

scale-bench-store: setup scale-setup
	$(CARGO) build -j$(JOBS) --release -p mcpforge-load -p mcpforge-examples
	.venv/bin/python tests/scale/store_bench.py --seconds $(SCALE_BENCH_SECONDS) --rounds $(SCALE_BENCH_ROUNDS)

TEST_TARGETS += scale-test

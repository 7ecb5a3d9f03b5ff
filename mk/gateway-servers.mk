# Published servers behind the gateway (docs/gateway.md, "Published servers through the
# gateway"): each driven by the official client directly and through `mcpforge gateway`
# (stdio upstream, Streamable HTTP downstream), the transcripts compared by meaning.
#
#   make test-gateway-servers   mcp-server-time, -git and -fetch with the official Python
#                               client (tests/gateway-servers, on the venv of
#                               test-real-servers-python), then the Node reference servers
#                               everything, filesystem and memory with the official
#                               TypeScript client (scripts/real-servers-gateway.mjs), then
#                               the command's own tests with the official TypeScript client
#                               (tests/gateway-servers/*.test.mjs: `--stdio URL`, the
#                               per-server paths, the reload of --config)

.PHONY: gateway-bin test-gateway-servers

# `mcpforge` and `everything`, from the workspace's one build.
gateway-bin: build

test-gateway-servers: gateway-bin real-servers-python node-setup
	$(RS_PY_VENV)/bin/python -m pytest -q $(PYTEST_BOUND) -p no:cacheprovider tests/gateway-servers
	node scripts/real-servers-gateway.mjs
	node --test --test-timeout=120000 tests/gateway-servers/*.test.mjs

TEST_TARGETS += test-gateway-servers

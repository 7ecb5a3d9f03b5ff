# Published servers behind the gateway (docs/gateway.md, "Published servers through the
# gateway"): each driven by the official client directly and through `mcpforge gateway`
# (stdio upstream, Streamable HTTP downstream), the transcripts compared by meaning.
#
#   make test-gateway-servers   mcp-server-time, -git and -fetch with the official Python
#                               client (tests/gateway-servers, on the venv of
#                               test-real-servers-python), then the Node reference servers
#                               everything, filesystem and memory with the official
#                               TypeScript client (scripts/real-servers-gateway.mjs)

.PHONY: gateway-bin test-gateway-servers

gateway-bin:
	$(CARGO) build -j$(JOBS) -p mcpforge-cli --bin mcpforge

test-gateway-servers: gateway-bin real-servers-python node-setup
	$(RS_PY_VENV)/bin/python -m pytest -q $(PYTEST_BOUND) -p no:cacheprovider tests/gateway-servers
	node scripts/real-servers-gateway.mjs

TEST_TARGETS += test-gateway-servers

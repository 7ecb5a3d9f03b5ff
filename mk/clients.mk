# The mcpforge clients against servers on the official SDKs, run as published (no mcpforge on
# the server side; docs/client.md, "Tested against"; docs/CONFORMANCE.md, "The mcpforge
# clients against published servers").
#
#   make test-clients   the published servers of make test-real-servers, driven once by the
#                       official client and once by mcpforge's and compared by meaning
#                       (Python: tests/clients/test_python_client.py; Node:
#                       scripts/real-servers-node.mjs --mcpforge-client), and the fixture
#                       servers on the official MCPServer and McpServer, every feature
#                       asserted (tests/clients/test_python_features.py,
#                       tests/clients/features.test.mjs), and the Python client over WebSocket
#                       against the official SDK's WebSocket server
#                       (tests/clients/test_python_websocket.py). The Python and Node halves run side
#                       by side; each prints a verdict per server. The C client drives the
#                       quickstart in make c-test (tests/c/test_client.c).

CLIENTS_LOG := target/real-servers/clients-python.log

.PHONY: test-clients

test-clients: real-servers-python node-setup node-addon
	@$(RS_PY_VENV)/bin/python -m pytest -v -p no:cacheprovider $(PYTEST_BOUND) \
		tests/clients/test_python_client.py tests/clients/test_python_features.py \
		tests/clients/test_python_websocket.py > $(CLIENTS_LOG) 2>&1 & python=$$!; \
	node scripts/real-servers-node.mjs --mcpforge-client && \
		node --test --test-timeout=120000 --test-reporter=spec tests/clients/features.test.mjs; node=$$?; \
	wait $$python; status=$$?; \
	grep -E 'PASSED|FAILED|ERROR|^E |passed|failed' $(CLIENTS_LOG); \
	[ $$status -eq 0 ] || cat $(CLIENTS_LOG); \
	[ $$node -eq 0 ] && [ $$status -eq 0 ]

TEST_TARGETS += test-clients

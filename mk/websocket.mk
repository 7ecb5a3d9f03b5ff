# MCP over WebSocket in every language: the Python `websockets` client (tests/websocket/*.py)
# and the official TypeScript SDK's WebSocketClientTransport (tests/websocket/sdk_client.test.mjs,
# run from the Node end-to-end scratch project, where the SDK is installed) drive the
# conformance fixtures of Rust, C, Python and Node, which serve WebSocket at /mcp with HTTP.

.PHONY: websocket-e2e

websocket-e2e: build $(CONFORMANCE_DEPS) node-pack
	$(PYTEST) tests/websocket
	cp tests/websocket/sdk_client.test.mjs $(NODE_E2E)/
	cd $(NODE_E2E) && MCPFORGE_ROOT=$(CURDIR) node --experimental-websocket --test --test-timeout=120000 sdk_client.test.mjs

TEST_TARGETS += websocket-e2e

# The drop-in test of the Node package: programs written on the official TypeScript SDK's
# high-level API (tests/dropin-node/servers), served once by the official SDK and once by
# mcpforge with only the `@modelcontextprotocol/sdk/` import prefix rewritten to `mcpforge/`,
# must give the official client the same answers (differences that remain are named in the
# test and in docs/node.md).
#
#   make test-dropin-node   the official client (the scratch project of the Node end-to-end
#                           tests, pinned by tests/e2e-node/package-lock.json) drives every
#                           program on both implementations over stdio, and over the
#                           official InMemoryTransport (in-memory.test.mjs) and the
#                           HTTP+SSE transport (sse.test.mjs); the experimental tool
#                           tasks over the application's task store (tasks.test.mjs)

.PHONY: test-dropin-node

test-dropin-node: node-pack
	@rm -rf $(NODE_E2E)/dropin && mkdir -p $(NODE_E2E)/dropin
	cp -r tests/dropin-node/dropin.test.mjs tests/dropin-node/in-memory.test.mjs tests/dropin-node/sse.test.mjs tests/dropin-node/tasks.test.mjs tests/dropin-node/servers $(NODE_E2E)/dropin/
	cd $(NODE_E2E) && node --test --test-timeout=120000 dropin/dropin.test.mjs dropin/in-memory.test.mjs dropin/sse.test.mjs dropin/tasks.test.mjs

TEST_TARGETS += test-dropin-node

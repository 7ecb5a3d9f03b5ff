# The official TypeScript SDK's own tests of its server side, run on mcpforge: the yardstick of
# the Node drop-in (docs/CONFORMANCE.md, "The official TypeScript SDK's own tests").
#
#   make test-sdk-node   scripts/sdk-node-tests.mjs takes the test files out of the pinned
#                        SDK tarball (npm pack, integrity-checked, cached in SDK_NODE_CACHE),
#                        rewrites their server-side imports to mcpforge and runs them with
#                        vitest (pinned by tests/e2e-node/package-lock.json) in the scratch
#                        project, next to a control run on the official SDK; prints passed,
#                        failed and skipped. Then scripts/sdk-node-examples.mjs runs the
#                        example servers of the SDK installed there twice (official, and with
#                        the server-side imports on mcpforge), drives both with the official
#                        client and the SDK's example clients and compares the transcripts;
#                        prints compared, same, differing and skipped. Fails only when a
#                        harness itself broke.

SDK_NODE_CACHE := $(NODE_OUT)/sdk-cache

.PHONY: test-sdk-node

test-sdk-node: node-pack
	node scripts/sdk-node-tests.mjs $(NODE_E2E) $(SDK_NODE_CACHE)
	node scripts/sdk-node-examples.mjs $(NODE_E2E)

TEST_TARGETS += test-sdk-node

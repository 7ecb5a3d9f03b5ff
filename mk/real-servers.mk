# Published servers on mcpforge with no edit to their files (docs/node.md, "No edit: running
# published servers").
#
#   make node-standin   generates `mcpforge-sdk`, the stand-in for @modelcontextprotocol/sdk
#                       (bindings-node/sdk-standin/generate.mjs, from the official SDK of the
#                       end-to-end scratch project), and packs it next to mcpforge's tarballs
#   make test-real-servers-node   the pinned published servers, installed as published and
#                       with the override, driven and compared (scripts/real-servers-node.mjs)

STANDIN_TARBALL := $(NODE_OUT)/mcpforge-sdk-$(NODE_VERSION).tgz

.PHONY: node-standin

node-standin: node-pack
	node bindings-node/sdk-standin/generate.mjs $(NODE_E2E)/node_modules/@modelcontextprotocol/sdk $(NODE_OUT)/packages >/dev/null
	cd $(NODE_OUT)/packages/mcpforge-sdk && npm pack --silent --pack-destination $(CURDIR)/$(NODE_OUT) >/dev/null

## The published servers on the official SDK and on mcpforge with no edit, driven by the
## official client and compared by meaning (scripts/real-servers-node.mjs).
.PHONY: test-real-servers-node

test-real-servers-node: node-standin
	node scripts/real-servers-node.mjs

TEST_TARGETS += test-real-servers-node

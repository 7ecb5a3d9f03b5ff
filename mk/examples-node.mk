# The Node example servers examples/node/business_server.mjs and users_server.mjs (see
# examples/README.md) and their end-to-end tests tests/examples/examples_node.test.mjs, which the
# official TypeScript SDK client runs against them in the scratch project target/node/e2e.

.PHONY: examples-node test-examples-node

## Lets `node examples/node/<server>.mjs` run from the repository: `mcpforge` is linked by
## node-addon; users_server.mjs imports zod, linked here to the copy bindings-node pins.
examples-node: node-setup node-addon
	@ln -sfn ../../../bindings-node/node_modules/zod examples/node/node_modules/zod

## Copies the examples and their tests into the scratch project (where the packed mcpforge is
## installed, and zod with the SDK) and runs them.
test-examples-node: node-pack examples-node
	@mkdir -p $(NODE_E2E)/examples
	cp tests/examples/examples_node.test.mjs $(NODE_E2E)/
	cp examples/node/*.mjs $(NODE_E2E)/examples/
	@cd $(NODE_E2E) && node -e "import('zod')" || \
		{ echo "test-examples-node: zod does not resolve in $(NODE_E2E)" >&2; exit 1; }
	cd $(NODE_E2E) && node --test --test-timeout=120000 examples_node.test.mjs

TEST_TARGETS += test-examples-node

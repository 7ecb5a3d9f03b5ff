# Node.js: the addon crate bindings-node (mcpforge-node), the npm package `mcpforge`,
# examples/node and tests/e2e-node. See docs/node.md.
NODE_OUT := target/node
# This machine's platform, named as the addon's packages are (linux-x64-gnu, darwin-arm64, ...).
NODE_PLATFORM := $(shell node -p 'require("./bindings-node/lib/platform.js").platformName()' 2>/dev/null)
NODE_ADDON := bindings-node/mcpforge.$(NODE_PLATFORM).node
NODE_TYPEDEFS := $(CURDIR)/$(NODE_OUT)/typedef
NODE_E2E := $(NODE_OUT)/e2e
NODE_VERSION := $(shell sed -n 's/^  "version": "\(.*\)",/\1/p' bindings-node/package.json)
NODE_TARBALL := $(NODE_OUT)/mcpforge-$(NODE_VERSION).tgz
NODE_PLATFORM_TARBALL := $(NODE_OUT)/mcpforge-$(NODE_PLATFORM)-$(NODE_VERSION).tgz
# `make node-addon NODE_PROFILE=bindings` builds the optimized addon, as published and
# benchmarked (the `bindings` profile of Cargo.toml).
NODE_PROFILE ?= debug
NODE_CARGO_FLAGS := $(if $(filter debug,$(NODE_PROFILE)),$(DEBUG_FEATURES),--profile $(NODE_PROFILE))

.PHONY: node-setup node-addon node-types node-pack node-mounted node-test node-flood

node-setup:
	@./scripts/setup-node.sh

## The addon (debug build by default), copied next to the package as mcpforge.<platform>.node.
## napi-derive writes the addon's type definitions while compiling (NAPI_TYPE_DEF_TMP_FOLDER);
## when they are missing or older than the sources (compiled without it), the crate is
## compiled again.
node-addon:
	@mkdir -p $(NODE_TYPEDEFS) examples/node/node_modules
	NAPI_TYPE_DEF_TMP_FOLDER=$(NODE_TYPEDEFS) $(CARGO) build -j$(JOBS) $(NODE_CARGO_FLAGS) -p mcpforge-node
	@if [ ! -s $(NODE_TYPEDEFS)/mcpforge-node ] || [ -n "$$(find bindings-node/src -newer $(NODE_TYPEDEFS)/mcpforge-node)" ]; then \
		touch bindings-node/src/lib.rs; \
		NAPI_TYPE_DEF_TMP_FOLDER=$(NODE_TYPEDEFS) $(CARGO) build -j$(JOBS) $(NODE_CARGO_FLAGS) -p mcpforge-node; fi
	@lib=target/$(NODE_PROFILE)/libmcpforge_node.so; [ -f $$lib ] || lib=target/$(NODE_PROFILE)/libmcpforge_node.dylib; \
		cp $$lib $(NODE_ADDON).tmp && strip --strip-debug $(NODE_ADDON).tmp 2>/dev/null; mv $(NODE_ADDON).tmp $(NODE_ADDON)
	@# The examples import `mcpforge` from the repository's package.
	@ln -sfn ../../../bindings-node examples/node/node_modules/mcpforge

## Regenerates bindings-node/lib/native.d.ts (committed) from the crate's type definitions.
node-types: node-addon
	node bindings-node/scripts/typedefs.mjs $(NODE_TYPEDEFS)/mcpforge-node > bindings-node/lib/native.d.ts

## Regenerates what mcpforge/types.js takes from the official SDK's names (committed:
## bindings-node/lib/compat/sdk-types.json, lib/sdk/types-official.*) from the SDK of the
## end-to-end scratch project.
.PHONY: node-sdk-types
node-sdk-types:
	node bindings-node/scripts/sdk-types.mjs $(NODE_E2E)/node_modules/@modelcontextprotocol/sdk

## The packages as they are published (bindings-node/scripts/main-package.mjs and
## platform-package.mjs): the main package `mcpforge`, which lists one optional dependency per
## platform, and this platform's addon package; both packed, then installed into the scratch
## project of the end-to-end tests.
node-pack: node-setup node-addon
	@rm -rf $(NODE_OUT)/packages && mkdir -p $(NODE_OUT)/packages
	node bindings-node/scripts/main-package.mjs $(NODE_OUT)/packages >/dev/null
	node bindings-node/scripts/platform-package.mjs $(NODE_ADDON) $(NODE_OUT)/packages >/dev/null
	cd $(NODE_OUT)/packages/mcpforge && npm pack --silent --pack-destination $(CURDIR)/$(NODE_OUT) >/dev/null
	cd $(NODE_OUT)/packages/mcpforge-$(NODE_PLATFORM) && npm pack --silent --pack-destination $(CURDIR)/$(NODE_OUT) >/dev/null
	cd $(NODE_E2E) && npm install --no-save --no-audit --no-fund --loglevel=error \
		$(CURDIR)/$(NODE_TARBALL) $(CURDIR)/$(NODE_PLATFORM_TARBALL)

## The binding's suite (node --test bindings-node/test), the generated types up to date,
## tsc --strict --noEmit on the typed examples against the installed package (typed-example.ts
## on mcpforge's API, typed-dropin.ts on the official SDK's), and the end-to-end tests (the
## official TypeScript SDK client drives examples/node/quickstart.mjs, the fixture mounted
## in Express and Hono, and transport-app.mjs: Express with StreamableHTTPServerTransport).
node-test: node-mounted
	@node bindings-node/scripts/typedefs.mjs $(NODE_TYPEDEFS)/mcpforge-node > $(NODE_OUT)/native.d.ts.regen
	@cmp -s $(NODE_OUT)/native.d.ts.regen bindings-node/lib/native.d.ts || \
		{ echo "bindings-node/lib/native.d.ts is stale: run 'make node-types'" >&2; \
		  diff -u bindings-node/lib/native.d.ts $(NODE_OUT)/native.d.ts.regen >&2; exit 1; }
	node --test --test-timeout=120000 bindings-node/test/*.test.mjs
	cp tests/e2e-node/*.test.mjs tests/e2e-node/helpers.mjs tests/e2e-node/transport-app.mjs tests/e2e-node/flood-*.mjs \
		tests/e2e-node/ext-apps-server.mjs $(NODE_E2E)/
	cp tests/e2e-node/typed-example.ts tests/e2e-node/typed-dropin.ts tests/e2e-node/tsconfig.json $(NODE_E2E)/
	cd $(NODE_E2E) && ./node_modules/.bin/tsc -p tsconfig.json --noEmit
	cd $(NODE_E2E) && node --test --test-timeout=120000 quickstart.test.mjs package.test.mjs mount.test.mjs transport.test.mjs ext-apps.test.mjs \
		host-origin.test.mjs parsed-body.test.mjs sessions.test.mjs

## The session floods at full scale against the official SDK's stateful pattern
## (tests/e2e-node/flood.mjs; the figures of docs/SECURITY.md): 20,000 `initialize` from one
## address, then 2,000 sessions left to expire. Each run prints its RSS before and after.
node-flood: node-mounted
	cp tests/e2e-node/helpers.mjs tests/e2e-node/flood*.mjs $(NODE_E2E)/
	cd $(NODE_E2E) && node flood.mjs bound && node flood.mjs expiry

## The scratch project with the packed packages, the examples and mounted.mjs (the
## conformance fixture mounted in Express and Hono), which `make conformance` runs too.
node-mounted: node-pack
	@mkdir -p $(NODE_E2E)/examples
	cp examples/node/*.mjs $(NODE_E2E)/examples/
	cp tests/e2e-node/mounted.mjs $(NODE_E2E)/

node-test: export MCPFORGE_REQUIRE_REDIS = 1
TEST_TARGETS += node-test
CONFORMANCE_DEPS += node-addon node-mounted

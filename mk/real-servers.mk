# Published servers on mcpforge with no edit to their files, each compared with itself on the
# official SDK (docs/CONFORMANCE.md, "Published servers, unedited").
#
#   make test-real-servers   both languages' below
#
#   make node-standin   generates `mcpforge-sdk`, the stand-in for @modelcontextprotocol/sdk
#                       (bindings-node/sdk-standin/generate.mjs, from the official SDK of the
#                       end-to-end scratch project), and packs it next to mcpforge's tarballs;
#                       the same for `mcpforge-server`, the stand-in for the SDK 2.x
#                       @modelcontextprotocol/server (generate-server.mjs), and for
#                       `mcpforge-node`, the stand-in for @modelcontextprotocol/node (--node)
#   make test-real-servers-node   the pinned published servers, installed as published and
#                       with the override, driven and compared (scripts/real-servers-node.mjs)

STANDIN_TARBALL := $(NODE_OUT)/mcpforge-sdk-$(NODE_VERSION).tgz

.PHONY: node-standin

node-standin: node-pack
	node bindings-node/sdk-standin/generate.mjs $(NODE_E2E)/node_modules/@modelcontextprotocol/sdk $(NODE_OUT)/packages >/dev/null
	cd $(NODE_OUT)/packages/mcpforge-sdk && npm pack --silent --pack-destination $(CURDIR)/$(NODE_OUT) >/dev/null
	node bindings-node/sdk-standin/generate-server.mjs $(NODE_E2E)/node_modules/@modelcontextprotocol/server $(NODE_OUT)/packages >/dev/null
	cd $(NODE_OUT)/packages/mcpforge-server && npm pack --silent --pack-destination $(CURDIR)/$(NODE_OUT) >/dev/null
	node bindings-node/sdk-standin/generate-server.mjs --node $(NODE_E2E)/node_modules/@modelcontextprotocol/node $(NODE_OUT)/packages >/dev/null
	cd $(NODE_OUT)/packages/mcpforge-node && npm pack --silent --pack-destination $(CURDIR)/$(NODE_OUT) >/dev/null

## The published servers on the official SDK and on mcpforge with no edit, driven by the
## official client and compared by meaning (scripts/real-servers-node.mjs).
.PHONY: test-real-servers-node

test-real-servers-node: node-standin
	node scripts/real-servers-node.mjs

# Published Python servers as their users install them (mcp-server-time, -git, -fetch, and
# mcp-server-sqlite on the 1.x low-level server, from the package index, pinned; python-sdk's
# everything server from the pinned mcp source distribution), each run
# on the official SDK and on mcpforge through the stand-in (`mcpforge sdk -- COMMAND`, no
# edit to their files), driven by the official client on both wires: the transcripts must
# be the same by meaning (tests/real-servers).
#
#   make test-real-servers-python   scripts/setup-real-servers.sh makes the venv, the
#                                   mcpforge wheel is installed into it, pytest compares

RS_PY_VENV := target/real-servers/venv-py
RS_PY_VENVS := $(RS_PY_VENV) target/real-servers/venv-py1
RS_PY_STAMP := target/real-servers/wheel.stamp

.PHONY: test-real-servers test-real-servers-python

test-real-servers: test-real-servers-python test-real-servers-node

test-real-servers-python: real-servers-python
	$(RS_PY_VENV)/bin/python -m pytest -q $(PYTEST_BOUND) -p no:cacheprovider tests/real-servers

## The venvs of the published Python servers, with this tree's wheel (the conformance run
## serves python-sdk's everything server from there too).
.PHONY: real-servers-python
real-servers-python: python-wheel
	@./scripts/setup-real-servers.sh
	@$(MAKE) --no-print-directory $(RS_PY_STAMP)

conformance: real-servers-python

# A venv made anew (its pyvenv.cfg newer than the stamp) gets the wheel again too.
$(RS_PY_STAMP): $(PY_STAMP) $(wildcard $(addsuffix /pyvenv.cfg,$(RS_PY_VENVS)))
	@for venv in $(RS_PY_VENVS); do \
		$$venv/bin/python -m pip install -q --disable-pip-version-check --force-reinstall --no-deps $(PY_WHEELS)/mcpforge-*.whl || exit 1; \
	done
	@touch $@

TEST_TARGETS += test-real-servers

# The OAuth end-to-end tests (tests/oauth; docs/auth.md, "How it is tested"): a real
# authorization server, oidc-provider (pinned by tests/oauth/package-lock.json, installed into
# target/node/oauth by scripts/setup-node.sh), started on loopback by each test, and the
# quickstart server of each language configured only by options (`--http ... --auth JSON`).
#
#   make test-oauth   the official Python client's OAuthClientProvider authorizes (registration,
#                     code with PKCE, resource indicator) and calls every server, with JWT and
#                     with opaque (introspected) tokens, and steps up for a tool's scope
#                     (tests/oauth/scoped_server.py); the provider's tokens the servers must
#                     refuse (tests/oauth/*.py); then the official TypeScript client's OAuth
#                     flow, the same way (tests/oauth/ts_client.test.mjs, from the scratch
#                     project target/node/e2e where the SDK is installed); and both clients
#                     through the OAuth proxy (`auth.proxy`) in front of the provider run
#                     without registration (tests/oauth/test_proxy.py and the same .mjs),
#                     and both clients with a Client ID Metadata Document served over TLS
#                     on loopback (tests/oauth/test_proxy_documents.py and the same .mjs);
#                     and mcpforge's own Python and Node clients through the same flow, with
#                     refresh, eight calls over an expired token causing one
#                     (tests/oauth/test_mcpforge_client.py, tests/oauth/mcpforge_client.test.mjs);
#                     and the C client (tests/c/test_client_oauth.c, driven by
#                     tests/oauth/test_c_client.py) the same way, once under valgrind, and
#                     with a pre-registered client and with a metadata document;
#                     and `mcpforge gateway --stdio` signing in through its browser ($BROWSER)
#                     and its redirect listener, its tokens kept in a file
#                     (tests/oauth/gateway_stdio.test.mjs)

OAUTH_OUT := $(NODE_OUT)/oauth

.PHONY: test-oauth

test-oauth: build c-examples python-wheel examples-node
	$(CC) $(C_FLAGS) tests/c/test_client_oauth.c -o $(C_OUT)/test_client_oauth $(C_LINK)
	cp tests/oauth/provider.mjs $(OAUTH_OUT)/
	cp tests/oauth/ts_client.test.mjs tests/oauth/mcpforge_client.test.mjs tests/oauth/support.mjs \
		tests/oauth/gateway_stdio.test.mjs tests/oauth/gateway_browser.mjs $(NODE_E2E)/
	$(PYTEST) tests/oauth
	cd $(NODE_E2E) && OAUTH_REPO_ROOT=$(CURDIR) node --test --test-timeout=120000 ts_client.test.mjs mcpforge_client.test.mjs \
		gateway_stdio.test.mjs

TEST_TARGETS += test-oauth

# HTTPS on the engine's own listener, in every language (docs/http.md, "HTTPS"):
#   make tls-e2e   each language's conformance fixture serves HTTPS (MCPFORGE_TLS_CERT and
#                  MCPFORGE_TLS_KEY, a certificate from a test CA made by openssl) and the
#                  official Python client calls it on both wires (tests/tls)

.PHONY: tls-e2e

tls-e2e: build $(CONFORMANCE_DEPS)
	$(PYTEST) tests/tls

TEST_TARGETS += tls-e2e

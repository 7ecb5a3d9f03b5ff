# (Named to be read after mk/node.mk and mk/python.mk: CONFORMANCE_DEPS is complete here.)
# Clients that go away mid-response or read slowly, in every language (tests/faults):
# short runs of `mcpforge-hostile disconnect` and `slow-reader` against each conformance
# fixture. `make hostile` runs the long forms. tests/faults/test_mixed.py is the short form
# of `make soak-hostile` against the Python hooks server.

.PHONY: faults-e2e

faults-e2e: build $(CONFORMANCE_DEPS)
	$(PYTEST) tests/faults

TEST_TARGETS += faults-e2e

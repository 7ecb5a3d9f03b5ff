# SIGTERM with slow calls in flight, in every language (tests/shutdown): every call answered
# (its result within the grace period, an error after it) and the process exits 0 at once.

.PHONY: shutdown-e2e

shutdown-e2e: build $(CONFORMANCE_DEPS)
	$(PYTEST) tests/shutdown

TEST_TARGETS += shutdown-e2e

# One result vocabulary in four languages (docs/results.md): the official Python client calls
# the shape_* tools of the Rust, C, Python and Node conformance fixtures over stdio, on both
# wires, and every language must give the same CallToolResult (tests/results).

.PHONY: results-e2e

results-e2e: build $(CONFORMANCE_DEPS)
	$(PYTEST) tests/results

TEST_TARGETS += results-e2e

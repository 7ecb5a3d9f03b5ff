# C binding: `make conformance` runs the C conformance fixture (target/c/conformance_fixture),
# built by the root Makefile's c-examples target.
CONFORMANCE_DEPS += c-examples
c-test: export MCPFORGE_REQUIRE_REDIS = 1

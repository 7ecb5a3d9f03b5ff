# The `mcpforge` command (cli/, crate mcpforge-cli; docs/cli.md): the cargo binary, the Python
# console script and the npm package's bin, driven against real servers by tests/cli.
#
#   make cli-test   the crate's unit tests, then tests/cli (needs the wheel and the addon)

.PHONY: cli-test

cli-test: build python-wheel node-addon
	$(CARGO) test -j$(JOBS) -p mcpforge-cli
	$(PYTEST) tests/cli

TEST_TARGETS += cli-test

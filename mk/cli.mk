# The `mcpforge` command (cli/, crate mcpforge-cli; docs/cli.md): the cargo binary, the Python
# console script and the npm package's bin, driven against real servers by tests/cli.
#
#   make cli-test       tests/cli (the crate's unit tests run in `make test-rust`; needs the
#                       wheel, the addon and its packed tarballs, libmcpforge, and the MCPB
#                       command line and the MCP Inspector that scripts/setup-node.sh
#                       installs): `dev` restarting on an edit under the official Python
#                       client, with the Inspector; `package` checked by the official MCPB
#                       tools and the registry's schema; `new` in Python, Node and C with
#                       each project's own tests, in Rust its files
#   make cli-new-rust   the Rust project `mcpforge new` makes, built and tested against
#                       core/ (its dependencies compiled once into target/cli-new: minutes)

.PHONY: cli-test cli-new-rust

cli-test: build python-wheel node-pack c-lib
	$(PYTEST) tests/cli

cli-new-rust: build
	MCPFORGE_NEW_RUST=1 $(PYTEST) tests/cli/test_new.py -k rust

TEST_TARGETS += cli-test

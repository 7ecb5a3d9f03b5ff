# The drop-in test of the Python package: programs written on the official SDK's high-level
# API (tests/dropin-python/servers), served once by the official SDK and once by mcpforge with
# only the import line changed, must give the official client the same answers on both
# wires (differences that remain are named in the test and in docs/python.md).
#
#   make test-dropin-python   the official mcp client (in .venv, pinned by scripts/setup.sh)
#                             drives every program on both implementations over stdio

.PHONY: test-dropin-python

test-dropin-python: setup python-wheel
	$(PYTEST) tests/dropin-python

TEST_TARGETS += test-dropin-python

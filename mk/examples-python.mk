# The real-world Python example servers (examples/python/*_server.py) and their end-to-end tests.
#
#   make test-examples-python   the official Python MCP client drives every server over stdio and
#                               Streamable HTTP (tests/examples/test_py_*.py); the database server
#                               also on a real PostgreSQL server the test starts
#
# scripts/setup-examples-python.sh installs pinned psycopg and psycopg_pool into .venv and Debian's postgresql
# when missing; the mcpforge wheel comes from python-wheel (mk/python.mk).

.PHONY: examples-python-setup test-examples-python

examples-python-setup:
	@./scripts/setup-examples-python.sh

test-examples-python: setup python-wheel examples-python-setup
	$(PYTEST) tests/examples/test_py_*.py

TEST_TARGETS += test-examples-python

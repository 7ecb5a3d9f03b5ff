# The real-world C example servers (examples/c/sysinfo_server.c, examples/c/sqlite_server.c)
# and their end-to-end tests.
#
#   make c-real-examples   builds target/c/sysinfo_server and target/c/sqlite_server (linked with
#                          the system's SQLite), then creates the sample database target/c/sample.db
#                          from examples/data/sample.sql with `sqlite_server --init`
#   make test-examples-c   the official Python MCP client drives both servers over stdio and
#                          Streamable HTTP, and runs each once under valgrind
#                          (tests/examples/test_c_servers.py)
#
# C_FLAGS, C_LINK and C_OUT come from the root Makefile (defined after this file is included,
# so they are only used inside recipes).

.PHONY: examples-c-setup c-real-examples test-examples-c

examples-c-setup:
	@./scripts/setup-examples-c.sh

c-real-examples: examples-c-setup c-lib
	@mkdir -p $(C_OUT)
	$(CC) $(C_FLAGS) -D_POSIX_C_SOURCE=200809L examples/c/sysinfo_server.c -o $(C_OUT)/sysinfo_server $(C_LINK) -lm
	$(CC) $(C_FLAGS) -D_POSIX_C_SOURCE=200809L examples/c/sqlite_server.c -o $(C_OUT)/sqlite_server $(C_LINK) -lsqlite3
	@rm -f $(C_OUT)/sample.db
	./$(C_OUT)/sqlite_server --init examples/data/sample.sql $(C_OUT)/sample.db </dev/null

test-examples-c: setup c-real-examples
	$(PYTEST) tests/examples/test_c_servers.py

TEST_TARGETS += test-examples-c

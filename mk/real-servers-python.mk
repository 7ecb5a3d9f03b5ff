# Published Python servers as their users install them (mcp-server-time, -git, -fetch, and
# mcp-server-sqlite on the 1.x low-level server, from the package index, pinned), each run on the official SDK and on mcpforge through the
# stand-in (`mcpforge sdk -- COMMAND`, no edit to their files), driven by the official client
# on both wires: the transcripts must be the same by meaning (tests/real-servers).
#
#   make test-real-servers-python   scripts/setup-real-servers.sh makes the venv, the
#                                   mcpforge wheel is installed into it, pytest compares

RS_PY_VENV := target/real-servers/venv-py
RS_PY_VENVS := $(RS_PY_VENV) target/real-servers/venv-py1
RS_PY_STAMP := target/real-servers/wheel.stamp

.PHONY: test-real-servers test-real-servers-python

test-real-servers: test-real-servers-python

test-real-servers-python: python-wheel
	@./scripts/setup-real-servers.sh
	@$(MAKE) --no-print-directory $(RS_PY_STAMP)
	$(RS_PY_VENV)/bin/python -m pytest -q $(PYTEST_BOUND) -p no:cacheprovider tests/real-servers

# A venv made anew (its pyvenv.cfg newer than the stamp) gets the wheel again too.
$(RS_PY_STAMP): $(PY_STAMP) $(wildcard $(addsuffix /pyvenv.cfg,$(RS_PY_VENVS)))
	@for venv in $(RS_PY_VENVS); do \
		$$venv/bin/python -m pip install -q --disable-pip-version-check --force-reinstall --no-deps $(PY_WHEELS)/mcpforge-*.whl || exit 1; \
	done
	@touch $@

TEST_TARGETS += test-real-servers

# The official Python SDK's own tests of its high-level server (mcp 2.x `MCPServer`, 1.x
# `FastMCP`), run against mcpforge with only their import lines rewritten: the yardstick of
# the drop-in (docs/CONFORMANCE.md has the figures, docs/python.md the failures by reason).
#
#   make test-sdk-python   prints passed / failed / skipped for each release, and the same
#                          for the tests of private internals; fails only when the harness
#                          breaks (hash mismatch, nothing collected), not on failing tests;
#                          SDK_PY_ARGS="1.x --file resources/ -k read" runs a part while
#                          iterating (a release, files, tests; the figures are that part's);
#                          the control and the stubbed run come from tests/sdk-python/ when
#                          nothing they depend on changed (else they run, and it says so)
#   make test-sdk-python-record   runs the stale ones too and writes tests/sdk-python/ anew
#
# scripts/setup-sdk-python.sh makes one venv per release; the mcpforge wheel (`make
# python-wheel`) is installed into each; scripts/sdk-tests-python.py downloads the releases'
# source distributions once (hashes pinned) and runs their tests. Offline after a first run.

SDK_PY_VENVS := target/sdk-python/venv-2 target/sdk-python/venv-1
SDK_PY_STAMP := target/sdk-python/wheel.stamp

.PHONY: test-sdk-python test-sdk-python-record

test-sdk-python: python-wheel
	@./scripts/setup-sdk-python.sh
	@$(MAKE) --no-print-directory $(SDK_PY_STAMP)
	python3 scripts/sdk-tests-python.py $(SDK_PY_ARGS)

test-sdk-python-record: python-wheel
	@./scripts/setup-sdk-python.sh
	@$(MAKE) --no-print-directory $(SDK_PY_STAMP)
	python3 scripts/sdk-tests-python.py --record $(SDK_PY_ARGS)

# A venv made anew (its pyvenv.cfg newer than the stamp) gets the wheel again too.
$(SDK_PY_STAMP): $(PY_STAMP) $(wildcard $(addsuffix /pyvenv.cfg,$(SDK_PY_VENVS)))
	@for venv in $(SDK_PY_VENVS); do \
		$$venv/bin/python -m pip install -q --disable-pip-version-check --force-reinstall --no-deps $(PY_WHEELS)/mcpforge-*.whl || exit 1; \
	done
	@touch $@

TEST_TARGETS += test-sdk-python

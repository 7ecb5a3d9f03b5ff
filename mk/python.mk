# The Python package `mcpforge` (bindings-python/): wheel, tests, typing check.
#
#   make python-wheel   build the wheel (maturin, debug profile) and install it into
#                       target/python/venv (the package's own test venv) and .venv (where
#                       tests/e2e runs); nothing is rebuilt or reinstalled when no input changed
#   make python-test    pytest bindings-python/tests and the typing checks (mypy's stubtest of
#                       mcpforge._native against _native.pyi, mypy --strict on the package and
#                       on a typed use of it, bindings-python/tests/typed_usage.py)
#
# `make test-e2e` builds the wheel first (E2E_DEPS), so tests/e2e/test_python_quickstart.py
# (the official client against examples/python/quickstart.py) runs with the other e2e tests.

PY_VENV := target/python/venv
PY := $(PY_VENV)/bin/python
PY_WHEELS := target/python/wheels
PY_STAMP := target/python/installed.stamp
PY_INPUTS := $(shell find core/src cli/src bindings-python/src bindings-python/python -type f -not -name '*.pyc' 2>/dev/null) \
	bindings-python/Cargo.toml bindings-python/pyproject.toml core/Cargo.toml cli/Cargo.toml Cargo.toml Cargo.lock

.PHONY: python-setup python-wheel python-test

python-setup:
	@./scripts/setup-python.sh

python-wheel: python-setup $(PY_STAMP)

$(PY_STAMP): $(PY_INPUTS) scripts/setup-python.sh $(wildcard .venv/bin/python)
	@rm -rf $(PY_WHEELS)
	$(PY_VENV)/bin/maturin build -q -m bindings-python/Cargo.toml -i $(PY) --out $(PY_WHEELS) --strip -j$(JOBS) $(DEBUG_FEATURES)
	$(PY) -m pip install -q --disable-pip-version-check --force-reinstall --no-deps $(PY_WHEELS)/mcpforge-*.whl
	@if [ -x .venv/bin/python ]; then \
		.venv/bin/python -m pip install -q --disable-pip-version-check --force-reinstall --no-deps $(PY_WHEELS)/mcpforge-*.whl; fi
	@touch $@

python-test: build python-wheel
	$(PY) -m pytest -q $(PYTEST_BOUND) bindings-python/tests
	cd bindings-python && ../$(PY) -m mypy.stubtest mcpforge._native
	cd bindings-python && ../$(PY) -m mypy --strict --cache-dir ../target/python/mypy-cache python/mcpforge
	cd bindings-python && MYPYPATH=python ../$(PY) -m mypy --strict --cache-dir ../target/python/mypy-cache tests/typed_usage.py

python-test: export MCPFORGE_REQUIRE_REDIS = 1
TEST_TARGETS += python-test
CONFORMANCE_DEPS += python-wheel
E2E_DEPS += python-wheel

# OpenTelemetry in four languages (docs/hooks.md): the official Python client, tracing with the
# OpenTelemetry SDK, calls the conformance fixtures of Rust, C, Python and Node over stdio on
# both wires, and an OTLP receiver in the test reads the span each server exports
# (tests/telemetry).

.PHONY: telemetry-e2e

telemetry-e2e: build $(CONFORMANCE_DEPS)
	$(PYTEST) tests/telemetry

TEST_TARGETS += telemetry-e2e

# Fuzzing (docs/SECURITY.md, "Fuzzing"): libFuzzer over the targets in fuzz/,
# one target at a time on one core.
#
#   make fuzz         every target FUZZ_SECONDS (default 600) in turn; prints per target the
#                     executions, exec/s, coverage (cov, ft), corpus entries and crashes, and
#                     fails on any crash, hang (10 s on one input) or allocation over the limits
#                     (2 GiB resident, 256 MiB at once). Its corpus grows in target/fuzz/corpus.
#   make fuzz-short   every target FUZZ_SHORT_SECONDS (default 5) from its committed seeds
#                     (fuzz/corpus), with a scratch corpus in target/fuzz/short-corpus: part of
#                     `make test`. Built without optimizations (FUZZ_SHORT_PROFILE, default
#                     dev): the build takes half as long (2.6 against 5.3 minutes here), and a
#                     few seconds per target still run every seed and hundreds to tens of
#                     thousands of other inputs.
#
# scripts/fuzz.sh builds the targets with cargo and the coverage flags cargo-fuzz would pass
# (nothing to install but a C++ compiler, scripts/setup-fuzz.sh). Without a sanitizer the
# default toolchain builds them: stable, no -Z flag, so CI needs no nightly;
# FUZZ_SANITIZER=address FUZZ_TOOLCHAIN=nightly runs them under ASan.

FUZZ_TARGETS := line_codec jsonrpc era uri_template http_headers request_state last_event_id arguments
FUZZ_SECONDS ?= 600
FUZZ_SHORT_SECONDS ?= 5
FUZZ_SHORT_PROFILE ?= dev

.PHONY: fuzz-setup fuzz fuzz-short

fuzz-setup:
	@JOBS=$(JOBS) ./scripts/setup-fuzz.sh

fuzz: fuzz-setup
	JOBS=$(JOBS) ./scripts/fuzz.sh $(FUZZ_SECONDS) corpus $(FUZZ_TARGETS)

fuzz-short: fuzz-setup
	@rm -rf target/fuzz/short-corpus
	JOBS=$(JOBS) FUZZ_PROFILE=$(FUZZ_SHORT_PROFILE) ./scripts/fuzz.sh $(FUZZ_SHORT_SECONDS) short-corpus $(FUZZ_TARGETS)

TEST_TARGETS += fuzz-short

# The suite on a busy machine: `make test-busy` runs `make test` three times in a row with a
# CPU burner running (scripts/test-busy.sh; RUNS and BURNERS change the counts). Not part of
# `make test` itself: it is the check that the suite does not flake under load.

.PHONY: test-busy

test-busy:
	@./scripts/test-busy.sh

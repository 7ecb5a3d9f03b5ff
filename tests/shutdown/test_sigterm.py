"""SIGTERM (what container runtimes send) with 64 slow calls in flight, against the
conformance fixtures of Rust, C, Python and Node, over stdio and over Streamable HTTP:
`mcpforge-hostile sigterm` sends the calls, signals the server and checks that every call is
answered (with its result when it finishes within the 5 s shutdown grace period, with an
error when it is cancelled at its end) and that the process exits 0 soon after."""

from __future__ import annotations

import pytest
import support
from support import LANGUAGES, fixture_command

# A bound on one scenario (grace period included), not an expectation.
RUN_BOUND = 90.0
# The server must be gone this long after SIGTERM: far above the 5 s grace period, far below
# the 30 s the slow calls would take if nothing cancelled them.
EXIT_BOUND_MS = "20000"


def hostile(*args: str) -> str:
    return support.hostile(*args, bound=RUN_BOUND)


@pytest.mark.parametrize("language", LANGUAGES)
def test_calls_that_finish_within_the_grace_period_are_answered(language: str) -> None:
    out = hostile("sigterm", "--calls", "64", "--seconds", "1", "--limit-ms", EXIT_BOUND_MS, "--", *fixture_command(language))
    assert "64 answered with a result, 0 with an error, 0 unanswered; exited exit status: 0" in out, out


@pytest.mark.parametrize("language", LANGUAGES)
def test_calls_past_the_grace_period_are_cancelled_and_answered_over_http(language: str) -> None:
    out = hostile(
        "sigterm", "--http", "--calls", "64", "--seconds", "30", "--limit-ms", EXIT_BOUND_MS, "--", *fixture_command(language)
    )
    assert "0 answered with a result, 64 with an error, 0 unanswered; exited exit status: 0" in out, out

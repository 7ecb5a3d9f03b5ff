"""Clients that go away or do not keep up, against the conformance fixtures of Rust, C,
Python and Node (`mcpforge-hostile`, short runs; `make hostile` runs the long ones):

- `disconnect`: rounds of four requests dropped mid-response over Streamable HTTP (a JSON
  answer, an SSE stream after its first event, a 2025-03-26 batch, a 2026-07-28 call) while
  a steady client keeps calling: every steady call is answered, each kind is served in full
  afterwards, and the server's memory stays within its bound;
- `slow-reader`: calls written over stdio as fast as the server takes them while the
  answers are read at about 1 MB/s: every call is answered, the server does not read ahead
  of the reader beyond its in-flight limit and output queue, and its memory stays flat;
- `idle-websockets`: with an open-file limit of 256, 200 WebSockets that send nothing (past
  the connection limit), then a new client: no upgrade is refused, the client is served,
  and the sockets closed to make room get a 1001 close frame."""

from __future__ import annotations

import pytest
import support
from support import LANGUAGES, fixture_command

# A bound on one scenario, not an expectation.
RUN_BOUND = 180.0
# RSS growth allowed once the server is ready, MiB: the same for every language (a garbage
# collector's slack included); a server that holds every unread answer grows far beyond.
GROWTH_MB = "48"


def hostile(*args: str) -> str:
    return support.hostile(*args, bound=RUN_BOUND)


@pytest.mark.parametrize("language", LANGUAGES)
def test_clients_that_drop_every_kind_of_response_lose_nobody_else_anything(language: str) -> None:
    out = hostile("disconnect", "--rounds", "200", "--limit-mb", GROWTH_MB, "--", *fixture_command(language))
    assert "800 dropped responses" in out and "each kind answered in full after the rounds" in out, out
    steady = out.split("steady client: ", 1)[1].split(";", 1)[0]
    sent, answered = steady.split(" calls, ")
    assert int(sent) > 0 and answered == f"{sent} answered", out


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_slow_reader_is_answered_in_full_without_the_server_reading_ahead(language: str) -> None:
    out = hostile("slow-reader", "--calls", "40000", "--limit-mb", GROWTH_MB, "--", *fixture_command(language))
    assert "40000 calls, 40000 answered" in out, out


@pytest.mark.parametrize("language", LANGUAGES)
def test_idle_websockets_make_room_for_new_clients(language: str) -> None:
    out = hostile("idle-websockets", "--sockets", "200", "--limit-mb", GROWTH_MB, "--", *fixture_command(language))
    assert "200 idle WebSockets open, 0 upgrades refused" in out and "a new client was served" in out, out
    assert "close codes [1001]" in out, out

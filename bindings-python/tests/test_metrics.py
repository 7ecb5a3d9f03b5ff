"""Request metrics from Python (``Server(metrics=True)``): the snapshot ``metrics()`` and the
Prometheus text ``metrics_text()`` after real calls through the engine, the text read by the
official Prometheus client's parser; a server without metrics has neither."""

from __future__ import annotations

from typing import Dict, List, Tuple

import pytest
from conftest import run
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from mcpforge import ProtocolError, Server, ToolError


def served() -> Server:
    server = Server("metered", metrics=True)

    @server.tool()
    def echo(text: str) -> str:
        return text

    @server.tool()
    def lookup(city: str) -> str:
        raise ToolError(f"no such city: {city}")

    @server.resource("notes://{topic}")
    def note(topic: str) -> str:
        return f"notes on {topic}"

    return server


def samples(text: str) -> Dict[str, List[Sample]]:
    """Every sample of the exposition, by sample name (``_total``, ``_bucket``, ... kept)."""
    found: Dict[str, List[Sample]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append(sample)
    return found


def value(found: Dict[str, List[Sample]], sample: str, /, **labels: str) -> float:
    """The one sample called ``sample`` with exactly these labels (``le`` included if given)."""
    hits = [s.value for s in found.get(sample, []) if s.labels == labels]
    assert len(hits) == 1, (sample, labels, found.get(sample))
    return hits[0]


def test_metrics_per_tool_read_by_the_prometheus_parser() -> None:
    server = served()

    async def body() -> None:
        async with server.test_client() as client:
            for word in ("a", "b"):
                assert (await client.call_tool("echo", {"text": word})).content[0]["text"] == word
            assert (await client.call_tool("lookup", {"city": "Atlantis"})).is_error
            with pytest.raises(ProtocolError):
                await client.call_tool("missing", {})
            await client.read_resource("notes://rust")

    run(body)
    found = samples(server.metrics_text() or "")
    call = "tools/call"
    assert value(found, "mcpforge_requests_total", method=call, name="echo", outcome="ok") == 2
    assert value(found, "mcpforge_requests_total", method=call, name="lookup", outcome="tool_error") == 1
    assert value(found, "mcpforge_requests_total", method=call, name="unknown", outcome="error") == 1
    read = "resources/read"
    assert value(found, "mcpforge_requests_total", method=read, name="notes://{topic}", outcome="ok") == 1
    assert value(found, "mcpforge_request_duration_seconds_count", method=call, name="echo") == 2
    assert value(found, "mcpforge_request_duration_seconds_bucket", method=call, name="echo", le="+Inf") == 2
    assert value(found, "mcpforge_request_duration_seconds_sum", method=call, name="echo") >= 0
    assert value(found, "mcpforge_requests_in_flight", method=call, name="echo") == 0


def test_the_snapshot_holds_the_same_figures() -> None:
    server = served()

    async def body() -> None:
        async with server.test_client() as client:
            await client.call_tool("echo", {"text": "x"})
            await client.call_tool("lookup", {"city": "Ys"})

    run(body)
    snapshot = server.metrics()
    assert snapshot is not None
    series: Dict[Tuple[str, str], dict] = {(s["method"], s["name"]): s for s in snapshot["series"]}
    echo = series[("tools/call", "echo")]
    assert echo["outcomes"]["ok"] == 1 and echo["count"] == 1 and echo["inFlight"] == 0
    assert echo["buckets"][-1] == {"le": "+Inf", "count": 1}
    counts = [b["count"] for b in echo["buckets"]]
    assert counts == sorted(counts), "buckets are cumulative"
    assert series[("tools/call", "lookup")]["outcomes"]["tool_error"] == 1


def test_a_server_without_metrics_has_none() -> None:
    server = Server("plain")
    assert server.metrics() is None
    assert server.metrics_text() is None


def test_a_bad_metrics_address_is_refused() -> None:
    with pytest.raises(ValueError, match="metrics_address"):
        Server("bad", metrics_address="not an address")

"""OpenTelemetry in four languages. This test process traces like an agent would: the
OpenTelemetry SDK records its spans, and the official Python client, calling inside one of
them, puts the W3C `traceparent` of its own client span into the request's `_meta`. Each
language's conformance fixture serves stdio with the standard `OTEL_EXPORTER_OTLP_ENDPOINT`
pointing at an OTLP/HTTP receiver in this test (decoded with the official OpenTelemetry
protocol package), on both wires. For every language and wire:

- the server exports exactly one `tools/call trace_context` span, of kind SERVER, in the
  client's trace, whose parent is the client's span, under the service name it was given,
  with the MCP attributes (method, tool, protocol version, era, outcome);
- the handler saw that span's position (`trace_context` answers its `traceparent`), so work
  it traces nests under the engine's span; in Rust the handler's own span is exported as
  that span's child.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, TextIO

import pytest
from opentelemetry import trace
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from support import LANGUAGES, MODERN, WIRES, fixture_command, local_http_server, over_stdio, run, text_of

# How long the spans of a finished session may take to reach the receiver (the servers
# export every 100 ms here and flush when they stop serving).
ARRIVAL_BOUND = 15.0
# The kind of a server span in OTLP (opentelemetry.proto.trace.v1.Span.SpanKind).
SPAN_KIND_SERVER = 2


@dataclass
class Exported:
    """One span as the receiver decoded it."""

    service: str
    name: str
    trace_id: str
    span_id: str
    parent_span_id: str
    kind: int
    attributes: dict[str, Any]


@dataclass
class Receiver:
    """What the OTLP receiver got, shared with its request handler threads."""

    port: int = 0
    spans: list[Exported] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def in_trace(self, trace_id: str) -> list[Exported]:
        with self.lock:
            return [s for s in self.spans if s.trace_id == trace_id]


def _value(any_value: Any) -> Any:
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


def _decode(body: bytes) -> list[Exported]:
    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    out = []
    for resource_spans in request.resource_spans:
        resource = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                out.append(
                    Exported(
                        service=str(resource.get("service.name", "")),
                        name=span.name,
                        trace_id=span.trace_id.hex(),
                        span_id=span.span_id.hex(),
                        parent_span_id=span.parent_span_id.hex(),
                        kind=span.kind,
                        attributes={a.key: _value(a.value) for a in span.attributes},
                    )
                )
    return out


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    """An OTLP/HTTP receiver (protobuf) on a free port of 127.0.0.1."""
    got = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the http.server name)
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if self.path != "/v1/traces" or self.headers.get("Content-Type") != "application/x-protobuf":
                self.send_error(404)
                return
            spans = _decode(body)
            with got.lock:
                got.spans.extend(spans)
                got.requests += 1
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    with local_http_server(Handler) as httpd:
        got.port = httpd.server_address[1]
        yield got


@pytest.fixture(scope="module")
def client_spans() -> InMemorySpanExporter:
    """The client side's spans (this process's tracer provider, set once)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return exporter


def server_env(receiver: Receiver, language: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver.port}",
            "OTEL_SERVICE_NAME": f"fixture-{language}",
            "OTEL_BSP_SCHEDULE_DELAY": "100",
        }
    )
    for name in ("OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "MCPFORGE_TRACE"):
        env.pop(name, None)
    return env


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_request_span_continues_the_clients_trace(
    language: str, wire: str, receiver: Receiver, client_spans: InMemorySpanExporter, errlog: TextIO
) -> None:
    tracer = trace.get_tracer("mcpforge-tests")
    seen: dict[str, str] = {}

    async def body() -> None:
        async with over_stdio(fixture_command(language), wire, errlog, env=server_env(receiver, language)) as peer:
            with tracer.start_as_current_span(f"agent turn {language} {wire}") as turn:
                seen["trace"] = format(turn.get_span_context().trace_id, "032x")
                seen["answer"] = text_of(await peer.call_tool("trace_context", {}))

    run(body)
    trace_id = seen["trace"]
    sent = [s for s in client_spans.get_finished_spans() if format(s.context.trace_id, "032x") == trace_id]
    client = [s for s in sent if s.name == "MCP send tools/call trace_context"]
    assert len(client) == 1, [s.name for s in sent]
    client_span_id = format(client[0].context.span_id, "016x")

    deadline = time.monotonic() + ARRIVAL_BOUND
    while not [s for s in receiver.in_trace(trace_id) if s.name == "tools/call trace_context"]:
        assert time.monotonic() < deadline, f"no span of the trace arrived ({receiver.requests} exports received)"
        time.sleep(0.05)
    exported = receiver.in_trace(trace_id)
    served = [s for s in exported if s.name == "tools/call trace_context"]
    assert len(served) == 1, [s.name for s in exported]
    span = served[0]
    assert span.service == f"fixture-{language}"
    assert span.kind == SPAN_KIND_SERVER
    assert span.parent_span_id == client_span_id
    attributes = span.attributes
    assert attributes["mcp.method.name"] == "tools/call"
    assert attributes["gen_ai.tool.name"] == "trace_context"
    assert attributes["gen_ai.operation.name"] == "execute_tool"
    assert attributes["mcp.protocol.version"] == wire
    assert attributes["mcpforge.era"] == ("stateless" if wire == MODERN else "session")
    assert attributes["mcpforge.outcome"] == "ok"
    assert "error.type" not in attributes

    # The handler saw the engine's span, a child of the client's, sampled as the client's is
    # (the flags travel on: the Python SDK also sets W3C level 2's "random" bit).
    version, seen_trace, seen_span, flags = seen["answer"].split("-")
    assert (version, seen_trace, seen_span) == ("00", trace_id, span.span_id)
    assert int(flags, 16) == client[0].context.trace_flags
    if language == "rust":
        deadline = time.monotonic() + ARRIVAL_BOUND
        while not (own := [s for s in receiver.in_trace(trace_id) if s.name == "fixture.trace_context"]):
            assert time.monotonic() < deadline, "the handler's own span did not arrive"
            time.sleep(0.05)
        assert len(own) == 1 and own[0].parent_span_id == span.span_id

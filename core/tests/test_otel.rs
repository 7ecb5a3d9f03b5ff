//! Request spans in OpenTelemetry (`otel` feature): a request continues the client's W3C
//! trace from `_meta.traceparent`, its span is named and attributed after the MCP
//! conventions (method, tool, era, version, outcome), a handler's own spans nest under it,
//! the handler reads the span's trace position from its context, and failures mark the
//! span as an error. Recorded with the SDK's in-memory exporter.

use std::sync::OnceLock;

use mcpforge::{MemoryClient, RequestContext, Server, Tool, ToolError};
use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use serde_json::{Value, json};
use tracing_subscriber::layer::SubscriberExt;

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN: &str = "00f067aa0ba902b7";

/// The process's subscriber (set once: the server's tasks run on runtime threads).
fn recorder() -> &'static (SdkTracerProvider, InMemorySpanExporter) {
    static RECORDER: OnceLock<(SdkTracerProvider, InMemorySpanExporter)> = OnceLock::new();
    RECORDER.get_or_init(|| {
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
        let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("test"));
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer)).unwrap();
        (provider, exporter)
    })
}

fn server() -> Server {
    Server::builder("otel-test", "1.0.0")
        .tool(Tool::new("traced"), |ctx: RequestContext, _: Value| async move {
            let own = tracing::info_span!("lookup.database");
            let _entered = own.enter();
            let position = ctx.trace_context().map(|t| t.traceparent()).unwrap_or_default();
            Ok::<_, ToolError>(position)
        })
        .tool(Tool::new("refuses"), |_: Value| async move { Err::<String, _>(ToolError::new("no such city")) })
        .build()
        .unwrap()
}

fn meta(trace: &str) -> Value {
    json!({ "traceparent": format!("00-{trace}-{CLIENT_SPAN}-01"), "tracestate": "vendor=abc" })
}

/// The finished spans named `name`.
fn spans_named(name: &str) -> Vec<SpanData> {
    let (provider, exporter) = recorder();
    provider.force_flush().unwrap();
    exporter.get_finished_spans().unwrap().into_iter().filter(|s| s.name == name).collect()
}

fn attribute(span: &SpanData, key: &str) -> Option<String> {
    span.attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| kv.value.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_continues_the_clients_trace_and_the_handler_nests_under_it() {
    recorder();
    let client = MemoryClient::connect(&server());
    client.initialize("2025-06-18", json!({})).await.unwrap();
    let trace = "4bf92f3577b34da6a3ce929d0e0e4701";
    let result =
        client.request("tools/call", json!({ "name": "traced", "arguments": {}, "_meta": meta(trace) })).await.unwrap();
    let seen = result["content"][0]["text"].as_str().unwrap().to_owned();

    let request = spans_named("tools/call traced");
    let request: Vec<_> = request.iter().filter(|s| s.span_context.trace_id().to_string() == trace).collect();
    assert_eq!(request.len(), 1, "one request span in the client's trace");
    let request = request[0];
    assert_eq!(request.parent_span_id.to_string(), CLIENT_SPAN);
    assert!(request.parent_span_is_remote);
    assert_eq!(request.span_kind, SpanKind::Server);
    assert_eq!(request.status, Status::Unset);
    assert_eq!(attribute(request, "mcp.method.name").as_deref(), Some("tools/call"));
    assert_eq!(attribute(request, "gen_ai.tool.name").as_deref(), Some("traced"));
    assert_eq!(attribute(request, "mcp.protocol.version").as_deref(), Some("2025-06-18"));
    assert_eq!(attribute(request, "mcpforge.era").as_deref(), Some("session"));
    assert_eq!(attribute(request, "mcpforge.outcome").as_deref(), Some("ok"));
    assert_eq!(attribute(request, "jsonrpc.request.id").as_deref(), Some("2"));

    // The handler's own span is a child of the request's.
    let own: Vec<_> =
        spans_named("lookup.database").into_iter().filter(|s| s.span_context.trace_id().to_string() == trace).collect();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].parent_span_id, request.span_context.span_id());

    // The handler read the request span's position, with the client's tracestate.
    assert_eq!(seen, format!("00-{trace}-{}-01", request.span_context.span_id()));
    assert_eq!(request.span_context.trace_state().header(), "vendor=abc");
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_mark_the_span_and_the_stateless_wire_is_told_apart() {
    recorder();
    let client = MemoryClient::connect(&server());
    let trace = "4bf92f3577b34da6a3ce929d0e0e4702";
    let mut params = json!({ "name": "refuses", "arguments": {} });
    params["_meta"] = MemoryClient::modern_meta(json!({}));
    params["_meta"]["traceparent"] = meta(trace)["traceparent"].clone();
    let result = client.request("tools/call", params).await.unwrap();
    assert_eq!(result["isError"], true);
    let missing = client
        .request(
            "tools/call",
            json!({ "name": "nowhere", "arguments": {}, "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {},
                "traceparent": format!("00-{trace}-{CLIENT_SPAN}-01"),
            }}),
        )
        .await;
    assert!(missing.is_err());

    let in_trace = |name: &str| -> Vec<SpanData> {
        spans_named(name).into_iter().filter(|s| s.span_context.trace_id().to_string() == trace).collect()
    };
    let refused = in_trace("tools/call refuses");
    assert_eq!(refused.len(), 1);
    let refused = &refused[0];
    assert!(matches!(refused.status, Status::Error { .. }), "{:?}", refused.status);
    assert_eq!(attribute(refused, "error.type").as_deref(), Some("tool_error"));
    assert_eq!(attribute(refused, "mcpforge.outcome").as_deref(), Some("tool_error"));
    assert_eq!(attribute(refused, "mcpforge.era").as_deref(), Some("stateless"));
    assert_eq!(attribute(refused, "mcp.protocol.version").as_deref(), Some("2026-07-28"));

    let unknown = in_trace("tools/call nowhere");
    assert_eq!(unknown.len(), 1);
    assert_eq!(attribute(&unknown[0], "mcpforge.outcome").as_deref(), Some("error"));
    assert_eq!(attribute(&unknown[0], "error.type").as_deref(), Some("-32602"));
    assert_eq!(attribute(&unknown[0], "rpc.response.status_code").as_deref(), Some("-32602"));
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_traceparent_a_request_starts_its_own_trace() {
    recorder();
    let client = MemoryClient::connect(&server());
    client.initialize("2025-06-18", json!({})).await.unwrap();
    let result = client.call_tool("traced", json!({})).await.unwrap();
    let seen = result["content"][0]["text"].as_str().unwrap().to_owned();
    let span = spans_named("tools/call traced")
        .into_iter()
        .find(|s| seen.contains(&s.span_context.span_id().to_string()))
        .expect("the handler saw its request's span");
    assert_eq!(span.parent_span_id, opentelemetry::SpanId::INVALID);
    assert_ne!(span.span_context.trace_id().to_string(), TRACE);
    client.close().await.unwrap();
}

/// Text a client chose (tool name, method, request id, URI, version) is cut to a bound in
/// the span, on a character boundary: a span of a call naming a 1 MiB tool holds no more
/// than a few hundred bytes of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_chosen_text_is_bounded_in_spans() {
    recorder();
    let client = MemoryClient::connect(&server());
    client.initialize("2025-06-18", json!({})).await.unwrap();
    let trace = "4bf92f3577b34da6a3ce929d0e0e4703";
    // `é` is two bytes: a cut in the middle of one would not be text.
    let huge = format!("huge-{}", "é".repeat(512 * 1024));
    let id = format!("id-{}", "x".repeat(1024 * 1024));
    let call = json!({ "name": huge, "arguments": {}, "_meta": meta(trace) });
    let answer = client.request_with_id(json!(id), "tools/call", call).await;
    assert!(answer.get("error").is_some());
    let method = format!("x/{}", "m".repeat(1024 * 1024));
    let answer = client.request_with_id(json!(7), &method, json!({ "_meta": meta(trace) })).await;
    assert!(answer.get("error").is_some());

    let (provider, exporter) = recorder();
    provider.force_flush().unwrap();
    let spans: Vec<SpanData> = exporter
        .get_finished_spans()
        .unwrap()
        .into_iter()
        .filter(|s| s.span_context.trace_id().to_string() == trace)
        .collect();
    assert_eq!(spans.len(), 2, "{spans:?}");
    for span in &spans {
        assert!(span.name.len() <= 600, "span name of {} bytes", span.name.len());
        for kv in &span.attributes {
            let value = kv.value.as_str();
            // 256 bytes, and the quotes of a string id.
            assert!(value.len() <= 258, "{} holds {} bytes", kv.key, value.len());
        }
    }
    let call = spans.iter().find(|s| s.name.starts_with("tools/call huge-")).expect("the call's span");
    let tool = attribute(call, "gen_ai.tool.name").unwrap();
    assert!(tool.starts_with("huge-éé") && tool.ends_with('…'), "{tool}");
    assert!(attribute(call, "jsonrpc.request.id").unwrap().trim_start_matches('"').starts_with("id-xxx"));
    client.close().await.unwrap();
}

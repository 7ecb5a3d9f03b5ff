//! Request metrics over any transport (here the in-memory one): counted per method and per
//! tool/resource name with each outcome (ok, tool error, client error, internal error, rate
//! limited), names a client invents folded into `unknown`, template reads labelled by the
//! template, the JSON snapshot and the Prometheus text agreeing, and nothing kept when
//! metrics are off.

use std::collections::BTreeMap;
use std::time::Duration;

use mcpforge::protocol::ResourceContents;
use mcpforge::{
    HandlerError, MemoryClient, ProtocolError, Rate, RateLimits, RequestContext, ResourceTemplate, Server, Tool,
    ToolError,
};
use serde_json::{Value, json};

fn builder() -> mcpforge::ServerBuilder {
    Server::builder("metrics-test", "1.0.0")
        .tool(Tool::new("echo"), |_args: Value| async move { Ok::<_, ToolError>("echo".to_owned()) })
        .tool(Tool::new("refuses"), |_args: Value| async move { Err::<String, ToolError>(ToolError::new("no")) })
        .tool(Tool::new("broken"), |_args: Value| async move {
            Err::<String, HandlerError>(ProtocolError::internal("database down").into())
        })
        .tool(Tool::new("limited"), |_args: Value| async move { Ok::<_, ToolError>("ok".to_owned()) })
        .rate_limits(RateLimits {
            tools: [("limited".to_owned(), Rate::new(1, Duration::from_secs(60)))].into(),
            ..RateLimits::default()
        })
        .resource_template(
            ResourceTemplate::new("notes://{id}", "note"),
            |_ctx: RequestContext, uri: String, _vars: BTreeMap<String, String>| async move {
                Ok::<_, ToolError>(vec![ResourceContents::text(uri, None, "a note")])
            },
        )
}

async fn legacy(server: &Server) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("initialize");
    client
}

/// The outcome counts of the series (`method`, `name`) in a snapshot.
fn outcomes(snapshot: &Value, method: &str, name: &str) -> Value {
    let series = snapshot["series"].as_array().expect("series");
    series
        .iter()
        .find(|s| s["method"] == method && s["name"] == name)
        .map(|s| s["outcomes"].clone())
        .unwrap_or_else(|| panic!("no series {method} {name} in {snapshot}"))
}

#[tokio::test]
async fn every_outcome_is_counted_per_tool_and_resource() {
    let server = builder().metrics(true).build().unwrap();
    let client = legacy(&server).await;
    for _ in 0..3 {
        client.call_tool("echo", json!({})).await.unwrap();
    }
    assert_eq!(client.call_tool("refuses", json!({})).await.unwrap()["isError"], true);
    client.call_tool("broken", json!({})).await.unwrap_err();
    client.call_tool("limited", json!({})).await.unwrap();
    assert_eq!(client.call_tool("limited", json!({})).await.unwrap_err().code, -32029);
    for invented in ["a", "b", "c"] {
        assert_eq!(client.call_tool(invented, json!({})).await.unwrap_err().code, -32602);
    }
    for id in 1..=4 {
        client.request("resources/read", json!({ "uri": format!("notes://{id}") })).await.unwrap();
    }

    let snap = server.metrics().expect("metrics are on");
    let count = |o: &Value, k: &str| o[k].as_u64().unwrap();
    let echo = outcomes(&snap, "tools/call", "echo");
    assert_eq!(count(&echo, "ok"), 3);
    assert_eq!(count(&echo, "error"), 0);
    assert_eq!(count(&outcomes(&snap, "tools/call", "refuses"), "tool_error"), 1);
    assert_eq!(count(&outcomes(&snap, "tools/call", "broken"), "internal_error"), 1);
    let limited = outcomes(&snap, "tools/call", "limited");
    assert_eq!((count(&limited, "ok"), count(&limited, "rate_limited")), (1, 1));
    assert_eq!(count(&outcomes(&snap, "tools/call", "unknown"), "error"), 3, "invented names share one series");
    assert_eq!(count(&outcomes(&snap, "resources/read", "notes://{id}"), "ok"), 4, "reads labelled by template");
    assert_eq!(count(&outcomes(&snap, "initialize", ""), "ok"), 1);
    let series = snap["series"].as_array().unwrap();
    let echo_series = series.iter().find(|s| s["name"] == "echo").unwrap();
    assert_eq!(echo_series["count"], 3);
    assert_eq!(echo_series["inFlight"], 0);
    assert_eq!(echo_series["buckets"].as_array().unwrap().last().unwrap(), &json!({"le": "+Inf", "count": 3}));

    // The text form carries the same figures.
    let text = server.metrics_text().expect("metrics are on");
    for line in [
        "mcpforge_requests_total{method=\"tools/call\",name=\"echo\",outcome=\"ok\"} 3",
        "mcpforge_requests_total{method=\"tools/call\",name=\"refuses\",outcome=\"tool_error\"} 1",
        "mcpforge_requests_total{method=\"tools/call\",name=\"limited\",outcome=\"rate_limited\"} 1",
        "mcpforge_requests_total{method=\"resources/read\",name=\"notes://{id}\",outcome=\"ok\"} 4",
        "mcpforge_request_duration_seconds_count{method=\"tools/call\",name=\"echo\"} 3",
        "mcpforge_requests_in_flight{method=\"tools/call\",name=\"echo\"} 0",
    ] {
        assert!(text.lines().any(|l| l == line), "missing `{line}` in\n{text}");
    }
    assert!(!text.contains("name=\"a\""), "names a client invents never become labels");
    assert!(!text.contains("mcpforge_sessions"), "no HTTP listener, no session gauge");
}

#[tokio::test]
async fn the_2026_wire_is_counted_the_same_way() {
    let server = builder().metrics(true).build().unwrap();
    let client = server.connect_memory();
    let params = json!({"name": "refuses", "arguments": {}, "_meta": MemoryClient::modern_meta(json!({}))});
    let r = client.request("tools/call", params).await.unwrap();
    assert_eq!(r["isError"], true);
    let snap = server.metrics().unwrap();
    assert_eq!(outcomes(&snap, "tools/call", "refuses")["tool_error"], 1);
}

#[tokio::test]
async fn nothing_is_kept_when_metrics_are_off() {
    let server = builder().build().unwrap();
    legacy(&server).await.call_tool("echo", json!({})).await.unwrap();
    assert_eq!(server.metrics(), None);
    assert_eq!(server.metrics_text(), None);
    // The JSON option turns them on, as C, Python and Node set it.
    let server = mcpforge::ServerBuilder::from_json("x", "1", json!({"metrics": true}))
        .unwrap()
        .tool(Tool::new("echo"), |_args: Value| async move { Ok::<_, ToolError>("echo".to_owned()) })
        .build()
        .unwrap();
    legacy(&server).await.call_tool("echo", json!({})).await.unwrap();
    assert_eq!(outcomes(&server.metrics().unwrap(), "tools/call", "echo")["ok"], 1);
    assert!(
        mcpforge::ServerBuilder::from_json("x", "1", json!({"metrics_address": "not an address"})).is_err(),
        "a bad side-port address is refused"
    );
}

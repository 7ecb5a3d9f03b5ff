//! The error hook: a panicking handler, an internal error and a timeout each reach it once
//! with the method, the name and the full message, while the client reads the masked text
//! (always for a panic, for internal errors when `mask_error_details` is on); expected
//! failures (tool errors, invalid params) do not reach it; a panicking hook changes nothing
//! for the client; the hook can be set and cleared while serving.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcpforge::{Failure, FailureKind, HandlerError, Limits, MemoryClient, ProtocolError, Server, Tool, ToolError};
use serde_json::{Value, json};

/// One failure as the hook saw it: kind, method, name, message, data.
type Seen = (FailureKind, String, Option<String>, String, Option<Value>);
type Log = Arc<Mutex<Vec<Seen>>>;

fn recorder(log: Log) -> impl Fn(&Failure<'_>) + Send + Sync + 'static {
    move |f: &Failure<'_>| {
        let seen = (f.kind, f.method.to_owned(), f.name.map(str::to_owned), f.message.to_owned(), f.data.cloned());
        log.lock().unwrap().push(seen);
    }
}

/// A server whose tools fail in each way: `boom` panics, `broken` returns an internal
/// error with data, `refuses` a tool error, `sleepy` outlives a 200 ms timeout.
fn builder() -> mcpforge::ServerBuilder {
    let limits = Limits { request_timeout: Some(Duration::from_millis(200)), ..Limits::default() };
    Server::builder("error-hook-test", "1.0.0")
        .limits(limits)
        .tool(Tool::new("boom"), |_args: Value| async move {
            if true {
                panic!("the database handle was closed");
            }
            Ok::<_, ToolError>(String::new())
        })
        .tool(Tool::new("broken"), |_args: Value| async move {
            Err::<String, HandlerError>(
                ProtocolError::internal("connection refused by 10.0.0.7:5432")
                    .with_data(json!({"retry": false}))
                    .into(),
            )
        })
        .tool(Tool::new("refuses"), |_args: Value| async move { Err::<String, ToolError>(ToolError::new("no")) })
        .tool(Tool::new("sleepy"), |_args: Value| async move {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok::<_, ToolError>(String::new())
        })
}

async fn legacy(server: &Server) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("initialize");
    client
}

#[tokio::test]
async fn each_unexpected_failure_reaches_the_hook_once_with_its_detail() {
    let log = Log::default();
    let server = builder().on_error(recorder(log.clone())).build().unwrap();
    let client = legacy(&server).await;

    let e = client.call_tool("boom", json!({})).await.unwrap_err();
    assert_eq!(e.code, -32603);
    assert_eq!(e.message, "Internal error: the handler failed unexpectedly", "a panic's text never reaches the client");

    let e = client.call_tool("broken", json!({})).await.unwrap_err();
    assert_eq!(e.message, "Internal error: connection refused by 10.0.0.7:5432", "unmasked by default");

    let e = client.call_tool("sleepy", json!({})).await.unwrap_err();
    assert_eq!(e.message, "Internal error: request timed out after 200 ms");

    // Expected failures are not reported.
    let r = client.call_tool("refuses", json!({})).await.unwrap();
    assert_eq!(r["isError"], true);
    let e = client.call_tool("missing", json!({})).await.unwrap_err();
    assert_eq!(e.code, -32602);

    let seen = log.lock().unwrap().clone();
    let tool = |n: &str| Some(n.to_owned());
    assert_eq!(
        seen,
        vec![
            (FailureKind::Panic, "tools/call".into(), tool("boom"), "the database handle was closed".into(), None),
            (
                FailureKind::Internal,
                "tools/call".into(),
                tool("broken"),
                "Internal error: connection refused by 10.0.0.7:5432".into(),
                Some(json!({"retry": false}))
            ),
            (
                FailureKind::Timeout,
                "tools/call".into(),
                tool("sleepy"),
                "Internal error: request timed out after 200 ms".into(),
                Some(json!({"timeoutMs": 200}))
            ),
        ]
    );
}

#[tokio::test]
async fn masking_hides_an_internal_error_from_the_client_but_not_from_the_hook() {
    let log = Log::default();
    let server = builder().mask_error_details(true).on_error(recorder(log.clone())).build().unwrap();
    let client = legacy(&server).await;
    let e = client.call_tool("broken", json!({})).await.unwrap_err();
    assert_eq!(e.code, -32603);
    assert_eq!(e.message, "Internal error: the handler failed unexpectedly");
    assert_eq!(e.data, None, "the data is masked too");
    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].3, "Internal error: connection refused by 10.0.0.7:5432");
    assert_eq!(seen[0].4, Some(json!({"retry": false})));

    // The same option from JSON (the form C, Python and Node hand over).
    let from_json = mcpforge::ServerBuilder::from_json("x", "1", json!({"maskErrorDetails": true})).unwrap();
    let server = from_json
        .tool(Tool::new("broken"), |_args: Value| async move {
            Err::<String, HandlerError>(ProtocolError::internal("secret detail").into())
        })
        .build()
        .unwrap();
    let e = legacy(&server).await.call_tool("broken", json!({})).await.unwrap_err();
    assert_eq!(e.message, "Internal error: the handler failed unexpectedly");
}

#[tokio::test]
async fn the_2026_wire_reports_the_same_way() {
    let log = Log::default();
    let server = builder().on_error(recorder(log.clone())).build().unwrap();
    let client = server.connect_memory();
    let params = json!({"name": "boom", "arguments": {}, "_meta": MemoryClient::modern_meta(json!({}))});
    let e = client.request("tools/call", params).await.unwrap_err();
    assert_eq!(e.message, "Internal error: the handler failed unexpectedly");
    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!((seen[0].0, seen[0].2.as_deref()), (FailureKind::Panic, Some("boom")));
}

#[tokio::test]
async fn a_panicking_hook_changes_nothing_for_the_client() {
    let server = builder().on_error(|_f: &Failure<'_>| panic!("the hook is broken")).build().unwrap();
    let client = legacy(&server).await;
    let e = client.call_tool("broken", json!({})).await.unwrap_err();
    assert_eq!(e.message, "Internal error: connection refused by 10.0.0.7:5432");
    // The server goes on serving.
    assert_eq!(client.call_tool("refuses", json!({})).await.unwrap()["isError"], true);
}

#[tokio::test]
async fn the_hook_can_be_set_and_cleared_while_serving() {
    let server = builder().build().unwrap();
    let client = legacy(&server).await;
    let log = Log::default();
    client.call_tool("broken", json!({})).await.unwrap_err();
    server.set_error_hook(recorder(log.clone()));
    client.call_tool("broken", json!({})).await.unwrap_err();
    server.clear_error_hook();
    client.call_tool("broken", json!({})).await.unwrap_err();
    assert_eq!(log.lock().unwrap().len(), 1, "only the call made while the hook was set");
}

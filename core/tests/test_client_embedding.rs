//! What a language binding needs of the Rust client beyond its plain calls: a dropped call's
//! `notifications/cancelled` carrying the application's own reason
//! (`Client::request_cancellable` with a `CancelReason`), in memory and over Streamable HTTP
//! (where the notification must reach the server before the request's POST is closed), capabilities declared as the
//! application gives them (`ClientBuilder::capabilities`), and a `tools/call` result sent
//! with `request_with` checked against the tool's `outputSchema` (`Client::check_tool_result`).

use std::time::Duration;

use mcpforge::client::transport::{HttpTransport, MemoryTransport, Transport};
use mcpforge::client::{CallOptions, CancelReason, Client, ClientError};
use mcpforge::{HttpOptions, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(10);

/// A server whose `wait` tool reports the reason it was cancelled with, and whose `caps`
/// tool answers with the client's declared capabilities.
fn server() -> (Server, mpsc::UnboundedReceiver<String>) {
    let (reasons_tx, reasons) = mpsc::unbounded_channel();
    let server = Server::builder("embedding-test", "1.0.0")
        .tool(Tool::new("wait"), move |ctx: RequestContext, _: Value| {
            let reasons = reasons_tx.clone();
            async move {
                tokio::select! {
                    () = ctx.cancelled() => { let _ = reasons.send(ctx.cancel_reason().unwrap_or("none").to_owned()); }
                    () = tokio::time::sleep(Duration::from_secs(60)) => {}
                }
                Ok::<_, ToolError>("waited")
            }
        })
        .tool(Tool::new("caps"), |ctx: RequestContext, _: Value| async move {
            Ok::<_, ToolError>(mcpforge::Json(json!({ "caps": ctx.client_capabilities() })))
        })
        .tool(
            Tool::new("sum").output_schema(
                json!({ "type": "object", "properties": { "sum": { "type": "number" } }, "required": ["sum"] }),
            ),
            |args: Value| async move {
                let structured = if args["bad"] == true { json!({ "sum": "no" }) } else { json!({ "sum": 3 }) };
                Ok::<_, ToolError>(mcpforge::Json(structured))
            },
        )
        .build()
        .expect("a valid server");
    (server, reasons)
}

async fn cancel_with(reason: Option<&str>) -> String {
    let (server, reasons) = server();
    let transport = MemoryTransport::new(server.open_link(None));
    cancel_over(transport, reasons, reason).await
}

async fn cancel_over(
    transport: impl Transport,
    mut reasons: mpsc::UnboundedReceiver<String>,
    reason: Option<&str>,
) -> String {
    let client = Client::builder("c", "1").connect(transport).await.expect("connects");
    let given = CancelReason::new();
    if let Some(reason) = reason {
        given.set(reason);
    }
    let params = json!({ "name": "wait", "arguments": {} });
    let call = client.request_cancellable("tools/call", params, CallOptions::default(), &given);
    assert!(tokio::time::timeout(Duration::from_millis(200), call).await.is_err(), "the call was waiting");
    let seen = tokio::time::timeout(WAIT, reasons.recv()).await.expect("the handler was cancelled");
    client.close().await;
    seen.expect("a reason")
}

#[tokio::test]
async fn a_dropped_call_is_cancelled_with_the_reason_the_application_set() {
    assert_eq!(cancel_with(Some("the user pressed stop")).await, "the user pressed stop");
    assert_eq!(cancel_with(None).await, "the caller stopped waiting");
}

#[tokio::test]
async fn over_http_the_reason_reaches_the_server_before_the_post_is_closed() {
    let (server, reasons) = server();
    let options = HttpOptions { bind: "127.0.0.1:0".parse().expect("an address"), ..HttpOptions::default() };
    let http = server.bind_http(options).await.expect("bind");
    let url = format!("http://{}/mcp", http.local_addr().expect("local address"));
    let run = tokio::spawn(http.run());
    let seen = cancel_over(HttpTransport::new(url), reasons, Some("stopped over HTTP")).await;
    assert_eq!(seen, "stopped over HTTP");
    server.shutdown();
    let _ = tokio::time::timeout(WAIT, run).await;
}

#[tokio::test]
async fn declared_capabilities_replace_the_derived_ones_by_key() {
    let (server, _reasons) = server();
    let client = Client::builder("c", "1")
        .on_elicitation(|_| async { Ok(json!({ "action": "decline" })) })
        .on_request("roots/list", |_| async { Ok(json!({ "roots": [] })) })
        .capabilities(json!({ "elicitation": {}, "roots": { "listChanged": true }, "experimental": { "x": {} } }))
        .connect(MemoryTransport::new(server.open_link(None)))
        .await
        .expect("connects");
    let result = client.call_tool("caps", json!({})).await.expect("caps");
    assert_eq!(
        result["structuredContent"]["caps"],
        json!({ "elicitation": {}, "roots": { "listChanged": true }, "experimental": { "x": {} } })
    );
    client.close().await;
}

#[tokio::test]
async fn a_result_sent_as_a_plain_request_is_checked_against_the_output_schema() {
    let (server, _reasons) = server();
    let client =
        Client::builder("c", "1").connect(MemoryTransport::new(server.open_link(None))).await.expect("connects");
    client.list_tools().await.expect("tools/list");
    let call = |bad: bool| client.request("tools/call", json!({ "name": "sum", "arguments": { "bad": bad } }));
    let good = call(false).await.expect("a result");
    client.check_tool_result("sum", &good).expect("matches its schema");
    // The server checks its own output too: a bad one comes back as a tool error.
    let bad = call(true).await.expect("a result");
    client.check_tool_result("sum", &bad).expect("a tool error is not checked");
    let forged = json!({ "content": [], "structuredContent": { "sum": "three" } });
    let outcome = client.check_tool_result("sum", &forged);
    assert!(matches!(outcome, Err(ClientError::OutputSchema { .. })), "{outcome:?}");
    let missing = client.check_tool_result("sum", &json!({ "content": [] }));
    assert!(matches!(missing, Err(ClientError::OutputSchema { .. })), "{missing:?}");
    client.close().await;
}

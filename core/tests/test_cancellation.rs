//! Cancellation: `notifications/cancelled` trips the handler's context and suppresses the
//! response (legacy and 2026 wires), unknown and finished ids are ignored, the per-request
//! timeout answers -32603 and cancels the handler, and a cancelled request's late progress
//! and log calls send nothing.

use std::sync::Arc;
use std::time::Duration;

use mcpforge::{Limits, LogLevel, MemoryClient, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

const WAIT: Duration = Duration::from_secs(5);

fn server_info() -> Value {
    json!({ "name": "cancel-test", "version": "1.0.0" })
}

/// What the test learns from the `wait` tool: that it started, and that it saw its
/// context cancelled (by request id).
struct Probes {
    started: mpsc::UnboundedReceiver<Value>,
    observed: mpsc::UnboundedReceiver<Value>,
}

impl Probes {
    async fn started(&mut self) -> Value {
        tokio::time::timeout(WAIT, self.started.recv()).await.expect("the handler started").expect("open")
    }

    async fn observed(&mut self) -> Value {
        tokio::time::timeout(WAIT, self.observed.recv()).await.expect("the handler saw cancellation").expect("open")
    }
}

/// A server with:
/// - `wait`: reports that it started, waits for cancellation, then reports (from its own
///   body) that it saw it, tries to send progress and a log message, and returns;
/// - `quick`: answers at once;
/// - `hold`: waits until the test releases it.
fn server(limits: Limits, release: Arc<Notify>) -> (Server, Probes) {
    let (started_tx, started) = mpsc::unbounded_channel();
    let (observed_tx, observed) = mpsc::unbounded_channel();
    let server = Server::builder("cancel-test", "1.0.0")
        .limits(limits)
        .tool(Tool::new("wait"), move |ctx: RequestContext, _: Value| {
            let started = started_tx.clone();
            let observed = observed_tx.clone();
            async move {
                let id = ctx.request_id().to_value();
                let _ = started.send(id.clone());
                ctx.cancelled().await;
                ctx.report_progress(1.0, None, Some("after cancel"));
                ctx.log(LogLevel::Emergency, json!("after cancel"), None);
                let _ = observed.send(id);
                Ok::<_, ToolError>("finished after cancellation")
            }
        })
        .tool(Tool::new("quick"), |_: Value| async move { Ok::<_, ToolError>("quick") })
        .tool(Tool::new("hold"), move |_: Value| {
            let release = release.clone();
            async move {
                release.notified().await;
                Ok::<_, ToolError>("released")
            }
        })
        .build()
        .expect("server builds");
    (server, Probes { started, observed })
}

async fn legacy(server: &Server) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("initialize succeeds");
    client
}

async fn next(client: &mut MemoryClient) -> Value {
    client.next_message(WAIT).await.expect("the server sent a message within the timeout")
}

async fn send(client: &MemoryClient, msg: Value) {
    client.send_raw(&msg.to_string()).await.expect("the pipe is open");
}

async fn call(client: &MemoryClient, id: Value, tool: &str, meta: Option<Value>) {
    let mut params = json!({ "name": tool, "arguments": {} });
    if let Some(m) = meta {
        params["_meta"] = m;
    }
    send(client, json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params })).await;
}

async fn cancel(client: &MemoryClient, params: Value) {
    send(client, json!({ "jsonrpc": "2.0", "method": "notifications/cancelled", "params": params })).await;
}

/// Proves nothing was sent since the last message taken: the very next message is the
/// answer to a fresh ping.
async fn assert_nothing_then_ping(client: &mut MemoryClient, probe: &str) {
    send(client, json!({ "jsonrpc": "2.0", "id": probe, "method": "ping" })).await;
    assert_eq!(next(client).await, json!({ "jsonrpc": "2.0", "id": probe, "result": {} }));
}

fn text_result(id: Value, text: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": { "content": [{ "type": "text", "text": text }] } })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancelled_notification_trips_the_handler_and_suppresses_the_response() {
    let (server, mut probes) = server(Limits::default(), Arc::new(Notify::new()));
    let mut client = legacy(&server).await;
    call(&client, json!(10), "wait", Some(json!({ "progressToken": "p" }))).await;
    assert_eq!(probes.started().await, json!(10));
    cancel(&client, json!({ "requestId": 10, "reason": "the user changed their mind" })).await;
    assert_eq!(probes.observed().await, json!(10));
    // The handler returned a result after seeing the cancellation; it is not sent, nor is
    // its progress or log message.
    assert_nothing_then_ping(&mut client, "after-cancel").await;
    // The connection goes on normally.
    assert_eq!(
        client.call_tool("quick", json!({})).await.unwrap(),
        json!({ "content": [{ "type": "text", "text": "quick" }] })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancelling_one_request_leaves_the_others_alone() {
    let release = Arc::new(Notify::new());
    let (server, mut probes) = server(Limits::default(), release.clone());
    let mut client = legacy(&server).await;
    call(&client, json!("w"), "wait", None).await;
    call(&client, json!("h"), "hold", None).await;
    assert_eq!(probes.started().await, json!("w"));
    cancel(&client, json!({ "requestId": "w" })).await;
    assert_eq!(probes.observed().await, json!("w"));
    release.notify_one();
    assert_eq!(next(&mut client).await, text_result(json!("h"), "released"));
    assert_nothing_then_ping(&mut client, "probe").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancelling_unknown_or_finished_ids_is_ignored() {
    let release = Arc::new(Notify::new());
    let (server, _probes) = server(Limits::default(), release.clone());
    let mut client = legacy(&server).await;
    call(&client, json!(20), "quick", None).await;
    assert_eq!(next(&mut client).await, text_result(json!(20), "quick"));
    // A request in flight must not be touched by cancellations of other ids.
    call(&client, json!(21), "hold", None).await;
    for params in [
        json!({ "requestId": 20 }),
        json!({ "requestId": 999 }),
        json!({ "requestId": "21" }),
        json!({ "requestId": null }),
        json!({ "reason": "no id" }),
        json!({}),
    ] {
        cancel(&client, params).await;
    }
    send(&client, json!({ "jsonrpc": "2.0", "method": "notifications/cancelled" })).await;
    assert_nothing_then_ping(&mut client, "probe-1").await;
    release.notify_one();
    assert_eq!(next(&mut client).await, text_result(json!(21), "released"));
    // Cancelling it now that it finished changes nothing either.
    cancel(&client, json!({ "requestId": 21 })).await;
    assert_nothing_then_ping(&mut client, "probe-2").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancellation_on_the_2026_wire() {
    let (server, mut probes) = server(Limits::default(), Arc::new(Notify::new()));
    let mut client = server.connect_memory();
    let mut meta = MemoryClient::modern_meta(json!({}));
    meta["progressToken"] = json!(5);
    meta["io.modelcontextprotocol/logLevel"] = json!("debug");
    call(&client, json!("m-1"), "wait", Some(meta)).await;
    assert_eq!(probes.started().await, json!("m-1"));
    cancel(&client, json!({ "requestId": "m-1", "reason": "stop", "_meta": MemoryClient::modern_meta(json!({})) }))
        .await;
    assert_eq!(probes.observed().await, json!("m-1"));
    // Nothing for `m-1` (no response, no progress, no log): the next message answers the
    // discover request sent now.
    send(
        &client,
        json!({
            "jsonrpc": "2.0", "id": "m-2", "method": "server/discover",
            "params": { "_meta": MemoryClient::modern_meta(json!({})) }
        }),
    )
    .await;
    let msg = next(&mut client).await;
    assert_eq!(msg["id"], "m-2");
    assert_eq!(msg["result"]["resultType"], "complete");
    assert_eq!(msg["result"]["_meta"]["io.modelcontextprotocol/serverInfo"], server_info());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_timeout_answers_internal_error_and_cancels_the_handler() {
    let limits = Limits { request_timeout: Some(Duration::from_millis(200)), ..Limits::default() };
    let (server, mut probes) = server(limits, Arc::new(Notify::new()));
    let mut client = legacy(&server).await;
    call(&client, json!(30), "wait", Some(json!({ "progressToken": "t" }))).await;
    assert_eq!(probes.started().await, json!(30));
    assert_eq!(
        next(&mut client).await,
        json!({
            "jsonrpc": "2.0",
            "id": 30,
            "error": {
                "code": -32603,
                "message": "Internal error: request timed out after 200 ms",
                "data": { "timeoutMs": 200 }
            }
        })
    );
    assert_eq!(probes.observed().await, json!(30));
    // The handler's own result, progress and log message after the timeout are not sent.
    assert_nothing_then_ping(&mut client, "after-timeout").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_timeout_on_the_2026_wire() {
    let limits = Limits { request_timeout: Some(Duration::from_millis(200)), ..Limits::default() };
    let (server, mut probes) = server(limits, Arc::new(Notify::new()));
    let mut client = server.connect_memory();
    call(&client, json!("t-1"), "wait", Some(MemoryClient::modern_meta(json!({})))).await;
    assert_eq!(probes.started().await, json!("t-1"));
    assert_eq!(
        next(&mut client).await,
        json!({
            "jsonrpc": "2.0",
            "id": "t-1",
            "error": {
                "code": -32603,
                "message": "Internal error: request timed out after 200 ms",
                "data": { "timeoutMs": 200 }
            }
        })
    );
    assert_eq!(probes.observed().await, json!("t-1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn quick_requests_are_unaffected_by_the_timeout() {
    let limits = Limits { request_timeout: Some(Duration::from_secs(30)), ..Limits::default() };
    let (server, _probes) = server(limits, Arc::new(Notify::new()));
    let client = legacy(&server).await;
    for _ in 0..20 {
        assert_eq!(
            client.call_tool("quick", json!({})).await.unwrap(),
            json!({ "content": [{ "type": "text", "text": "quick" }] })
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn progress_and_logs_from_a_task_outliving_a_cancelled_request_send_nothing() {
    // The handler hands its context to a task, which keeps reporting after cancellation.
    let (ctx_tx, mut ctx_rx) = mpsc::unbounded_channel::<RequestContext>();
    let server = Server::builder("cancel-test", "1.0.0")
        .tool(Tool::new("spawn"), move |ctx: RequestContext, _: Value| {
            let ctx_tx = ctx_tx.clone();
            async move {
                ctx.report_progress(1.0, Some(10.0), None);
                let _ = ctx_tx.send(ctx.clone());
                std::future::pending::<()>().await;
                Ok::<_, ToolError>("unreachable")
            }
        })
        .build()
        .expect("server builds");
    let mut client = legacy(&server).await;
    call(&client, json!(40), "spawn", Some(json!({ "progressToken": 40 }))).await;
    assert_eq!(
        next(&mut client).await,
        json!({
            "jsonrpc": "2.0",
            "method": "notifications/progress",
            "params": { "progressToken": 40, "progress": 1.0, "total": 10.0 }
        })
    );
    let ctx = tokio::time::timeout(WAIT, ctx_rx.recv()).await.unwrap().unwrap();
    assert!(!ctx.is_cancelled());
    cancel(&client, json!({ "requestId": 40 })).await;
    tokio::time::timeout(WAIT, ctx.cancelled()).await.expect("the context is cancelled");
    assert!(ctx.is_cancelled());
    ctx.report_progress(2.0, Some(10.0), Some("late"));
    ctx.log(LogLevel::Emergency, json!("late"), Some("test"));
    assert_nothing_then_ping(&mut client, "probe").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_id_reused_after_cancellation_gets_its_own_response() {
    // Ids need only be unique among requests in flight: once `5` is cancelled, the client
    // may use it again. The cancelled request, still winding down when the new one starts,
    // must neither answer for it nor swallow its response.
    let (new_started_tx, new_started_rx) = std::sync::mpsc::channel::<()>();
    let new_started_rx = Arc::new(std::sync::Mutex::new(new_started_rx));
    let (old_started_tx, mut old_started) = mpsc::unbounded_channel::<()>();
    let server = Server::builder("cancel-test", "1.0.0")
        .tool(Tool::new("old"), move |ctx: RequestContext, _: Value| {
            let rx = new_started_rx.clone();
            let started = old_started_tx.clone();
            async move {
                let _ = started.send(());
                ctx.cancelled().await;
                // Wind down slowly: until the new request with the same id is running.
                let _ = rx.lock().unwrap().recv_timeout(WAIT);
                Ok::<_, ToolError>("old")
            }
        })
        .tool(Tool::new("new"), move |_: Value| {
            let started = new_started_tx.clone();
            async move {
                let _ = started.send(());
                Ok::<_, ToolError>("new")
            }
        })
        .build()
        .expect("server builds");
    let mut client = legacy(&server).await;
    call(&client, json!(5), "old", None).await;
    tokio::time::timeout(WAIT, old_started.recv()).await.unwrap().unwrap();
    cancel(&client, json!({ "requestId": 5 })).await;
    call(&client, json!(5), "new", None).await;
    assert_eq!(next(&mut client).await, text_result(json!(5), "new"));
    assert_nothing_then_ping(&mut client, "probe").await;
}

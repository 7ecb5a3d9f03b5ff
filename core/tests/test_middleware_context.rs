//! A middleware's request context: a middleware that answers a request itself logs, reports
//! progress, pings and asks the client, tells it a resource changed and sees cancellation
//! (with the client's reason) on that request, as a handler does; nothing it sends follows
//! the response.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcpforge::{
    Answer, LogLevel, MemoryClient, MiddlewareRequest, MiddlewareResult, Next, ProtocolError, RequestContext, Server,
};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(5);

/// Where a test keeps the context the middleware saw, to use it after the response.
type Kept = Arc<Mutex<Option<RequestContext>>>;

/// A middleware that answers `tools/call` of `direct` itself: it logs, reports progress,
/// tells the client `file:///notes` changed, pings the client, asks for its roots and answers with
/// how many there were. Every other request goes on.
fn direct(kept: Kept) -> impl Fn(MiddlewareRequest, Next) -> mcpforge::BoxFuture<'static, MiddlewareResult> {
    move |req: MiddlewareRequest, next: Next| {
        let kept = kept.clone();
        Box::pin(async move {
            if req.name() != Some("direct") {
                return next.run(req).await;
            }
            let ctx = req.context().clone();
            *kept.lock().unwrap() = Some(ctx.clone());
            ctx.log(LogLevel::Info, json!("answering directly"), Some("direct"));
            ctx.report_progress(1.0, Some(2.0), Some("half"));
            ctx.notify_resource_updated("file:///notes");
            ctx.ping_client().await.map_err(|e| ProtocolError::internal(e.to_string()))?;
            let roots = ctx.list_roots().await.map_err(|e| ProtocolError::internal(e.to_string()))?;
            let text = format!("{} roots", roots.roots.len());
            Ok(Answer::result(json!({ "content": [{ "type": "text", "text": text }] })))
        })
    }
}

/// What [`waiter`] saw: whether its request was cancelled, and the client's reason.
type Seen = Arc<Mutex<Option<(bool, Option<String>)>>>;

/// A middleware that waits (at most `WAIT`) for its request to be cancelled and records
/// whether it was, and why.
fn waiter(seen: Seen) -> impl Fn(MiddlewareRequest, Next) -> mcpforge::BoxFuture<'static, MiddlewareResult> {
    move |req: MiddlewareRequest, _next: Next| {
        let seen = seen.clone();
        Box::pin(async move {
            let token = req.context().cancellation_token().clone();
            let cancelled = tokio::time::timeout(WAIT, token.cancelled()).await.is_ok();
            let reason = req.context().cancel_reason().map(str::to_owned);
            *seen.lock().unwrap() = Some((cancelled && req.context().is_cancelled(), reason));
            Ok(Answer::result(json!({})))
        })
    }
}

async fn legacy(server: &Server) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({ "roots": {} })).await.expect("initialize");
    client.on_request(|method, _params| match method {
        "roots/list" => Ok(json!({ "roots": [{ "uri": "file:///a" }, { "uri": "file:///b" }] })),
        "ping" => Ok(json!({})),
        other => Err(ProtocolError::method_not_found(other)),
    });
    client
}

fn methods(messages: &[Value]) -> Vec<&str> {
    messages.iter().filter_map(|m| m["method"].as_str()).collect()
}

#[tokio::test]
async fn a_middleware_answering_itself_logs_progresses_asks_and_notifies_on_its_request() {
    let kept: Kept = Arc::default();
    let server = Server::builder("mw-context", "1.0.0").middleware(direct(kept.clone())).build().expect("build");
    let mut client = legacy(&server).await;
    let params = json!({ "name": "direct", "arguments": {}, "_meta": { "progressToken": "p-1" } });
    let result = client.request("tools/call", params).await.expect("answered");
    assert_eq!(result["content"][0]["text"], "2 roots");

    let messages = client.drain_messages();
    assert_eq!(
        methods(&messages),
        ["notifications/message", "notifications/progress", "notifications/resources/updated", "ping", "roots/list"]
    );
    assert_eq!(messages[0]["params"], json!({ "level": "info", "data": "answering directly", "logger": "direct" }));
    assert_eq!(
        messages[1]["params"],
        json!({ "progressToken": "p-1", "progress": 1.0, "total": 2.0, "message": "half" })
    );
    // Sent although the client never subscribed to it (the official session's semantics).
    assert_eq!(messages[2]["params"], json!({ "uri": "file:///notes" }));

    // After the response the middleware's context sends nothing more.
    let ctx = kept.lock().unwrap().take().expect("the middleware kept its context");
    ctx.log(LogLevel::Info, json!("too late"), None);
    ctx.notify_resource_updated("file:///late");
    client.request("ping", json!({})).await.expect("ping");
    assert_eq!(methods(&client.drain_messages()), Vec::<&str>::new());
    client.close().await.expect("closed");
}

#[tokio::test]
async fn a_middleware_sees_its_request_cancelled_and_why() {
    let seen: Seen = Arc::default();
    let server = Server::builder("mw-context", "1.0.0").middleware(waiter(seen.clone())).build().expect("build");
    let client = Arc::new(legacy(&server).await);
    let asking = {
        let client = client.clone();
        tokio::spawn(async move { client.request_with_id(json!("slow"), "tools/list", json!({})).await })
    };
    // Cancel until the middleware has seen it (the request may not have arrived yet).
    for _ in 0..50 {
        client
            .notify("notifications/cancelled", json!({ "requestId": "slow", "reason": "enough" }))
            .await
            .expect("sent");
        if seen.lock().unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A cancelled request gets no response: stop waiting for one.
    asking.abort();
    assert_eq!(*seen.lock().unwrap(), Some((true, Some("enough".to_owned()))));
}

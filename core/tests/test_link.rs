//! `Server::open_link`: a connection whose messages the caller carries. Requests written in
//! are answered in the output queue; a notification a synchronous call queues (a list
//! change) can be taken at once, without waiting, behind what was queued before it; after
//! `close` the answers of requests in flight are still taken, then `ready` says it ended. A
//! link opened with a session id gives it to the handlers.

use std::time::Duration;

use mcpforge::{Link, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(5);

async fn text_tool(_args: Value) -> Result<String, ToolError> {
    Ok("ok".into())
}

fn server() -> Server {
    Server::builder("link-test", "1.0.0")
        .tool(Tool::new("first"), text_tool)
        .tool(Tool::new("session"), |ctx: RequestContext, _: Value| async move {
            Ok::<_, ToolError>(ctx.session_id().unwrap_or("none").to_owned())
        })
        .build()
        .expect("build")
}

/// Writes `message` (one JSON-RPC message) into the link.
async fn write(link: &Link, message: Value) {
    let mut line = message.to_string().into_bytes();
    line.push(b'\n');
    link.write(&line).await.expect("write");
}

/// The next message the server sends, waiting for it (bounded).
async fn next(link: &Link) -> Value {
    let ready = tokio::time::timeout(WAIT, link.ready()).await.expect("a message within the wait");
    assert!(ready, "the link ended");
    serde_json::from_slice(&link.take().expect("a queued message")).expect("JSON")
}

async fn handshake(link: &Link) {
    let init =
        json!({ "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": { "name": "c", "version": "1" } });
    write(link, json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init })).await;
    assert_eq!(next(link).await["id"], 1);
    write(link, json!({ "jsonrpc": "2.0", "method": "notifications/initialized" })).await;
    write(link, json!({ "jsonrpc": "2.0", "id": 2, "method": "ping" })).await;
    assert_eq!(next(link).await, json!({ "jsonrpc": "2.0", "id": 2, "result": {} }));
}

#[tokio::test]
async fn a_list_change_is_taken_without_waiting() {
    let server = server();
    let link = server.open_link(None);
    handshake(&link).await;
    assert!(link.take().is_none());
    server.notify_tools_changed();
    let taken = link.take().expect("queued by the call itself");
    let message: Value = serde_json::from_slice(&taken).expect("JSON");
    assert_eq!(message["method"], "notifications/tools/list_changed");
    assert!(link.take().is_none());
    link.close().await.expect("close");
}

#[tokio::test]
async fn answers_queued_before_a_notification_come_first_and_the_end_is_seen() {
    let server = server();
    let link = server.open_link(None);
    handshake(&link).await;
    write(&link, json!({ "jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": { "name": "first" } })).await;
    // The answer is queued once `ready` says so; the notification then goes behind it.
    assert!(tokio::time::timeout(WAIT, link.ready()).await.expect("answered"));
    server.notify_tools_changed();
    let first: Value = serde_json::from_slice(&link.take().expect("answer")).expect("JSON");
    assert_eq!(first["id"], 3);
    let second: Value = serde_json::from_slice(&link.take().expect("notification")).expect("JSON");
    assert_eq!(second["method"], "notifications/tools/list_changed");
    link.close().await.expect("close");
    assert!(!tokio::time::timeout(WAIT, link.ready()).await.expect("ended"));
    assert!(link.write(b"{}\n").await.is_err(), "a closed link takes nothing in");
}

#[tokio::test]
async fn handlers_read_the_session_id_the_link_was_opened_with() {
    let server = server();
    for (given, read) in [(Some("s-1"), "s-1"), (None, "none")] {
        let link = server.open_link(given);
        handshake(&link).await;
        write(&link, json!({ "jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": { "name": "session" } }))
            .await;
        assert_eq!(next(&link).await["result"]["content"][0]["text"], read);
        link.close().await.expect("close");
    }
}

#[tokio::test]
async fn what_write_now_takes_is_seen_before_it_returns() {
    let server = server();
    let link = server.open_link(None);
    let line = |v: Value| format!("{v}\n").into_bytes();
    let init =
        json!({ "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": { "name": "c", "version": "1" } });
    let initialize = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init });
    link.write_now(line(initialize)).expect("no other write").expect("taken");
    // `initialize` is answered inline: the answer is queued already.
    let answer: Value = serde_json::from_slice(&link.take().expect("answered")).expect("JSON");
    assert_eq!(answer["id"], 1);
    let initialized = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
    link.write_now(line(initialized)).expect("no other write").expect("taken");
    // The session is initialized before write_now returned: it hears of a list change at once.
    server.notify_tools_changed();
    let heard: Value = serde_json::from_slice(&link.take().expect("queued")).expect("JSON");
    assert_eq!(heard["method"], "notifications/tools/list_changed");
    let call = json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": { "name": "first" } });
    link.write_now(line(call)).expect("no other write").expect("taken");
    assert_eq!(next(&link).await["id"], 2);
    link.close().await.expect("close");
    assert!(link.write_now(line(json!({ "jsonrpc": "2.0", "method": "ping", "id": 3 }))).expect("free").is_err());
}

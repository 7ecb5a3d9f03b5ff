//! Hostile servers cannot hurt the Rust client: one that never answers (the timeout fires,
//! the server is told to cancel), one that answers ids never asked, sends text that is not
//! JSON or a line over the size limit, floods notifications, exits mid-call, or asks for
//! sampling the client has no handler for, or asks more than the client answers at once;
//! over HTTP, an event that never ends and a stream
//! that never answers. The stdio servers are small Python scripts over pipes, the HTTP ones
//! scripted on 127.0.0.1; every wait is bounded.

use crate::raw_server;

use std::time::Duration;

use mcpforge::client::transport::{ChildTransport, HttpTransport};
use mcpforge::client::{CallOptions, Client, ClientBuilder, ClientError, ClientLimits};
use raw_server::{Answer, serve};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(20);

/// A stdio server whose misbehaviour `sys.argv[1]` names. It answers `initialize` and `ping`
/// properly, logs each method it receives to stderr, and misbehaves on `tools/call`.
const SERVER: &str = r#"
import json, sys
mode = sys.argv[1]
calls = 0
def send(message):
    sys.stdout.write(message if isinstance(message, str) else json.dumps(message))
    sys.stdout.write("\n")
    sys.stdout.flush()
def answer(id, text):
    send({"jsonrpc": "2.0", "id": id, "result": {"content": [{"type": "text", "text": text}]}})
for line in sys.stdin:
    message = json.loads(line)
    method, id = message.get("method"), message.get("id")
    print(method, file=sys.stderr, flush=True)
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": id, "result": {"protocolVersion": "2025-11-25",
              "serverInfo": {"name": "hostile", "version": "1"}, "capabilities": {"tools": {}}}})
    elif method == "ping":
        send({"jsonrpc": "2.0", "id": id, "result": {}})
    elif method != "tools/call" or mode == "silent":
        pass
    elif mode == "unknown-id":
        answer(424242, "to nobody")
        answer("never-asked", "to nobody either")
        answer(id, "the real answer")
    elif mode == "garbage":
        send("{not json")
        send("[1, 2")
        send("x" * (17 * 1024 * 1024))
        answer(id, "the real answer")
    elif mode == "flood":
        for i in range(20000):
            send({"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "info", "data": i}})
        answer(id, "the real answer")
    elif mode == "exit":
        calls += 1
        if calls == 2:
            sys.exit(3)
    elif mode == "requests":
        for i in range(100):
            send({"jsonrpc": "2.0", "id": "r-%d" % i, "method": "elicitation/create",
                  "params": {"message": "?", "requestedSchema": {"type": "object", "properties": {}}}})
        refused = 0
        for reply in sys.stdin:
            if "error" in json.loads(reply):
                refused += 1
                if refused == 92:
                    answer(id, "refused %d" % refused)
                    break
    elif mode == "sampling":
        send({"jsonrpc": "2.0", "id": "s-1", "method": "sampling/createMessage",
              "params": {"messages": [], "maxTokens": 10}})
        for reply in sys.stdin:
            reply = json.loads(reply)
            if reply.get("id") == "s-1":
                answer(id, json.dumps(reply.get("error")))
                break
"#;

fn hostile(mode: &str) -> ChildTransport {
    ChildTransport::new("python3").args(["-c", SERVER, mode])
}

async fn connect(builder: ClientBuilder, transport: ChildTransport) -> Client {
    tokio::time::timeout(WAIT, builder.connect(transport)).await.expect("in time").expect("connects")
}

fn text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

/// A call's wait with no restart on progress.
fn waiting(timeout: Duration) -> CallOptions {
    CallOptions { timeout, reset_on_progress: false, max_total: timeout }
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_and_is_told_to_cancel() {
    let transport = hostile("silent");
    let stderr = transport.stderr();
    let client = connect(Client::builder("hostile-test", "1"), transport).await;
    let call = client.request_with("tools/call", json!({ "name": "t" }), waiting(Duration::from_millis(300)));
    let failed = tokio::time::timeout(WAIT, call).await.expect("the timeout fires");
    assert!(matches!(failed, Err(ClientError::Timeout { .. })), "{failed:?}");
    // The cancellation reaches the server (it logs each method it reads).
    let mut told = false;
    for _ in 0..100 {
        told = stderr.contents().contains("notifications/cancelled");
        if told {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(told, "the server got notifications/cancelled: {}", stderr.contents());
    drop(client);
}

#[tokio::test]
async fn answers_to_ids_never_asked_are_dropped() {
    let client = connect(Client::builder("hostile-test", "1"), hostile("unknown-id")).await;
    let answer = tokio::time::timeout(WAIT, client.call_tool("t", json!({}))).await.expect("in time");
    assert_eq!(text(&answer.expect("the real answer")), "the real answer");
    tokio::time::timeout(WAIT, client.ping()).await.expect("in time").expect("the connection goes on");
    client.close().await;
}

#[tokio::test]
async fn text_that_is_not_json_and_a_line_over_the_limit_are_dropped() {
    let client = connect(Client::builder("hostile-test", "1"), hostile("garbage")).await;
    let answer = tokio::time::timeout(WAIT, client.call_tool("t", json!({}))).await.expect("in time");
    assert_eq!(text(&answer.expect("the real answer after the garbage")), "the real answer");
    tokio::time::timeout(WAIT, client.ping()).await.expect("in time").expect("the connection goes on");
    client.close().await;
}

#[tokio::test]
async fn a_notification_flood_is_held_to_the_channel_bound() {
    let limits = ClientLimits { notifications: 16, ..ClientLimits::default() };
    let client = connect(Client::builder("hostile-test", "1").limits(limits), hostile("flood")).await;
    let answer = tokio::time::timeout(WAIT, client.call_tool("t", json!({}))).await.expect("in time");
    assert_eq!(text(&answer.expect("answered after the flood")), "the real answer");
    // Nobody read the channel: it holds its 16, the other 19,984 were dropped from it.
    assert_eq!(client.dropped_notifications(), 20_000 - 16);
    let mut channel = client.notifications().expect("the channel");
    let mut kept = 0;
    while channel.try_recv().is_ok() {
        kept += 1;
    }
    assert_eq!(kept, 16);
    client.close().await;
}

#[tokio::test]
async fn a_child_that_exits_mid_call_fails_every_call_in_flight_at_once() {
    // The calls would wait 60 s; the child's exit ends them long before.
    let client = connect(Client::builder("hostile-test", "1"), hostile("exit")).await;
    let both = async { tokio::join!(client.call_tool("first", json!({})), client.call_tool("second", json!({}))) };
    let (first, second) = tokio::time::timeout(WAIT, both).await.expect("failed at once, not timed out");
    assert!(matches!(first, Err(ClientError::Closed)), "{first:?}");
    assert!(matches!(second, Err(ClientError::Closed)), "{second:?}");
    let after = tokio::time::timeout(WAIT, client.ping()).await.expect("in time");
    assert!(matches!(after, Err(ClientError::Closed)), "{after:?}");
}

#[tokio::test]
async fn requests_past_what_the_client_answers_at_once_are_refused() {
    // The handler never finishes: 8 requests hold the 8 slots, the other 92 are refused.
    let limits = ClientLimits { queue: 8, ..ClientLimits::default() };
    let builder = Client::builder("hostile-test", "1")
        .limits(limits)
        .on_elicitation(|_| std::future::pending::<Result<Value, mcpforge::ProtocolError>>());
    let client = connect(builder, hostile("requests")).await;
    let answer = tokio::time::timeout(WAIT, client.call_tool("t", json!({}))).await.expect("in time");
    assert_eq!(text(&answer.expect("answered once 92 were refused")), "refused 92");
    drop(client);
}

#[tokio::test]
async fn a_sampling_request_without_a_handler_gets_method_not_found() {
    let client = connect(Client::builder("hostile-test", "1"), hostile("sampling")).await;
    assert!(client.session().capabilities.get("sampling").is_none());
    let answer = tokio::time::timeout(WAIT, client.call_tool("t", json!({}))).await.expect("in time");
    let error: Value = serde_json::from_str(text(&answer.expect("answered"))).expect("the error the server got");
    assert_eq!(error["code"], -32601);
    client.close().await;
}

/// A stateless HTTP server that answers `server/discover` and meets `tools/call` with `call`.
async fn http_server(call: fn() -> Answer) -> raw_server::RawServer {
    serve(move |request, _| {
        let body = request.json();
        match body["method"].as_str() {
            Some("server/discover") => {
                let result = json!({ "supportedVersions": ["2026-07-28"], "capabilities": { "tools": {} },
                    "resultType": "complete", "ttlMs": 0, "cacheScope": "private" });
                Answer::Json(200, json!({ "jsonrpc": "2.0", "id": body["id"], "result": result }), vec![])
            }
            Some("tools/call") => call(),
            _ => Answer::Status(202),
        }
    })
    .await
}

async fn connect_http(url: String) -> Client {
    let builder = Client::builder("hostile-test", "1").protocol(mcpforge::client::Protocol::Stateless);
    tokio::time::timeout(WAIT, builder.connect(HttpTransport::new(url))).await.expect("in time").expect("connects")
}

#[tokio::test]
async fn an_event_that_never_ends_fails_its_request_at_the_size_limit() {
    let server = http_server(|| Answer::EndlessEvent).await;
    let client = connect_http(server.url()).await;
    let failed = tokio::time::timeout(WAIT, client.call_tool("t", json!({}))).await.expect("in time");
    match failed {
        Err(ClientError::Server(e)) => assert!(e.message.contains("over 16777216 bytes"), "{}", e.message),
        other => panic!("expected the size limit, got {other:?}"),
    }
    // Not resumed: an oversized event is not something to come back for.
    assert!(server.seen().iter().all(|r| r.method == "POST"));
    client.close().await;
}

#[tokio::test]
async fn a_stream_that_never_answers_times_out_and_is_cancelled() {
    let server = http_server(|| Answer::Events { events: vec![": working\n\n".into()], hang: true }).await;
    let client = connect_http(server.url()).await;
    let call = client.request_with("tools/call", json!({ "name": "t" }), waiting(Duration::from_millis(300)));
    let failed = tokio::time::timeout(WAIT, call).await.expect("the timeout fires");
    assert!(matches!(failed, Err(ClientError::Timeout { .. })), "{failed:?}");
    let mut cancelled = false;
    for _ in 0..100 {
        cancelled = server.seen().iter().any(|r| r.rpc_method().as_deref() == Some("notifications/cancelled"));
        if cancelled {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(cancelled, "the server got notifications/cancelled");
    client.close().await;
}

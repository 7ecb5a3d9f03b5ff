//! What the conformance suite's client scenarios ask of the Rust client, against scripted
//! servers on 127.0.0.1: an answer's event stream closed before the answer is resumed with
//! a GET carrying `Last-Event-ID` after the server's `retry` delay (and one with no event id
//! fails at once); a 2026-07-28 request refused with -32022 by a server that lists the version
//! is sent once more; tools with invalid `x-mcp-header` annotations are left out; resumptions
//! that bring nothing stop after `MAX_RESUMES`.

use crate::raw_server;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcpforge::client::transport::HttpTransport;
use mcpforge::client::{Client, ClientError, Protocol};
use raw_server::{Answer, RawRequest, serve};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(10);

fn result(id: &Value, result: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": result })
}

/// The handshake, as a legacy server with a session answers it.
fn handshake(request: &RawRequest) -> Option<Answer> {
    let body = request.json();
    match (request.method.as_str(), body.get("method").and_then(Value::as_str)) {
        ("POST", Some("initialize")) => {
            let answer = json!({ "protocolVersion": "2025-11-25", "serverInfo": { "name": "raw", "version": "1" }, "capabilities": { "tools": {} } });
            Some(Answer::Json(200, result(&body["id"], answer), vec![("mcp-session-id", "s-1".into())]))
        }
        ("POST", _) if body.get("id").is_none() => Some(Answer::Status(202)),
        ("DELETE", _) => Some(Answer::Status(200)),
        // The session's own GET stream (no Last-Event-ID): not offered.
        ("GET", _) if request.header("last-event-id").is_none() => Some(Answer::Status(405)),
        _ => None,
    }
}

async fn connect(url: String) -> Client {
    let client =
        Client::builder("conformance-test", "1").timeout(Duration::from_secs(30)).connect(HttpTransport::new(url));
    tokio::time::timeout(WAIT, client).await.expect("in time").expect("connects")
}

#[tokio::test]
async fn a_stream_closed_before_its_answer_is_resumed_with_the_last_event_id() {
    let call: Arc<Mutex<Value>> = Arc::default();
    let remembered = call.clone();
    let server = serve(move |request, _| {
        if let Some(answer) = handshake(request) {
            return answer;
        }
        let body = request.json();
        if request.method == "POST" {
            *remembered.lock().expect("not poisoned") = body["id"].clone();
            // A priming event (an id and a retry delay, no data), then the stream ends.
            return Answer::Events { events: vec!["id: ev-1\nretry: 20\ndata: \n\n".into()], hang: false };
        }
        let id = remembered.lock().expect("not poisoned").clone();
        let answer = result(&id, json!({ "content": [{ "type": "text", "text": "resumed" }] }));
        Answer::Events { events: vec![format!("id: ev-2\ndata: {answer}\n\n")], hang: true }
    })
    .await;
    let client = connect(server.url()).await;
    let answer = tokio::time::timeout(WAIT, client.call_tool("slow", json!({}))).await.expect("in time");
    assert_eq!(answer.expect("the resumed stream answers")["content"][0]["text"], "resumed");
    let resumed: Vec<_> = server.seen().into_iter().filter(|r| r.header("last-event-id").is_some()).collect();
    assert_eq!(resumed.len(), 1, "one resumption");
    assert_eq!(resumed[0].header("last-event-id"), Some("ev-1"));
    assert_eq!(resumed[0].header("mcp-session-id"), Some("s-1"));
    client.close().await;
}

#[tokio::test]
async fn a_stream_closed_without_an_event_id_fails_its_request_at_once() {
    let server = serve(|request, _| {
        handshake(request)
            .unwrap_or_else(|| Answer::Events { events: vec![": nothing to resume\n\n".into()], hang: false })
    })
    .await;
    let client = connect(server.url()).await;
    // The call's own timeout is 30 s: the failure comes well before it.
    let failed = tokio::time::timeout(WAIT, client.call_tool("slow", json!({}))).await.expect("in time");
    match failed {
        Err(ClientError::Server(e)) => assert!(e.message.contains("without answering"), "{}", e.message),
        other => panic!("expected the stream's end as the error, got {other:?}"),
    }
    assert!(server.seen().iter().all(|r| r.header("last-event-id").is_none()), "nothing to resume from");
    client.close().await;
}

/// A stateless server that answers `server/discover` and `tools/list`; the first `refusals`
/// requests are refused with -32022 (listing 2026-07-28 as supported).
async fn stateless(refusals: usize, tools: Value) -> raw_server::RawServer {
    serve(move |request, index| {
        let body = request.json();
        let id = body["id"].clone();
        if index < refusals {
            let error = json!({ "code": -32022, "message": "Unsupported protocol version",
                "data": { "supported": ["2026-07-28"], "requested": "2026-07-28" } });
            return Answer::Json(400, json!({ "jsonrpc": "2.0", "id": id, "error": error }), vec![]);
        }
        let answer = match body["method"].as_str() {
            Some("server/discover") => json!({ "supportedVersions": ["2026-07-28"], "capabilities": { "tools": {} },
                "resultType": "complete", "ttlMs": 0, "cacheScope": "private" }),
            _ => json!({ "tools": tools.clone(), "resultType": "complete", "ttlMs": 0, "cacheScope": "private" }),
        };
        Answer::Json(200, result(&id, answer), vec![])
    })
    .await
}

async fn connect_stateless(url: String) -> Result<Client, ClientError> {
    let client =
        Client::builder("conformance-test", "1").protocol(Protocol::Stateless).connect(HttpTransport::new(url));
    tokio::time::timeout(WAIT, client).await.expect("in time")
}

#[tokio::test]
async fn a_version_refused_by_a_server_that_lists_it_is_offered_once_more() {
    let server = stateless(1, json!([])).await;
    let client = connect_stateless(server.url()).await.expect("the second offer is taken");
    assert!(client.is_stateless());
    let discovers = server.seen().iter().filter(|r| r.rpc_method().as_deref() == Some("server/discover")).count();
    assert_eq!(discovers, 2);
    client.close().await;

    let refusing = stateless(2, json!([])).await;
    match connect_stateless(refusing.url()).await {
        Err(ClientError::Server(e)) => assert_eq!(e.code, -32022),
        other => panic!("a second refusal is the answer, got {other:?}"),
    }
    assert_eq!(refusing.seen().len(), 2, "asked twice, not more");
}

#[tokio::test]
async fn tools_with_invalid_header_annotations_are_left_out_on_the_stateless_wire() {
    let annotated = |name: &str, property: Value| json!({ "name": name, "inputSchema": { "type": "object", "properties": { "p": property } } });
    let tools = json!([
        annotated("valid", json!({ "type": "string", "x-mcp-header": "Region" })),
        annotated("empty", json!({ "type": "string", "x-mcp-header": "" })),
        annotated("object", json!({ "type": "object", "x-mcp-header": "Data" })),
        annotated("spaced", json!({ "type": "string", "x-mcp-header": "My Region" })),
        { "name": "plain", "inputSchema": { "type": "object" } },
    ]);
    let server = stateless(0, tools).await;
    let client = connect_stateless(server.url()).await.expect("connects");
    let listed = client.list_tools().await.expect("tools/list");
    let names: Vec<&str> = listed.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, ["valid", "plain"]);
    client.close().await;
}

#[tokio::test]
async fn resumptions_that_bring_nothing_stop_after_the_limit() {
    let server = serve(|request, _| {
        // Every stream (the answer's and each resumption) carries an id and ends empty.
        handshake(request)
            .unwrap_or_else(|| Answer::Events { events: vec!["id: same\nretry: 1\n\n".into()], hang: false })
    })
    .await;
    let client = connect(server.url()).await;
    let failed = tokio::time::timeout(WAIT, client.call_tool("slow", json!({}))).await.expect("in time");
    match failed {
        Err(ClientError::Server(e)) => assert!(e.message.contains("5 resumptions brought nothing"), "{}", e.message),
        other => panic!("expected the resumption limit, got {other:?}"),
    }
    let resumptions = server.seen().iter().filter(|r| r.header("last-event-id") == Some("same")).count();
    assert_eq!(resumptions, mcpforge::client::transport::http::MAX_RESUMES);
    client.close().await;
}

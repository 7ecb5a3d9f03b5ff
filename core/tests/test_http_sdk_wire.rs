//! The HTTP options under which a legacy session is served as the official TypeScript SDK's
//! transport serves it (`sse_response`, `sse_priming`, `media_type_checks`,
//! `sdk_transport_errors`, `batch_any_version`, `sse_event_names`, `sessionless_get_stream`),
//! against the engine's defaults, over real
//! sockets; and the
//! `MCP-Protocol-Version` of a session's GET and DELETE, checked under both.

use crate::http_client;

use http_client::{Request, Response, WAIT, open, send};
use mcpforge::{HttpOptions, Server, Tool, ToolError};
use serde_json::{Value, json};

/// A server with an `echo` tool bound with `options` on a free loopback port; runs until
/// `stop`.
struct Served {
    server: Server,
    addr: std::net::SocketAddr,
    run: tokio::task::JoinHandle<Result<(), mcpforge::Error>>,
}

async fn start(options: HttpOptions) -> Served {
    let server = Server::builder("sdk-wire", "1.0.0")
        .tool(Tool::new("echo"), |_: Value| async move { Ok::<_, ToolError>("echoed") })
        .build()
        .expect("build");
    let options = HttpOptions { bind: "127.0.0.1:0".parse().unwrap(), ..options };
    let http = server.bind_http(options).await.expect("bind");
    let addr = http.local_addr().expect("local address");
    Served { server, addr, run: tokio::spawn(http.run()) }
}

impl Served {
    async fn send(&self, request: &Request) -> Response {
        send(self.addr, request).await
    }

    /// `initialize` (2025-11-25): the answer and the session id.
    async fn session(&self) -> (Response, String) {
        let init = json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } } });
        let response = self.send(&Request::post_json(&init)).await;
        assert_eq!(response.status, 200, "{}", response.text());
        let id = response.header("mcp-session-id").expect("a session id").to_owned();
        (response, id)
    }

    async fn stop(self) {
        self.server.shutdown();
        let result = tokio::time::timeout(WAIT, self.run).await.expect("run() returns after shutdown");
        result.expect("run task").expect("run() result");
    }
}

const CALL: &str = r#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":{}}}"#;

fn call(session: Option<&str>, version: &str) -> Request {
    let r = Request::post_json(&serde_json::from_str(CALL).unwrap()).header("MCP-Protocol-Version", version);
    match session {
        Some(id) => r.header("Mcp-Session-Id", id),
        None => r,
    }
}

fn sdk_options() -> HttpOptions {
    HttpOptions {
        sse_response: true,
        sse_priming: false,
        media_type_checks: true,
        sdk_transport_errors: true,
        batch_any_version: true,
        sse_event_names: true,
        ..HttpOptions::default()
    }
}

/// The status, code, message and id of a refusal.
fn refusal(r: &Response) -> (u16, i64, String, Value) {
    let body = r.json();
    (
        r.status,
        body["error"]["code"].as_i64().unwrap_or(0),
        body["error"]["message"].as_str().unwrap_or("").to_owned(),
        body["id"].clone(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_answers_are_json_media_types_unchecked_and_refusals_the_engines() {
    let s = start(HttpOptions::default()).await;
    let (opened, id) = s.session().await;
    assert_eq!(opened.header("content-type"), Some("application/json"));
    let answer =
        s.send(&call(Some(&id), "2025-11-25").without_header("Accept").header("Accept", "application/json")).await;
    assert_eq!((answer.status, answer.header("content-type")), (200, Some("application/json")), "{}", answer.text());
    let (status, code, _, rid) = refusal(&s.send(&call(None, "2025-11-25")).await);
    assert_eq!((status, code, rid), (400, -32600, json!(5)), "a missing session, in the engine's words");
    let tools = Request::post_json(&json!({ "jsonrpc": "2.0", "id": 9, "method": "tools/list" }));
    let stream = s.send(&tools.header("Mcp-Session-Id", &id).header("MCP-Protocol-Version", "2025-11-25")).await;
    assert!(!stream.text().contains("event:"), "events are not named by default: {}", stream.text());
    let (status, code, _, _) = refusal(&s.send(&call(Some("nope"), "2025-11-25")).await);
    assert_eq!((status, code), (404, -32600));
    let put = s.send(&Request::new("PUT", "/mcp")).await;
    assert_eq!((put.status, put.header("allow"), put.body.is_empty()), (405, Some("GET, POST, DELETE"), true));
    // The specification's 400 for an unsupported version holds for a session's GET and DELETE.
    for method in ["GET", "DELETE"] {
        let request = Request::new(method, "/mcp")
            .header("Accept", "text/event-stream")
            .header("Mcp-Session-Id", &id)
            .header("MCP-Protocol-Version", "1999-01-01");
        let (status, _, message, _) = refusal(&s.send(&request).await);
        assert_eq!(status, 400, "{method}");
        assert!(message.contains("1999-01-01"), "{message}");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdk_options_stream_every_answer_unprimed_check_media_types_and_word_refusals_as_the_sdk() {
    let s = start(sdk_options()).await;
    let (opened, id) = s.session().await;
    assert_eq!(opened.header("content-type"), Some("text/event-stream"));
    assert_eq!(opened.sse_messages()[0]["id"], json!(0));
    let answer = s.send(&call(Some(&id), "2025-11-25")).await;
    assert_eq!(answer.header("content-type"), Some("text/event-stream"));
    assert!(!answer.text().contains("retry:"), "no priming event: {}", answer.text());
    assert!(answer.text().lines().any(|l| l == "event: message"), "a named event: {}", answer.text());
    let messages = answer.sse_messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0]["result"]["content"][0]["text"], "echoed");

    let not_acceptable = refusal(
        &s.send(&call(Some(&id), "2025-11-25").without_header("Accept").header("Accept", "application/json")).await,
    );
    assert_eq!((not_acceptable.0, not_acceptable.1, not_acceptable.3), (406, -32000, Value::Null));
    assert!(not_acceptable.2.contains("application/json and text/event-stream"), "{}", not_acceptable.2);
    let text = call(Some(&id), "2025-11-25").without_header("Content-Type").header("Content-Type", "text/plain");
    assert_eq!(refusal(&s.send(&text).await).0, 415);
    let get = Request::new("GET", "/mcp").header("Mcp-Session-Id", &id).header("Accept", "application/json");
    assert_eq!(refusal(&s.send(&get).await).0, 406);

    let (status, code, message, rid) = refusal(&s.send(&call(None, "2025-11-25")).await);
    assert_eq!((status, code, rid), (400, -32000, Value::Null));
    assert!(message.starts_with("Bad Request"), "{message}");
    let (status, code, message, _) = refusal(&s.send(&call(Some("nope"), "2025-11-25")).await);
    assert_eq!((status, code, message.as_str()), (404, -32001, "Session not found"));
    // An unknown version is a legacy one the server does not serve, not the 2026 wire.
    let (status, code, message, _) = refusal(&s.send(&call(Some(&id), "1999-01-01")).await);
    assert_eq!((status, code), (400, -32000));
    assert!(message.contains("Unsupported protocol version: 1999-01-01 (supported versions: "), "{message}");
    let garbage = Request::post_json(&json!(null)).body(b"{nope".to_vec()).header("Mcp-Session-Id", &id);
    let (status, code, message, _) = refusal(&s.send(&garbage).await);
    assert_eq!((status, code, message.as_str()), (400, -32700, "Parse error: Invalid JSON"));
    let resume = Request::new("GET", "/mcp")
        .header("Accept", "text/event-stream")
        .header("Mcp-Session-Id", &id)
        .header("Last-Event-ID", "garbage");
    let (status, _, message, _) = refusal(&s.send(&resume).await);
    assert_eq!((status, message.as_str()), (400, "Invalid event ID format"));
    let put = s.send(&Request::new("PUT", "/mcp").header("Mcp-Session-Id", &id)).await;
    assert_eq!(put.header("allow"), Some("GET, POST, DELETE"));
    assert_eq!(refusal(&put).0, 405);
    let evil = call(Some(&id), "2025-11-25").header("Origin", "http://evil.example");
    let (status, _, message, _) = refusal(&s.send(&evil).await);
    assert_eq!((status, message.as_str()), (403, "Invalid Origin header: http://evil.example"));
    s.stop().await;
}

/// A batch of two calls (ids 1 and 2), or with `initialize` first.
fn batch(session: Option<&str>, with_initialize: bool) -> Request {
    let call = |id: u64| json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": { "name": "echo" } });
    let mut items = vec![call(1), call(2)];
    if with_initialize {
        items.insert(
            0,
            json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } } }),
        );
    }
    let r = Request::post_json(&Value::Array(items));
    match session {
        Some(id) => r.header("Mcp-Session-Id", id).header("MCP-Protocol-Version", "2025-11-25"),
        None => r,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_on_every_version_only_with_the_option_and_never_with_initialize() {
    let s = start(HttpOptions::default()).await;
    let (_, id) = s.session().await;
    assert_eq!(s.send(&batch(Some(&id), false)).await.status, 400, "2025-03-26 sessions only by default");
    s.stop().await;

    let s = start(sdk_options()).await;
    let (_, id) = s.session().await;
    let answered = s.send(&batch(Some(&id), false)).await;
    assert_eq!(answered.status, 200, "{}", answered.text());
    let messages = answered.sse_messages();
    let ids: Vec<&Value> = messages.iter().flat_map(|m| m.as_array().into_iter().flatten()).map(|m| &m["id"]).collect();
    assert_eq!(ids.len(), 2, "{messages:?}");
    assert!(ids.contains(&&json!(1)) && ids.contains(&&json!(2)), "{messages:?}");
    let (status, code, message, _) = refusal(&s.send(&batch(None, true)).await);
    assert_eq!(
        (status, code, message.as_str()),
        (400, -32600, "Invalid Request: Only one initialization request is allowed")
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sessionless_get_is_405_unless_streams_are_asked_for() {
    let get =
        Request::new("GET", "/mcp").header("Accept", "text/event-stream").header("MCP-Protocol-Version", "2025-11-25");
    let s = start(HttpOptions { sessionless: true, ..HttpOptions::default() }).await;
    assert_eq!(s.send(&get).await.status, 405);
    s.stop().await;

    let s = start(HttpOptions { sessionless: true, sessionless_get_stream: true, ..HttpOptions::default() }).await;
    let first = open(s.addr, &get).await;
    let second = open(s.addr, &get).await;
    for stream in [&first, &second] {
        assert_eq!((stream.status, stream.header("content-type")), (200, Some("text/event-stream")));
    }
    drop((first, second));
    s.stop().await;
}

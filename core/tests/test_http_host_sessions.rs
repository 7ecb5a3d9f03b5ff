//! What a host application decides about HTTP sessions, and what handlers learn about their
//! request: the session id and HTTP headers in the request context (none on connections
//! without them), a session id the host proposes for an `initialize` it hands over
//! (`HttpApp::handle_hosted_with`, refused when invalid or taken), serving without sessions
//! (`HttpOptions::sessionless`: each legacy request stands alone), answering JSON only
//! (`HttpOptions::json_response`: what a request sends before its result is dropped), and closing one
//! application while the server and its other applications go on (`HttpApp::close`).

use mcpforge::transport::http::{HostRequest, HostResponse, HostedOptions};
use mcpforge::{
    CancelOnDisconnect, HttpApp, HttpOptions, LogLevel, MemoryClient, RequestContext, Server, Tool, ToolError,
};
use serde_json::{Value, json};

/// The tool `whoami` answers what its context knows: the session id, the `x-trace` header
/// and the number of headers.
fn server() -> Server {
    Server::builder("host-sessions", "1.0.0")
        .tool(Tool::new("whoami"), |ctx: RequestContext, _: Value| async move {
            let http = ctx.http_request();
            Ok::<_, ToolError>(
                json!({
                    "session": ctx.session_id(),
                    "trace": http.and_then(|h| h.header("X-Trace")),
                    "headers": http.map(|h| h.headers().count()),
                })
                .to_string(),
            )
        })
        .build()
        .expect("build")
}

fn initialize(version: &str) -> Value {
    json!({
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": { "protocolVersion": version, "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }
    })
}

fn whoami(id: u64) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": { "name": "whoami", "arguments": {} } })
}

/// A POST of `body` with the headers a client sends (plus `x-trace`), in `session` if any.
fn post(body: &Value, session: Option<&str>) -> HostRequest {
    let mut headers = vec![
        ("Host".to_owned(), b"127.0.0.1:8000".to_vec()),
        ("Content-Type".to_owned(), b"application/json".to_vec()),
        ("Accept".to_owned(), b"application/json, text/event-stream".to_vec()),
        ("X-Trace".to_owned(), b"trace-1".to_vec()),
    ];
    if let Some(id) = session {
        headers.push(("Mcp-Session-Id".to_owned(), id.as_bytes().to_vec()));
        headers.push(("MCP-Protocol-Version".to_owned(), b"2025-11-25".to_vec()));
    }
    HostRequest {
        method: "POST".into(),
        target: "/mcp".into(),
        headers,
        body: body.to_string().into_bytes(),
        remote: None,
    }
}

fn header<'a>(response: &'a HostResponse, name: &str) -> Option<&'a str> {
    response.headers.iter().find(|(n, _)| n == name).and_then(|(_, v)| std::str::from_utf8(v).ok())
}

/// The JSON-RPC message of an answer (JSON, or the last event of an SSE stream).
async fn message(mut response: HostResponse) -> Value {
    let mut body = Vec::new();
    while let Some(chunk) = response.next_chunk().await {
        body.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(body).expect("UTF-8");
    let data = text.lines().filter_map(|l| l.strip_prefix("data: ")).next_back().unwrap_or(&text);
    serde_json::from_str(data).expect("a JSON-RPC message")
}

/// What `whoami` answered.
async fn seen(response: HostResponse) -> Value {
    let m = message(response).await;
    serde_json::from_str(m["result"]["content"][0]["text"].as_str().expect("text")).expect("JSON")
}

async fn open_session(mcp: &HttpApp, options: HostedOptions) -> HostResponse {
    mcp.handle_hosted_with(post(&initialize("2025-11-25"), None), options).await.expect("handed over")
}

#[tokio::test]
async fn handlers_see_the_session_id_and_the_http_headers() {
    let server = server();
    let mcp = server.http_app(HttpOptions::default());
    let opened = open_session(&mcp, HostedOptions::default()).await;
    let session = header(&opened, "mcp-session-id").expect("a session id").to_owned();
    let seen_in_session = seen(mcp.handle_hosted(post(&whoami(1), Some(&session))).await.expect("handed over")).await;
    assert_eq!(seen_in_session, json!({ "session": session, "trace": "trace-1", "headers": 6 }));

    // The 2026 wire has no sessions, but its requests have headers.
    let mut modern = whoami(2);
    modern["params"]["_meta"] = MemoryClient::modern_meta(json!({}));
    let mut request = post(&modern, None);
    request.headers.extend([
        ("MCP-Protocol-Version".to_owned(), b"2026-07-28".to_vec()),
        ("Mcp-Method".to_owned(), b"tools/call".to_vec()),
        ("Mcp-Name".to_owned(), b"whoami".to_vec()),
    ]);
    let seen_modern = seen(mcp.handle_hosted(request).await.expect("handed over")).await;
    assert_eq!(seen_modern, json!({ "session": null, "trace": "trace-1", "headers": 7 }));

    // A connection that is not HTTP has neither.
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("initialize");
    let result = client.call_tool("whoami", json!({})).await.expect("call");
    let seen_memory: Value = serde_json::from_str(result["content"][0]["text"].as_str().expect("text")).expect("JSON");
    assert_eq!(seen_memory, json!({ "session": null, "trace": null, "headers": null }));
    client.close().await.expect("close");
}

#[tokio::test]
async fn the_debug_form_of_the_http_request_keeps_its_credentials_out_of_logs() {
    let server = Server::builder("debug", "1.0.0")
        .tool(Tool::new("logged"), |ctx: RequestContext, _: Value| async move {
            let http = ctx.http_request().expect("an HTTP request");
            Ok::<_, ToolError>(
                json!({ "debug": format!("{http:?}"), "authorization": http.header("authorization") }).to_string(),
            )
        })
        .build()
        .expect("build");
    let mcp = server.http_app(HttpOptions::default());
    let opened = open_session(&mcp, HostedOptions::default()).await;
    let session = header(&opened, "mcp-session-id").expect("a session id").to_owned();
    let call =
        json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": { "name": "logged", "arguments": {} } });
    let mut request = post(&call, Some(&session));
    request.headers.push(("Authorization".to_owned(), b"Bearer secret-token-1".to_vec()));
    request.headers.push(("Cookie".to_owned(), b"sid=secret-cookie-1".to_vec()));
    let answer = seen(mcp.handle_hosted(request).await.expect("handed over")).await;
    let debug = answer["debug"].as_str().expect("text");
    assert!(debug.contains("x-trace") && debug.contains("trace-1"), "other headers are shown: {debug}");
    for secret in ["secret-token-1", "secret-cookie-1", session.as_str()] {
        assert!(!debug.contains(secret), "credentials shown: {debug}");
    }
    assert_eq!(answer["authorization"], "Bearer secret-token-1", "handlers still read them");
}

#[tokio::test]
async fn a_host_may_name_the_session_an_initialize_opens() {
    let mcp = server().http_app(HttpOptions::default());
    let named = HostedOptions { session_id: Some("host-chosen-1".into()) };
    let opened = open_session(&mcp, named.clone()).await;
    assert_eq!(opened.status, 200);
    assert_eq!(header(&opened, "mcp-session-id"), Some("host-chosen-1"));
    let answer = seen(mcp.handle_hosted(post(&whoami(1), Some("host-chosen-1"))).await.expect("handed over")).await;
    assert_eq!(answer["session"], "host-chosen-1");

    // The same id again, or one that cannot be a header value: refused, no session opened.
    for bad in ["host-chosen-1", "", "two words", "caf\u{e9}"] {
        let refused = open_session(&mcp, HostedOptions { session_id: Some(bad.into()) }).await;
        assert_eq!(refused.status, 500, "{bad:?}");
        assert_eq!(header(&refused, "mcp-session-id"), None, "{bad:?}");
        let error = message(refused).await;
        assert_eq!((error["id"].clone(), error["error"]["code"].clone()), (json!(0), json!(-32603)), "{bad:?}");
        // A taken id is another client's live session: the refusal never names it.
        if !bad.is_empty() {
            assert!(!error.to_string().contains(bad), "the refusal repeats the proposed id: {error}");
        }
    }
    // Other requests ignore the option.
    let answer = mcp
        .handle_hosted_with(post(&whoami(2), Some("host-chosen-1")), HostedOptions { session_id: Some("other".into()) })
        .await
        .expect("handed over");
    assert_eq!(seen(answer).await["session"], "host-chosen-1");
}

#[tokio::test]
async fn without_sessions_every_legacy_request_stands_alone() {
    let mcp = server().http_app(HttpOptions { sessionless: true, ..HttpOptions::default() });
    let opened = open_session(&mcp, HostedOptions::default()).await;
    assert_eq!(opened.status, 200);
    assert_eq!(header(&opened, "mcp-session-id"), None, "no session is kept");
    assert_eq!(message(opened).await["result"]["protocolVersion"], "2025-11-25");

    // Requests without a session id are served, with the version of their header.
    let mut request = post(&whoami(1), None);
    request.headers.push(("MCP-Protocol-Version".to_owned(), b"2025-06-18".to_vec()));
    let answer = seen(mcp.handle_hosted(request).await.expect("handed over")).await;
    assert_eq!(answer, json!({ "session": null, "trace": "trace-1", "headers": 5 }));
    let listed = message(
        mcp.handle_hosted(post(&json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/list" }), None))
            .await
            .expect("handed over"),
    )
    .await;
    assert_eq!(listed["result"]["tools"][0]["name"], "whoami", "{listed}");
    let initialized = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
    assert_eq!(mcp.handle_hosted(post(&initialized, None)).await.expect("handed over").status, 202);
    // A GET stream needs a session: there is none to open.
    let get = HostRequest { method: "GET".into(), target: "/mcp".into(), ..post(&json!(null), None) };
    assert_eq!(mcp.handle_hosted(get).await.expect("handed over").status, 405);
}

/// Tells its channel when it is dropped: a handler holding one that never returns reports
/// being dropped only when its request was cancelled.
struct DropSignal(tokio::sync::mpsc::UnboundedSender<()>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

#[tokio::test]
async fn without_sessions_a_client_that_goes_away_cancels_its_request() {
    let (started_tx, mut started) = tokio::sync::mpsc::unbounded_channel::<()>();
    let (dropped_tx, mut dropped) = tokio::sync::mpsc::unbounded_channel::<()>();
    let server = Server::builder("gone", "1.0.0")
        .tool(Tool::new("wait"), move |_: RequestContext, _: Value| {
            let (started, signal) = (started_tx.clone(), DropSignal(dropped_tx.clone()));
            async move {
                let _held = signal;
                let _ = started.send(());
                std::future::pending::<()>().await;
                Ok::<_, ToolError>("never")
            }
        })
        .build()
        .expect("build");
    let mcp = server.http_app(HttpOptions { sessionless: true, ..HttpOptions::default() });
    let call =
        json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": { "name": "wait", "arguments": {} } });
    let limit = std::time::Duration::from_secs(10);
    {
        // The client waits for the answer, then goes away once the tool runs.
        let answer = mcp.handle_hosted(post(&call, None));
        tokio::select! {
            _ = answer => panic!("the tool never answers"),
            s = tokio::time::timeout(limit, started.recv()) => s.expect("the tool started in time").expect("started"),
        }
    }
    // Nothing could resume the request or cancel it otherwise: the disconnect cancels it.
    tokio::time::timeout(limit, dropped.recv()).await.expect("the request was cancelled in time").expect("dropped");
}

#[tokio::test]
async fn closing_one_application_leaves_the_server_and_the_others_serving() {
    let server = server();
    let closed = server.http_app(HttpOptions::default());
    let other = server.http_app(HttpOptions::default());
    let opened = open_session(&closed, HostedOptions::default()).await;
    let session = header(&opened, "mcp-session-id").expect("a session id").to_owned();

    closed.close();
    tokio::time::timeout(std::time::Duration::from_secs(10), closed.drained()).await.expect("drained in time");
    let after = closed.handle_hosted(post(&whoami(1), Some(&session))).await.expect("handed over");
    assert_eq!(after.status, 503, "a closed application answers nothing more");

    let opened = open_session(&other, HostedOptions::default()).await;
    let session = header(&opened, "mcp-session-id").expect("a session id").to_owned();
    let answer = seen(other.handle_hosted(post(&whoami(2), Some(&session))).await.expect("handed over")).await;
    assert_eq!(answer["session"], json!(session));
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("the server still serves");
    client.close().await.expect("close");
}

#[tokio::test]
async fn json_responses_drop_what_a_request_sends_before_its_result() {
    // `HttpOptions::json_response` (the official TypeScript SDK's `enableJsonResponse`): the
    // result comes as JSON, and the log message sent before it is dropped; without it, the
    // answer is an SSE stream carrying the log message, then the result.
    let server = Server::builder("json-only", "1.0.0")
        .tool(Tool::new("chatty"), |ctx: RequestContext, _: Value| async move {
            ctx.log(LogLevel::Info, "working", None);
            Ok::<_, ToolError>("done")
        })
        .build()
        .expect("build");
    let call =
        json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": { "name": "chatty", "arguments": {} } });
    for json_response in [true, false] {
        let mcp = server.http_app(HttpOptions { json_response, ..HttpOptions::default() });
        let opened = open_session(&mcp, HostedOptions::default()).await;
        let session = header(&opened, "mcp-session-id").expect("a session id").to_owned();
        let mut answer = mcp.handle_hosted(post(&call, Some(&session))).await.expect("handed over");
        let kind = header(&answer, "content-type").expect("a content type").to_owned();
        let mut body = Vec::new();
        while let Some(chunk) = answer.next_chunk().await {
            body.extend_from_slice(&chunk);
        }
        let body = String::from_utf8(body).expect("UTF-8");
        if json_response {
            assert_eq!(kind, "application/json");
            let m: Value = serde_json::from_str(&body).expect("one JSON-RPC message");
            assert_eq!(m["result"]["content"][0]["text"], "done", "{m}");
        } else {
            assert!(kind.starts_with("text/event-stream"), "{kind}");
            assert!(body.contains("notifications/message") && body.contains("done"), "{body}");
        }
    }
}

/// The `data:` lines of `stream` up to its first `list_changed` (at most 20 chunks).
async fn until_marker(stream: &mut HostResponse) -> Vec<Value> {
    let mut seen = Vec::new();
    for _ in 0..20 {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), stream.next_chunk())
            .await
            .expect("a chunk in time");
        let text = String::from_utf8(chunk.expect("the stream stays open").to_vec()).expect("UTF-8");
        for data in text.lines().filter_map(|l| l.strip_prefix("data: ")) {
            let message: Value = serde_json::from_str(data).expect("JSON");
            if message["method"] == "notifications/tools/list_changed" {
                return seen;
            }
            seen.push(message);
        }
    }
    panic!("no marker within 20 chunks");
}

#[tokio::test]
async fn an_application_sends_a_notification_to_one_session_by_its_id() {
    let server = server();
    let mcp = server.http_app(HttpOptions::default());
    let mut ids = Vec::new();
    for _ in 0..2 {
        let opened = open_session(&mcp, HostedOptions::default()).await;
        ids.push(header(&opened, "mcp-session-id").expect("a session id").to_owned());
    }
    let get =
        |session: &str| HostRequest { method: "GET".into(), body: Vec::new(), ..post(&json!(null), Some(session)) };
    let mut streams = Vec::new();
    for id in &ids {
        let stream = mcp.handle_hosted(get(id)).await.expect("handed over");
        assert_eq!(stream.status, 200);
        streams.push(stream);
    }
    let params = json!({ "level": "info", "data": "for the first" });
    assert!(server.notify_session(&ids[0], "notifications/message", Some(&params)));
    assert!(!server.notify_session("no-such-session", "notifications/message", Some(&params)));
    // A second notification, to the other session, marks the end of what each stream reads.
    assert!(server.notify_session(&ids[1], "notifications/tools/list_changed", None));
    assert!(server.notify_session(&ids[0], "notifications/tools/list_changed", None));

    let first = until_marker(&mut streams[0]).await;
    assert_eq!(first, vec![json!({ "jsonrpc": "2.0", "method": "notifications/message", "params": params })]);
    assert_eq!(until_marker(&mut streams[1]).await, Vec::<Value>::new(), "the other session hears nothing of it");
}

#[tokio::test]
async fn an_application_ends_a_stream_s_connection_and_the_client_resumes_it() {
    // Ended by the application, not by its client: not a cancellation, even when every
    // disconnect is one.
    for cancel_on_disconnect in [CancelOnDisconnect::Unresumable, CancelOnDisconnect::Always] {
        application_ends_a_stream_s_connection(cancel_on_disconnect).await;
    }
}

async fn application_ends_a_stream_s_connection(cancel_on_disconnect: CancelOnDisconnect) {
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let held = release.clone();
    let server = Server::builder("polling", "1.0.0")
        .tool(Tool::new("wait"), move |_: RequestContext, _: Value| {
            let held = held.clone();
            async move {
                held.notified().await;
                Ok::<_, ToolError>("released")
            }
        })
        .build()
        .expect("build");
    // Answered as a stream at once (the official SDK's way), so it is open while the tool waits.
    let mcp = server.http_app(HttpOptions { sse_response: true, cancel_on_disconnect, ..HttpOptions::default() });
    let opened = open_session(&mcp, HostedOptions::default()).await;
    let session = header(&opened, "mcp-session-id").expect("a session id").to_owned();
    let call =
        json!({ "jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": { "name": "wait", "arguments": {} } });
    let mut stream = mcp.handle_hosted(post(&call, Some(&session))).await.expect("handed over");
    assert_eq!(stream.status, 200);
    let priming = String::from_utf8(stream.next_chunk().await.expect("the priming event").to_vec()).expect("UTF-8");
    let last_id = priming.lines().find_map(|l| l.strip_prefix("id: ")).expect("an event id").to_owned();
    let id = mcpforge::jsonrpc::RequestId::Number(7);
    assert!(!mcp.close_sse_stream("no-such-session", Some(&id)));
    assert!(mcp.close_sse_stream(&session, Some(&id)), "the stream had a connection");
    // Its connection ends before the result; the request runs on.
    let rest =
        tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_whole()).await.expect("the end in time");
    assert!(!String::from_utf8_lossy(&rest).contains("released"), "{}", String::from_utf8_lossy(&rest));
    assert!(!mcp.close_sse_stream(&session, Some(&id)), "no connection left to end");
    release.notify_one();
    let mut resume = post(&json!(null), Some(&session));
    resume.method = "GET".into();
    resume.body = Vec::new();
    resume.headers.push(("Last-Event-ID".to_owned(), last_id.into_bytes()));
    let resumed = mcp.handle_hosted(resume).await.expect("handed over");
    assert_eq!(resumed.status, 200);
    let answer =
        tokio::time::timeout(std::time::Duration::from_secs(10), message(resumed)).await.expect("the result in time");
    assert_eq!(answer["id"], 7);
    assert_eq!(answer["result"]["content"][0]["text"], "released");
}

#[tokio::test]
async fn with_log_before_initialized_a_session_hears_log_messages_before_its_initialized() {
    for early in [false, true] {
        let server =
            Server::builder("early-logs", "1.0.0").logging(true).log_before_initialized(early).build().expect("build");
        let mcp = server.http_app(HttpOptions::default());
        // The client sends `initialize` only, no `notifications/initialized`.
        let opened = open_session(&mcp, HostedOptions::default()).await;
        let id = header(&opened, "mcp-session-id").expect("a session id").to_owned();
        let get = HostRequest { method: "GET".into(), body: Vec::new(), ..post(&json!(null), Some(&id)) };
        let mut stream = mcp.handle_hosted(get).await.expect("handed over");
        assert_eq!(stream.status, 200);
        server.log(LogLevel::Info, json!("early"), None);
        assert!(server.notify_session(&id, "notifications/tools/list_changed", None));
        let heard: Vec<Value> =
            until_marker(&mut stream).await.into_iter().map(|m| m["params"]["data"].clone()).collect();
        assert_eq!(heard, if early { vec![json!("early")] } else { Vec::new() }, "log_before_initialized({early})");
    }
}

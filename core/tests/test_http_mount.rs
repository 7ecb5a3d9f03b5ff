//! The HTTP application mounted in a web server the application already runs
//! (`Server::http_app`): merged into an axum router next to the app's own routes and served
//! by axum over a real socket (legacy sessions with SSE streaming, the 2026 wire, the `Host`
//! check, graceful shutdown), and one request at a time through `HttpApp::handle`, where
//! dropping the answer cancels the handler, and `HttpApp::handle_hosted` (plain parts in, the
//! body read back chunk by chunk, the client's address counted as the listener's peer is),
//! which the bindings' framework adapters use.

use crate::http_client;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use http_client::{Request, WAIT, open, send};
use mcpforge::error::codes;
use mcpforge::transport::http::{HostRequest, HostRequestError};
use mcpforge::{
    HttpApp, HttpOptions, MemoryClient, Rate, RateLimits, RequestContext, Server, ServerBuilder, SessionBudget, Tool,
    ToolError,
};
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// Tools: `echo` (text), `steps` (progress 1..3, then "done"), `wait` (reports on `started`
/// and `cancelled` as its request starts and is cancelled; never finishes by itself).
fn server(started: mpsc::UnboundedSender<()>, cancelled: mpsc::UnboundedSender<()>) -> Server {
    tools(started, cancelled).build().expect("build")
}

/// The builder of [`server`], for a test that sets more.
fn tools(started: mpsc::UnboundedSender<()>, cancelled: mpsc::UnboundedSender<()>) -> ServerBuilder {
    Server::builder("mounted", "1.0.0")
        .tool(
            Tool::new("echo").input_schema(
                json!({ "type": "object", "properties": { "text": { "type": "string" } }, "required": ["text"] }),
            ),
            |args: Value| async move { Ok::<_, ToolError>(args["text"].as_str().unwrap_or_default().to_owned()) },
        )
        .tool(Tool::new("steps"), |ctx: RequestContext, _: Value| async move {
            for i in 1..=3 {
                ctx.report_progress(f64::from(i), Some(3.0), Some(&format!("step {i}")));
            }
            Ok::<_, ToolError>("done")
        })
        .tool(Tool::new("wait"), move |ctx: RequestContext, _: Value| {
            let (started, cancelled) = (started.clone(), cancelled.clone());
            async move {
                let _ = started.send(());
                ctx.cancelled().await;
                let _ = cancelled.send(());
                Ok::<_, ToolError>("cancelled")
            }
        })
}

fn quiet_server() -> Server {
    server(mpsc::unbounded_channel().0, mpsc::unbounded_channel().0)
}

fn initialize(version: &str) -> Value {
    json!({
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": { "protocolVersion": version, "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }
    })
}

fn call(id: u64, tool: &str, arguments: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": { "name": tool, "arguments": arguments } })
}

/// A 2026-07-28 `tools/call` request with the headers a conformant client sends.
fn modern_call(id: u64, tool: &str, arguments: Value) -> axum::http::Request<Body> {
    let mut body = call(id, tool, arguments);
    body["params"]["_meta"] = MemoryClient::modern_meta(json!({}));
    axum::http::Request::post("/mcp")
        .header("host", "127.0.0.1")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", tool)
        .body(Body::from(body.to_string()))
        .expect("a request")
}

#[tokio::test]
async fn mounted_next_to_the_apps_own_routes() {
    let server = quiet_server();
    let mcp = server.http_app(HttpOptions::default());
    let router = Router::new().route("/hello", get(|| async { "the app's own route" })).merge(mcp.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(async move {
        axum::serve(listener, router).with_graceful_shutdown(async move { drop(stop_rx.await) }).await
    });

    // The app's route and the engine's health route are both there.
    let hello = send(addr, &Request::new("GET", "/hello")).await;
    assert_eq!((hello.status, hello.text().as_str()), (200, "the app's own route"));
    assert_eq!(send(addr, &Request::new("GET", "/healthz")).await.status, 200);

    // A legacy session: initialize, initialized, a JSON answer, then an SSE stream whose
    // progress notifications come before the result.
    let response = send(addr, &Request::post_json(&initialize("2025-11-25"))).await;
    assert_eq!(response.status, 200, "{}", response.text());
    let session = response.header("mcp-session-id").expect("a session id").to_owned();
    let in_session = |body: &Value| {
        Request::post_json(body).header("Mcp-Session-Id", &session).header("MCP-Protocol-Version", "2025-11-25")
    };
    let initialized = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
    assert_eq!(send(addr, &in_session(&initialized)).await.status, 202);
    let echoed = send(addr, &in_session(&call(1, "echo", json!({ "text": "hi" })))).await;
    let echoed = echoed.sse_messages().pop().unwrap_or_else(|| echoed.json());
    assert_eq!(echoed["result"]["content"][0]["text"], "hi", "{echoed}");
    let mut steps = call(2, "steps", json!({}));
    steps["params"]["_meta"] = json!({ "progressToken": "p" });
    let mut stream = open(addr, &in_session(&steps)).await;
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));
    let messages = stream.rest_messages().await;
    let progress: Vec<f64> = messages
        .iter()
        .filter(|m| m["method"] == "notifications/progress")
        .filter_map(|m| m["params"]["progress"].as_f64())
        .collect();
    assert_eq!(progress, [1.0, 2.0, 3.0], "{messages:?}");
    assert_eq!(messages.last().expect("a result")["result"]["content"][0]["text"], "done");

    // The DNS-rebinding check applies to the mounted routes.
    let foreign = send(addr, &Request::post_json(&initialize("2025-11-25")).header("Host", "evil.example")).await;
    assert_eq!(foreign.status, 403);

    // Shutdown: the application drains, then the host server stops.
    server.shutdown();
    tokio::time::timeout(WAIT, mcp.drained()).await.expect("drained after shutdown");
    assert_eq!(send(addr, &Request::new("GET", "/readyz")).await.status, 503);
    stop_tx.send(()).expect("the host server is running");
    tokio::time::timeout(WAIT, serving).await.expect("the host server stops").expect("task").expect("serve");
}

#[tokio::test]
async fn handle_answers_a_request_handed_over() {
    let mcp = quiet_server().http_app(HttpOptions::default());
    let response = mcp.handle(modern_call(7, "echo", json!({ "text": "handed over" }))).await;
    assert_eq!(response.status(), 200);
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
    let answer: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(answer["id"], 7);
    assert_eq!(answer["result"]["content"][0]["text"], "handed over", "{answer}");

    // What the listener refuses is refused here too: a foreign Host, an unknown path.
    let mut foreign = modern_call(8, "echo", json!({ "text": "x" }));
    foreign.headers_mut().insert("host", "evil.example".parse().expect("a header value"));
    assert_eq!(mcp.handle(foreign).await.status(), 403);
    let elsewhere = axum::http::Request::get("/elsewhere").header("host", "127.0.0.1").body(Body::empty());
    assert_eq!(mcp.handle(elsewhere.expect("a request")).await.status(), 404);
}

#[tokio::test]
async fn dropping_a_handed_over_request_cancels_its_handler() {
    let (started_tx, mut started) = mpsc::unbounded_channel();
    let (cancelled_tx, mut cancelled) = mpsc::unbounded_channel();
    let mcp = server(started_tx, cancelled_tx).http_app(HttpOptions::default());
    let pending = tokio::spawn({
        let mcp = mcp.clone();
        async move { mcp.handle(modern_call(1, "wait", json!({}))).await }
    });
    tokio::time::timeout(WAIT, started.recv()).await.expect("the handler starts").expect("started");
    // The host framework saw its client go away and dropped the exchange.
    pending.abort();
    tokio::time::timeout(WAIT, cancelled.recv()).await.expect("the handler is cancelled").expect("cancelled");
}

#[tokio::test]
async fn the_application_stops_its_tasks_when_dropped() {
    let tasks = || tokio::runtime::Handle::current().metrics().num_alive_tasks();
    let server = quiet_server();
    let before = tasks();
    let mcp = server.http_app(HttpOptions::default());
    let router = mcp.router();
    drop(mcp);
    tokio::task::yield_now().await;
    assert_eq!(tasks(), before + 2, "a session sweeper and a shutdown task");
    // A router handed out keeps the application alive.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(tasks(), before + 2);
    drop(router);
    let deadline = tokio::time::Instant::now() + WAIT;
    while tasks() > before && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(tasks(), before, "both tasks end with the last handle");
    // The server itself is unaffected: it can be mounted again.
    let again = server.http_app(HttpOptions::default());
    assert_eq!(again.handle(modern_call(2, "echo", json!({ "text": "again" }))).await.status(), 200);
}

/// A POST as a host framework hands it over: a legacy one in `session` when given, from the
/// client at `remote` when given.
fn hosted_post(body: &Value, session: Option<&str>, remote: Option<&str>) -> HostRequest {
    let mut headers = vec![
        ("Host".to_owned(), b"127.0.0.1:8000".to_vec()),
        ("Content-Type".to_owned(), b"application/json".to_vec()),
        ("Accept".to_owned(), b"application/json, text/event-stream".to_vec()),
    ];
    if let Some(id) = session {
        headers.push(("Mcp-Session-Id".to_owned(), id.as_bytes().to_vec()));
        headers.push(("MCP-Protocol-Version".to_owned(), b"2025-11-25".to_vec()));
    }
    let remote = remote.map(|r| HostRequest::parse_remote(r).expect("an address"));
    HostRequest { method: "POST".into(), target: "/mcp".into(), headers, body: body.to_string().into_bytes(), remote }
}

/// A 2026-07-28 `echo` call (no session) handed over from the client at `remote`.
fn hosted_modern_echo(id: u64, remote: Option<&str>) -> HostRequest {
    let mut body = call(id, "echo", json!({ "text": "hi" }));
    body["params"]["_meta"] = MemoryClient::modern_meta(json!({}));
    let mut request = hosted_post(&body, None, remote);
    for (name, value) in [("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/call"), ("Mcp-Name", "echo")] {
        request.headers.push((name.to_owned(), value.as_bytes().to_vec()));
    }
    request
}

/// The JSON answer (or the last SSE message) of a hosted request.
async fn hosted_answer(mcp: &HttpApp, request: HostRequest) -> (u16, Value) {
    let mut response = mcp.handle_hosted(request).await.expect("handed over");
    let body = response.read_whole().await;
    let text = String::from_utf8(body).expect("UTF-8");
    let last =
        text.lines().filter_map(|l| l.strip_prefix("data: ")).filter_map(|d| serde_json::from_str(d).ok()).next_back();
    (response.status, last.unwrap_or_else(|| serde_json::from_str(&text).unwrap_or(Value::Null)))
}

#[tokio::test]
async fn a_hosted_request_streams_its_answer_chunk_by_chunk() {
    let mcp = quiet_server().http_app(HttpOptions::default());
    let post = |body: &Value, session: Option<&str>| hosted_post(body, session, None);
    let opened = mcp.handle_hosted(post(&initialize("2025-11-25"), None)).await.expect("handed over");
    assert_eq!(opened.status, 200);
    let session = opened.headers.iter().find(|(n, _)| n == "mcp-session-id").expect("a session id").1.clone();
    let session = String::from_utf8(session).expect("text");
    let initialized = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
    assert_eq!(mcp.handle_hosted(post(&initialized, Some(&session))).await.expect("handed over").status, 202);

    let mut steps = call(2, "steps", json!({}));
    steps["params"]["_meta"] = json!({ "progressToken": "p" });
    let mut answer = mcp.handle_hosted(post(&steps, Some(&session))).await.expect("handed over");
    assert_eq!(answer.status, 200);
    let content_type = answer.headers.iter().find(|(n, _)| n == "content-type").map(|(_, v)| v.as_slice());
    assert_eq!(content_type, Some(&b"text/event-stream"[..]));
    let mut messages = Vec::new();
    while let Some(chunk) = answer.next_chunk().await {
        let text = std::str::from_utf8(&chunk).expect("UTF-8");
        messages
            .extend(text.lines().filter_map(|l| l.strip_prefix("data: ")).filter_map(|d| serde_json::from_str(d).ok()));
    }
    let methods: Vec<&str> = messages.iter().map(|m: &Value| m["method"].as_str().unwrap_or("result")).collect();
    assert_eq!(methods, ["notifications/progress", "notifications/progress", "notifications/progress", "result"]);

    let bad = HostRequest { method: "NOT A METHOD".into(), target: "/mcp".into(), ..HostRequest::default() };
    assert!(matches!(mcp.handle_hosted(bad).await, Err(HostRequestError::Method(_))));
    let bad = HostRequest { method: "GET".into(), target: "no path".into(), ..HostRequest::default() };
    assert!(matches!(mcp.handle_hosted(bad).await, Err(HostRequestError::Target(_))));
}

/// The id of the session a hosted `initialize` from `remote` opens.
async fn hosted_session(mcp: &HttpApp, remote: Option<&str>) -> String {
    let mut opened =
        mcp.handle_hosted(hosted_post(&initialize("2025-11-25"), None, remote)).await.expect("handed over");
    assert_eq!(opened.status, 200);
    let id = opened.headers.iter().find(|(n, _)| n == "mcp-session-id").expect("a session id").1.clone();
    opened.read_whole().await;
    String::from_utf8(id).expect("text")
}

/// The status of a `ping` in session `id`, handed over from `remote`.
async fn hosted_ping(mcp: &HttpApp, id: &str, remote: Option<&str>) -> u16 {
    hosted_answer(mcp, hosted_post(&json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" }), Some(id), remote)).await.0
}

/// The client's address a host hands over bounds sessions as the listener's peer does: a
/// client that floods `initialize` ends only its own sessions.
#[tokio::test]
async fn a_hosted_clients_flood_of_initialize_ends_only_its_own_sessions() {
    let options = HttpOptions { max_sessions: 6, max_sessions_per_client: Some(2), ..HttpOptions::default() };
    let mcp = quiet_server().http_app(options);
    // Two clients; the second written as Node writes an IPv4 peer on a dual-stack socket.
    let (a, b) = (Some("127.0.0.1:40000"), Some("::ffff:127.0.0.2"));
    let mine = hosted_session(&mcp, a).await;
    let mut flood = Vec::new();
    for _ in 0..20 {
        flood.push(hosted_session(&mcp, b).await);
    }
    assert_eq!(hosted_ping(&mcp, &mine, a).await, 200, "another client's flood ended a session");
    let (old, newest) = flood.split_at(flood.len() - 2);
    for id in newest {
        assert_eq!(hosted_ping(&mcp, id, b).await, 200, "the flooder's newest sessions are live");
    }
    for id in old {
        assert_eq!(hosted_ping(&mcp, id, b).await, 404, "the flooder's older sessions were ended");
    }
}

/// The rate limit of requests without a session is kept per address a host hands over.
#[tokio::test]
async fn a_hosted_clients_sessionless_requests_are_limited_per_address() {
    let limits = RateLimits { per_client: Some(Rate::new(5, Duration::from_secs(3600))), ..RateLimits::default() };
    let server =
        tools(mpsc::unbounded_channel().0, mpsc::unbounded_channel().0).rate_limits(limits).build().expect("build");
    let mcp = server.http_app(HttpOptions::default());
    let (a, b) = (Some("127.0.0.1:40000"), Some("127.0.0.2:40001"));
    let mut passed = 0;
    for id in 0..8 {
        let (_, answer) = hosted_answer(&mcp, hosted_modern_echo(id, a)).await;
        if answer.get("result").is_some() {
            passed += 1;
        } else {
            assert_eq!(answer["error"]["code"], codes::RATE_LIMITED, "{answer}");
        }
    }
    assert_eq!(passed, 5, "the first client gets its five calls");
    let (_, other) = hosted_answer(&mcp, hosted_modern_echo(9, b)).await;
    assert_eq!(other["result"]["content"][0]["text"], "hi", "another address has its own bucket: {other}");
}

/// Applications that share a [`SessionBudget`] (one per session, as the official SDKs'
/// transports mount them) bound a client's sessions across all of them: a flood of
/// `initialize`, each through an application of its own server, ends the flooder's own
/// oldest sessions, whichever application holds them, and each one's end is told
/// (`HttpApp::session_ended`); another client's session stays.
#[tokio::test]
async fn applications_sharing_a_session_budget_bound_a_client_across_them() {
    let budget = SessionBudget::new(6, 2);
    let options = || HttpOptions { session_budget: Some(budget.clone()), ..HttpOptions::default() };
    let (a, b) = (Some("127.0.0.1:40000"), Some("127.0.0.2:40001"));
    let other = quiet_server().http_app(options());
    let mine = hosted_session(&other, a).await;
    let mut flood = Vec::new();
    for _ in 0..10 {
        let mcp = quiet_server().http_app(options());
        let id = hosted_session(&mcp, b).await;
        let ended = mcp.session_ended(&id).expect("a live session");
        flood.push((mcp, id, ended));
    }
    assert_eq!(budget.len(), 3, "the flooder holds its bound of 2, the other client 1");
    assert_eq!(hosted_ping(&other, &mine, a).await, 200, "another client's flood ended a session");
    let newest = flood.split_off(8);
    for (mcp, id, _) in &newest {
        assert_eq!(hosted_ping(mcp, id, b).await, 200, "the flooder's newest sessions are live");
    }
    for (mcp, id, ended) in flood {
        tokio::time::timeout(WAIT, ended).await.expect("the end of an ended session is told");
        assert_eq!(hosted_ping(&mcp, &id, b).await, 404, "the flooder's older sessions were ended");
    }
}

/// A session that expires idle is told ended to its host, and gives its place in a shared
/// budget back.
#[tokio::test]
async fn an_idle_session_is_told_ended_and_leaves_its_budget() {
    let budget = SessionBudget::new(10, 10);
    let options = HttpOptions {
        session_budget: Some(budget.clone()),
        session_idle_timeout: Duration::from_millis(200),
        ..HttpOptions::default()
    };
    let mcp = quiet_server().http_app(options);
    let id = hosted_session(&mcp, Some("127.0.0.1:40000")).await;
    assert_eq!(budget.len(), 1);
    let ended = mcp.session_ended(&id).expect("a live session");
    tokio::time::timeout(WAIT, ended).await.expect("the expiry is told");
    assert!(budget.is_empty(), "an expired session gives its place back");
    assert!(mcp.session_ended(&id).is_none(), "no live session is left to watch");
}

/// The probes answer under both names (`/healthz` and `/health`, `/readyz` and `/ready`, the
/// latter turning 503 once shutdown begins), and an MCP path named like a probe keeps its route.
#[tokio::test]
async fn probes_answer_under_their_short_names_too() {
    let get = |path: &str| axum::http::Request::get(path).header("host", "127.0.0.1").body(Body::empty());
    let server = quiet_server();
    let mcp = server.http_app(HttpOptions::default());
    for path in ["/healthz", "/health", "/readyz", "/ready"] {
        let response = mcp.handle(get(path).expect("a request")).await;
        assert_eq!(response.status(), 200, "{path}");
    }
    server.shutdown();
    tokio::time::timeout(WAIT, mcp.drained()).await.expect("drained after shutdown");
    for path in ["/readyz", "/ready"] {
        assert_eq!(mcp.handle(get(path).expect("a request")).await.status(), 503, "{path}");
    }

    let options = HttpOptions { path: "/health".into(), ..HttpOptions::default() };
    let mcp = quiet_server().http_app(options);
    let mut call = modern_call(3, "echo", json!({ "text": "still MCP" }));
    *call.uri_mut() = "/health".parse().expect("a path");
    let response = mcp.handle(call).await;
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
    let answer: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(answer["result"]["content"][0]["text"], "still MCP", "{answer}");
}

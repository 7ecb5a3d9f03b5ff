//! Opt-in Prometheus metrics on the HTTP transport, over real sockets: `GET /metrics` is 404
//! unless enabled, and under bearer authorization needs a valid token as MCP requests do;
//! items a catalogue hook hides from a caller are counted as `unknown`; requests are
//! counted by method and outcome (ok, error, cancelled by `notifications/cancelled` or by the
//! client going away, unknown methods as `other`) on the 2026 wire, legacy sessions and the
//! 2024-11-05 HTTP+SSE transport; the duration histogram, the in-flight gauge while requests
//! run, and the live-sessions gauge.

use crate::http_client;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_client::{Request, Response, WAIT, open, send, send_only};
use mcpforge::{AuthInfo, AuthOptions, HttpOptions, MemoryClient, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;

const MODERN: &str = "2026-07-28";

/// `echo` answers at once; `wait` reports that it started, then waits for a permit of the
/// gate (or its cancellation).
struct Fixture {
    server: Server,
    started: mpsc::UnboundedReceiver<()>,
    gate: Arc<Semaphore>,
}

fn fixture() -> Fixture {
    let (started_tx, started) = mpsc::unbounded_channel();
    let gate = Arc::new(Semaphore::new(0));
    let tool_gate = gate.clone();
    let server = Server::builder("http-metrics", "1.0.0")
        .tool(Tool::new("echo"), |_: Value| async move { Ok::<_, ToolError>("echo") })
        .tool(Tool::new("wait"), move |ctx: RequestContext, _: Value| {
            let started = started_tx.clone();
            let gate = tool_gate.clone();
            async move {
                let _ = started.send(());
                tokio::select! {
                    permit = gate.acquire() => {
                        permit.expect("gate open").forget();
                        Ok::<_, ToolError>("released")
                    }
                    () = ctx.cancelled() => Err(ToolError::new("cancelled")),
                }
            }
        })
        .build()
        .expect("build");
    Fixture { server, started, gate }
}

struct Served {
    server: Server,
    addr: SocketAddr,
    run: JoinHandle<Result<(), mcpforge::Error>>,
}

impl Served {
    async fn start(server: Server, options: HttpOptions) -> Served {
        let options = HttpOptions { bind: "127.0.0.1:0".parse().unwrap(), ..options };
        let http = server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("local address");
        Served { server, addr, run: tokio::spawn(http.run()) }
    }

    async fn send(&self, request: &Request) -> Response {
        send(self.addr, request).await
    }

    async fn metrics(&self) -> String {
        self.metrics_as(None).await
    }

    /// The metrics, read with the bearer `token` when given.
    async fn metrics_as(&self, token: Option<&str>) -> String {
        let mut request = Request::new("GET", "/metrics");
        if let Some(t) = token {
            request = request.header("Authorization", &format!("Bearer {t}"));
        }
        let r = self.send(&request).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("text/plain; version=0.0.4; charset=utf-8"));
        r.text()
    }

    /// Scrapes until every line of `lines` is present (bounded).
    async fn metrics_with(&self, lines: &[&str]) -> String {
        for _ in 0..200 {
            let text = self.metrics().await;
            if lines.iter().all(|l| text.lines().any(|t| t == *l)) {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let text = self.metrics().await;
        panic!("metrics never showed {lines:?}:\n{text}");
    }

    async fn stop(self) {
        self.server.shutdown();
        let result = tokio::time::timeout(WAIT, self.run).await.expect("run() returns after shutdown");
        result.expect("run task").expect("run() result");
    }
}

fn metrics_on() -> HttpOptions {
    HttpOptions { metrics: true, ..HttpOptions::default() }
}

fn modern(id: Value, method: &str, mut params: Value) -> Request {
    params["_meta"] = MemoryClient::modern_meta(json!({}));
    let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
    let mut r = Request::post_json(&body).header("MCP-Protocol-Version", MODERN).header("Mcp-Method", method);
    if let Some(name) = body["params"]["name"].as_str() {
        r = r.header("Mcp-Name", name);
    }
    r
}

/// Sends `request` from a task of its own.
fn spawn_send(addr: SocketAddr, request: Request) -> JoinHandle<Response> {
    tokio::spawn(async move { send(addr, &request).await })
}

fn call(id: i64, tool: &str) -> Request {
    modern(json!(id), "tools/call", json!({ "name": tool }))
}

fn legacy(session: &str, body: &Value) -> Request {
    Request::post_json(body).header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18")
}

async fn open_session(s: &Served) -> String {
    let init = json!({
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": { "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }
    });
    let r = s.send(&Request::post_json(&init)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.header("mcp-session-id").expect("a session id").to_owned()
}

async fn started(f: &mut Fixture) {
    tokio::time::timeout(WAIT, f.started.recv()).await.expect("the tool started in time").expect("started");
}

/// The value of the sample `name` (exact series, labels included).
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_404_unless_enabled() {
    let s = Served::start(fixture().server, HttpOptions::default()).await;
    assert_eq!(s.send(&Request::new("GET", "/metrics")).await.status, 404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_counted_by_method_and_outcome() {
    let mut f = fixture();
    let s = Served::start(f.server.clone(), metrics_on()).await;
    // Before any request: the gauges, no request series.
    let text = s.metrics().await;
    assert_eq!(
        text,
        "# HELP mcpforge_requests_total MCP requests served, by method, name and outcome.\n\
         # TYPE mcpforge_requests_total counter\n\
         # HELP mcpforge_request_duration_seconds Time from receiving an MCP request to its outcome.\n\
         # TYPE mcpforge_request_duration_seconds histogram\n\
         # HELP mcpforge_requests_in_flight MCP requests being served, by method and name.\n\
         # TYPE mcpforge_requests_in_flight gauge\n\
         # HELP mcpforge_sessions Live legacy sessions (Streamable HTTP and 2024-11-05 HTTP+SSE).\n\
         # TYPE mcpforge_sessions gauge\n\
         mcpforge_sessions 0\n"
    );

    // 2026 wire: two results, an error result, an unknown method.
    assert_eq!(s.send(&call(1, "echo")).await.status, 200);
    assert_eq!(s.send(&call(2, "echo")).await.status, 200);
    let r = s.send(&call(3, "nope")).await;
    assert_eq!((r.status, r.json()["error"]["code"].clone()), (200, json!(-32602)));
    assert_eq!(s.send(&modern(json!(4), "made/up", json!({}))).await.status, 404);

    // A client that goes away cancels its 2026 request.
    let gone = send_only(s.addr, &call(5, "wait")).await;
    started(&mut f).await;
    drop(gone);
    s.metrics_with(&["mcpforge_requests_total{method=\"tools/call\",name=\"wait\",outcome=\"cancelled\"} 1"]).await;

    // A legacy session: initialize, a list, and a call cancelled by notifications/cancelled.
    let session = open_session(&s).await;
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    assert_eq!(s.send(&legacy(&session, &list)).await.status, 200);
    let wait = json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": { "name": "wait" } });
    let pending = spawn_send(s.addr, legacy(&session, &wait));
    started(&mut f).await;
    let cancel = json!({ "jsonrpc": "2.0", "method": "notifications/cancelled", "params": { "requestId": 2 } });
    assert_eq!(s.send(&legacy(&session, &cancel)).await.status, 202);
    let r = tokio::time::timeout(WAIT, pending).await.expect("the cancelled call ends").expect("task");
    assert_eq!(r.sse_messages(), Vec::<Value>::new(), "no response for a cancelled request");

    let text = s
        .metrics_with(&[
            "mcpforge_requests_total{method=\"tools/call\",name=\"echo\",outcome=\"ok\"} 2",
            "mcpforge_requests_total{method=\"tools/call\",name=\"unknown\",outcome=\"error\"} 1",
            "mcpforge_requests_total{method=\"tools/call\",name=\"wait\",outcome=\"cancelled\"} 2",
            "mcpforge_requests_total{method=\"initialize\",name=\"\",outcome=\"ok\"} 1",
            "mcpforge_requests_total{method=\"initialize\",name=\"\",outcome=\"error\"} 0",
            "mcpforge_requests_total{method=\"tools/list\",name=\"\",outcome=\"ok\"} 1",
            "mcpforge_requests_total{method=\"other\",name=\"\",outcome=\"error\"} 1",
            "mcpforge_request_duration_seconds_count{method=\"tools/call\",name=\"echo\"} 2",
            "mcpforge_request_duration_seconds_bucket{method=\"tools/call\",name=\"echo\",le=\"+Inf\"} 2",
            "mcpforge_request_duration_seconds_count{method=\"other\",name=\"\"} 1",
            "mcpforge_requests_in_flight{method=\"tools/call\",name=\"wait\"} 0",
            "mcpforge_sessions 1",
        ])
        .await;
    assert!(!text.contains("made/up"), "unknown methods do not become labels");
    assert!(!text.contains("method=\"ping\""), "methods never called have no series");

    // The histogram: cumulative buckets in increasing `le` order, ending at the count.
    let buckets: Vec<(String, f64)> = text
        .lines()
        .filter_map(|l| {
            l.strip_prefix("mcpforge_request_duration_seconds_bucket{method=\"tools/call\",name=\"echo\",le=\"")
        })
        .map(|l| {
            let (le, n) = l.split_once("\"} ").expect("a bucket sample");
            (le.to_owned(), n.parse().expect("a number"))
        })
        .collect();
    assert_eq!(buckets.len(), 15, "14 bounds and +Inf");
    assert_eq!(buckets.last().map(|b| b.0.as_str()), Some("+Inf"));
    assert!(buckets.windows(2).all(|w| w[0].1 <= w[1].1), "buckets are cumulative: {buckets:?}");
    let les: Vec<f64> = buckets[..14].iter().map(|b| b.0.parse().expect("a bound")).collect();
    assert!(les.windows(2).all(|w| w[0] < w[1]), "bounds increase: {les:?}");
    let sum =
        sample(&text, "mcpforge_request_duration_seconds_sum{method=\"tools/call\",name=\"echo\"}").expect("a sum");
    assert!(sum > 0.0);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_in_flight_gauge_follows_running_requests() {
    let mut f = fixture();
    let s = Served::start(f.server.clone(), metrics_on()).await;
    let first = spawn_send(s.addr, call(1, "wait"));
    let second = spawn_send(s.addr, call(2, "wait"));
    started(&mut f).await;
    started(&mut f).await;
    let text = s.metrics().await;
    let gauge = "mcpforge_requests_in_flight{method=\"tools/call\",name=\"wait\"}";
    assert_eq!(sample(&text, gauge), Some(2.0), "{text}");
    let ok = "mcpforge_requests_total{method=\"tools/call\",name=\"wait\",outcome=\"ok\"}";
    assert_eq!(sample(&text, ok), Some(0.0), "running requests have no outcome yet");

    f.gate.add_permits(2);
    for pending in [first, second] {
        let r = tokio::time::timeout(WAIT, pending).await.expect("the call ends").expect("task");
        assert_eq!(r.json()["result"]["content"][0]["text"], "released");
    }
    // Each outcome is recorded before its response is sent.
    let text = s.metrics().await;
    assert_eq!(sample(&text, gauge), Some(0.0), "{text}");
    assert_eq!(sample(&text, ok), Some(2.0));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_need_a_token_under_authorization_and_refusals_are_not_requests() {
    let auth = AuthOptions::new("http://localhost/mcp", |token: String| async move {
        if token == "good" {
            Ok(AuthInfo::new("someone", ["mcp"]))
        } else {
            Err(mcpforge::AuthError::Invalid("no".into()))
        }
    });
    let s = Served::start(fixture().server, HttpOptions { auth: Some(auth), ..metrics_on() }).await;
    assert_eq!(s.send(&call(1, "echo")).await.status, 401);
    assert_eq!(s.send(&call(2, "echo").header("Authorization", "Bearer bad")).await.status, 401);
    assert_eq!(s.send(&call(3, "echo").header("Authorization", "Bearer good")).await.status, 200);
    // The metrics are checked as MCP requests are: no token or a bad one is 401.
    let anonymous = s.send(&Request::new("GET", "/metrics")).await;
    assert_eq!(anonymous.status, 401);
    assert!(anonymous.header("www-authenticate").is_some_and(|c| c.starts_with("Bearer ")));
    let bad = s.send(&Request::new("GET", "/metrics").header("Authorization", "Bearer bad")).await;
    assert_eq!(bad.status, 401);
    assert!(!bad.text().contains("echo"));
    // Health checks stay public.
    assert_eq!(s.send(&Request::new("GET", "/healthz")).await.status, 200);
    let text = s.metrics_as(Some("good")).await;
    let echo = |series: &str| sample(&text, &format!("mcpforge_{series}"));
    assert_eq!(echo("requests_total{method=\"tools/call\",name=\"echo\",outcome=\"ok\"}"), Some(1.0), "{text}");
    assert_eq!(echo("requests_total{method=\"tools/call\",name=\"echo\",outcome=\"error\"}"), Some(0.0));
    assert_eq!(echo("request_duration_seconds_count{method=\"tools/call\",name=\"echo\"}"), Some(1.0));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_a_caller_may_not_see_are_counted_as_unknown() {
    let f = fixture();
    // `wait` is hidden from everyone; resources and prompts are not registered.
    f.server.set_catalogue(|_req: &mcpforge::MiddlewareRequest, kind: mcpforge::CatalogueKind| async move {
        match kind {
            mcpforge::CatalogueKind::Tools => mcpforge::Visible::only(["echo"]),
            _ => mcpforge::Visible::All,
        }
    });
    let s = Served::start(f.server, metrics_on()).await;
    for (id, tool) in [(1, "wait"), (2, "wait"), (3, "not-registered"), (4, "echo")] {
        let answer = s.send(&call(id, tool)).await.json();
        assert_eq!(answer.get("error").is_some(), tool != "echo", "{answer}");
    }
    // A legacy session too.
    let session = open_session(&s).await;
    let body =
        json!({ "jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": { "name": "wait", "arguments": {} } });
    assert!(s.send(&legacy(&session, &body)).await.json().get("error").is_some());
    let unknown = "mcpforge_requests_total{method=\"tools/call\",name=\"unknown\",outcome=\"error\"} 4";
    let echo = "mcpforge_requests_total{method=\"tools/call\",name=\"echo\",outcome=\"ok\"} 1";
    let text = s.metrics_with(&[unknown, echo]).await;
    assert!(!text.contains("\"wait\""), "a hidden tool is never named:\n{text}");
    assert!(!text.contains("not-registered"), "{text}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_2024_requests_and_sessions_are_counted() {
    let s = Served::start(fixture().server, metrics_on()).await;
    let mut stream = open(s.addr, &Request::new("GET", "/sse")).await;
    // The endpoint is relative to the stream's path, `/sse`.
    let endpoint = format!("/{}", stream.next_event().await.expect("the endpoint event").data.expect("data"));
    let post = |body: Value| {
        let mut r = Request::post_json(&body);
        r.path = endpoint.clone();
        r
    };
    let init = json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": { "protocolVersion": "2024-11-05", "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }
    });
    assert_eq!(s.send(&post(init)).await.status, 202);
    assert_eq!(stream.next_message().await.expect("initialize result")["id"], 1);
    let call = json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": { "name": "echo" } });
    assert_eq!(s.send(&post(call)).await.status, 202);
    assert_eq!(stream.next_message().await.expect("call result")["id"], 2);
    let bad = json!({ "jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": { "name": "nope" } });
    assert_eq!(s.send(&post(bad)).await.status, 202);
    assert_eq!(stream.next_message().await.expect("error")["error"]["code"], -32602);

    // Each outcome is recorded as its response goes out on the stream.
    s.metrics_with(&[
        "mcpforge_requests_total{method=\"initialize\",name=\"\",outcome=\"ok\"} 1",
        "mcpforge_requests_total{method=\"tools/call\",name=\"echo\",outcome=\"ok\"} 1",
        "mcpforge_requests_total{method=\"tools/call\",name=\"unknown\",outcome=\"error\"} 1",
        "mcpforge_requests_in_flight{method=\"tools/call\",name=\"echo\"} 0",
        "mcpforge_sessions 1",
    ])
    .await;
    // The session ends with its stream.
    drop(stream);
    s.metrics_with(&["mcpforge_sessions 0"]).await;
    s.stop().await;
}

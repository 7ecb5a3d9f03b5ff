//! Streamable HTTP resource bounds over real sockets: the legacy session cap (every
//! `initialize` succeeds, the least recently used sessions are ended) and the per-client one
//! (a client's flood ends only its own sessions), the idle timeout, a
//! boundedness check of process memory under thousands of abandoned sessions, and graceful
//! shutdown with a request in flight (it completes, then `run()` returns).

mod http_client;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_client::{Request, Response, WAIT, send};
use mcpforge::{AuthError, AuthInfo, AuthOptions, HttpOptions, MemoryClient, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

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

    async fn with_options(options: HttpOptions) -> Served {
        let server = Server::builder("http-limits", "1.0.0")
            .tool(Tool::new("echo"), |_: Value| async move { Ok::<_, ToolError>("echo") })
            .build()
            .expect("build");
        Served::start(server, options).await
    }

    async fn send(&self, request: &Request) -> Response {
        send(self.addr, request).await
    }

    /// Opens a legacy session (`initialize` only, never used afterwards) and returns its id.
    async fn initialize(&self, client_info: &Value) -> String {
        self.initialize_as(client_info, &Client::default()).await
    }

    /// [`Served::initialize`] as `client`.
    async fn initialize_as(&self, client_info: &Value, client: &Client) -> String {
        let body = json!({
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": { "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": client_info }
        });
        let response = self.send(&client.dress(Request::post_json(&body))).await;
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(response.json()["result"]["protocolVersion"], json!("2025-06-18"));
        response.header("mcp-session-id").expect("a session id").to_owned()
    }

    /// The status of a `tools/list` on session `id` (200 live, 404 ended).
    async fn probe(&self, id: &str) -> u16 {
        self.probe_as(id, &Client::default()).await
    }

    /// [`Served::probe`] as `client`.
    async fn probe_as(&self, id: &str, client: &Client) -> u16 {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
        let request =
            Request::post_json(&body).header("Mcp-Session-Id", id).header("MCP-Protocol-Version", "2025-06-18");
        let request = client.dress(request);
        let response = self.send(&request).await;
        if response.status == 200 {
            assert_eq!(response.json()["result"]["tools"][0]["name"], json!("echo"));
        }
        response.status
    }

    async fn stop(self) {
        self.server.shutdown();
        let result = tokio::time::timeout(WAIT, self.run).await.expect("run() returns after shutdown");
        result.expect("run task").expect("run() result");
    }
}

/// Who sends a request: a loopback address to connect from, and a bearer token.
#[derive(Default)]
struct Client {
    source: Option<&'static str>,
    token: Option<&'static str>,
}

impl Client {
    fn dress(&self, mut request: Request) -> Request {
        if let Some(source) = self.source {
            request = request.from(source);
        }
        if let Some(token) = self.token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        request
    }
}

fn small_info() -> Value {
    json!({ "name": "limits-client", "version": "1.0.0" })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_cap_ends_the_least_recently_used_sessions() {
    // One client here: its own bound is the global one.
    let options = HttpOptions { max_sessions: 50, max_sessions_per_client: Some(50), ..HttpOptions::default() };
    let s = Served::with_options(options).await;
    let mut ids = Vec::with_capacity(500);
    for _ in 0..500 {
        ids.push(s.initialize(&small_info()).await);
    }
    let (old, newest) = ids.split_at(450);
    // The newest 50 are live.
    for id in newest {
        assert_eq!(s.probe(id).await, 200, "a recent session was ended");
    }
    // Everything older was ended to make room: the store never held more than 50.
    for id in old {
        assert_eq!(s.probe(id).await, 404, "an old session outlived the cap");
    }
    // Still accepting new sessions, and the cap now ends the least recently used: the
    // oldest of the newest 50 (the probes above touched them in order).
    let fresh = s.initialize(&small_info()).await;
    assert_eq!(s.probe(&fresh).await, 200);
    assert_eq!(s.probe(&newest[0]).await, 404);
    assert_eq!(s.probe(&newest[49]).await, 200);
    s.stop().await;
}

/// Client `a` opens sessions, then `b` floods `initialize` far past its own bound (and past
/// the global cap): every one of `a`'s sessions stays, and `b` keeps its newest few.
async fn flood_ends_only_the_flooders_sessions(options: HttpOptions, a: Client, b: Client) {
    let s = Served::with_options(HttpOptions { max_sessions: 50, ..options }).await;
    let mut mine = Vec::new();
    for _ in 0..3 {
        mine.push(s.initialize_as(&small_info(), &a).await);
    }
    let mut flood = Vec::new();
    for _ in 0..120 {
        flood.push(s.initialize_as(&small_info(), &b).await);
    }
    for id in &mine {
        assert_eq!(s.probe_as(id, &a).await, 200, "another client's flood ended a session");
    }
    // The default bound is a tenth of max_sessions: the flooder holds its newest 5.
    let (old, newest) = flood.split_at(flood.len() - 5);
    for id in newest {
        assert_eq!(s.probe_as(id, &b).await, 200, "the flooder's newest sessions are live");
    }
    for id in old {
        assert_eq!(s.probe_as(id, &b).await, 404, "the flooder's older sessions were ended");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_initialize_from_one_address_ends_only_its_own_sessions() {
    let a = Client { source: Some("127.0.0.1"), token: None };
    let b = Client { source: Some("127.0.0.2"), token: None };
    flood_ends_only_the_flooders_sessions(HttpOptions::default(), a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_initialize_from_one_subject_ends_only_its_own_sessions() {
    let verify = |token: String| async move { Ok::<_, AuthError>(AuthInfo::new(token, ["mcp"])) };
    let options =
        HttpOptions { auth: Some(AuthOptions::new("http://127.0.0.1/mcp", verify)), ..HttpOptions::default() };
    // One address, two subjects.
    let a = Client { source: None, token: Some("alice") };
    let b = Client { source: None, token: Some("mallory") };
    flood_ends_only_the_flooders_sessions(options, a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sessions_expire() {
    let options = HttpOptions { session_idle_timeout: Duration::from_millis(300), ..HttpOptions::default() };
    let s = Served::with_options(options).await;
    let id = s.initialize(&small_info()).await;
    assert_eq!(s.probe(&id).await, 200);
    // Every probe of a live session marks it used, so wait well beyond the timeout (and the
    // sweep interval) between probes. Bounded: the test fails if it never expires.
    let mut status = 200;
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        status = s.probe(&id).await;
        if status == 404 {
            break;
        }
    }
    assert_eq!(status, 404, "the idle session never expired");
    s.stop().await;
}

/// The resident set size of this process in kB (Linux `/proc/self/status` `VmRSS`).
fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("a VmRSS line");
    line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).expect("a VmRSS value")
}

/// A boundedness check, not a benchmark: 5,000 abandoned sessions, each holding a 16 KB
/// `clientInfo` (about 80 MB if nothing were ever ended), with a cap of 100 sessions. The
/// process must not grow by more than 50 MB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_bounded_under_abandoned_sessions() {
    let s = Arc::new(Served::with_options(HttpOptions { max_sessions: 100, ..HttpOptions::default() }).await);
    // Near the most a session keeps of a `clientInfo` (16 KiB of JSON).
    let info = json!({ "name": "limits-client", "version": "1.0.0", "description": "x".repeat(15 * 1024) });
    // Warm up: fill the cap once so one-time allocations are not counted.
    for _ in 0..200 {
        s.initialize(&info).await;
    }
    let before = rss_kb();
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let s = s.clone();
            let info = info.clone();
            tokio::spawn(async move {
                for _ in 0..625 {
                    s.initialize(&info).await;
                }
            })
        })
        .collect();
    for w in workers {
        w.await.expect("worker");
    }
    let after = rss_kb();
    let grown_mb = after.saturating_sub(before) / 1024;
    assert!(grown_mb < 50, "RSS grew by {grown_mb} MB ({before} kB -> {after} kB) for 5,000 abandoned sessions");
    let s = Arc::into_inner(s).expect("workers are done");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_the_request_in_flight_finish_then_run_returns() {
    let (started_tx, mut started) = mpsc::unbounded_channel::<()>();
    let (release_tx, release) = oneshot::channel::<()>();
    let release = Arc::new(Mutex::new(Some(release)));
    let server = Server::builder("http-limits", "1.0.0")
        .tool(Tool::new("slow"), move |_: Value| {
            let started = started_tx.clone();
            let release = release.lock().unwrap().take();
            async move {
                let _ = started.send(());
                if let Some(r) = release {
                    let _ = r.await;
                }
                Ok::<_, ToolError>("finished")
            }
        })
        .build()
        .expect("build");
    let mut s = Served::start(server, HttpOptions::default()).await;
    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": { "name": "slow", "arguments": {}, "_meta": MemoryClient::modern_meta(json!({})) }
    });
    let request = Request::post_json(&body)
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "tools/call")
        .header("Mcp-Name", "slow");
    let addr = s.addr;
    let client = tokio::spawn(async move { send(addr, &request).await });
    tokio::time::timeout(WAIT, started.recv()).await.expect("the handler starts").expect("started");

    s.server.shutdown();
    // The handler is held, so the server cannot have finished: it waits for the request.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut s.run).await.is_err(),
        "run() returned with a request in flight"
    );
    release_tx.send(()).expect("the handler waits");
    let response = tokio::time::timeout(WAIT, client).await.expect("the response arrives").expect("client task");
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(
        response.json(),
        json!({
            "jsonrpc": "2.0",
            "id": 1,
            "result": {
                "content": [{ "type": "text", "text": "finished" }],
                "resultType": "complete",
                "_meta": { "io.modelcontextprotocol/serverInfo": { "name": "http-limits", "version": "1.0.0" } }
            }
        })
    );
    let result = tokio::time::timeout(WAIT, s.run).await.expect("run() returns after the request finished");
    result.expect("run task").expect("run() result");
}

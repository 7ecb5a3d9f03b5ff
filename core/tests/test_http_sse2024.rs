//! The 2024-11-05 HTTP+SSE transport, over real sockets: `GET /sse` and its `endpoint` event,
//! `POST /messages` answering 202 with every server message on the stream as `message`
//! events (the handshake, `tools/list`, `tools/call`, progress notifications, a
//! server->client `roots/list` round trip, cancellation), POST errors (missing or unknown
//! session 400/404, unparseable body 400, multi-line bodies, bad envelopes answered on the
//! stream), the session ending with its stream, the `max_sessions` bound, Host/Origin checks,
//! shutdown ending the stream, and the routes being absent when disabled.

use crate::http_client;

use std::net::SocketAddr;
use std::time::Duration;

use http_client::{Request, Response, WAIT, send};
use mcpforge::{HttpOptions, ListRootsResult, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

// ---- an SSE reader that keeps the `event:` field -----------------------------------------

/// One server-sent event.
#[derive(Debug, Clone, PartialEq)]
struct Event {
    event: Option<String>,
    data: String,
}

impl Event {
    fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap_or_else(|e| panic!("event data is not JSON ({e}): {:?}", self.data))
    }
}

/// An open `text/event-stream` response (chunked), read as it arrives. Dropping it closes
/// the connection.
struct SseStream {
    status: u16,
    headers: Vec<(String, String)>,
    tcp: TcpStream,
    /// Raw bytes not yet de-chunked.
    raw: Vec<u8>,
    /// De-chunked body bytes not yet parsed into events.
    body: Vec<u8>,
    /// Bytes left in the current chunk (`None`: a size line is next).
    chunk: Option<usize>,
    done: bool,
}

impl SseStream {
    async fn open(addr: SocketAddr, request: Request) -> SseStream {
        let opened = async {
            let mut tcp = TcpStream::connect(addr).await.expect("connect");
            let mut head = format!("{} {} HTTP/1.1\r\nHost: {addr}\r\n", request.method, request.path);
            for (name, value) in &request.headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("Content-Length: 0\r\n\r\n");
            tcp.write_all(head.as_bytes()).await.expect("write");
            let mut s = SseStream {
                status: 0,
                headers: Vec::new(),
                tcp,
                raw: Vec::new(),
                body: Vec::new(),
                chunk: None,
                done: false,
            };
            let end = loop {
                if let Some(at) = s.raw.windows(4).position(|w| w == b"\r\n\r\n") {
                    break at;
                }
                assert!(s.fill().await, "closed before a response head");
            };
            let head: Vec<u8> = s.raw.drain(..end + 4).collect();
            let head = String::from_utf8_lossy(&head[..end]).into_owned();
            let mut lines = head.split("\r\n");
            s.status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|c| c.parse().ok()).expect("a status");
            for line in lines {
                let (n, v) = line.split_once(':').expect("a header line");
                s.headers.push((n.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
            s
        };
        tokio::time::timeout(WAIT, opened).await.expect("a response head in time")
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Reads more bytes (cancel-safe); false at end of stream.
    async fn fill(&mut self) -> bool {
        let mut buf = [0u8; 8192];
        match self.tcp.read(&mut buf).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.raw.extend_from_slice(&buf[..n]);
                true
            }
        }
    }

    /// Moves complete chunk data from `raw` to `body`.
    fn dechunk(&mut self) {
        loop {
            match self.chunk {
                None => {
                    let Some(end) = self.raw.windows(2).position(|w| w == b"\r\n") else { return };
                    let line: Vec<u8> = self.raw.drain(..end + 2).collect();
                    let size = usize::from_str_radix(String::from_utf8_lossy(&line[..end]).trim(), 16).expect("size");
                    if size == 0 {
                        self.done = true;
                        return;
                    }
                    self.chunk = Some(size);
                }
                Some(0) => {
                    if self.raw.len() < 2 {
                        return;
                    }
                    self.raw.drain(..2);
                    self.chunk = None;
                }
                Some(left) => {
                    let n = left.min(self.raw.len());
                    if n == 0 {
                        return;
                    }
                    self.body.extend(self.raw.drain(..n));
                    self.chunk = Some(left - n);
                }
            }
        }
    }

    /// The next event (keep-alive comments skipped); `None` when the stream ended.
    async fn next(&mut self) -> Option<Event> {
        let read = async {
            loop {
                self.dechunk();
                if let Some(end) = self.body.windows(2).position(|w| w == b"\n\n") {
                    let block: Vec<u8> = self.body.drain(..end + 2).collect();
                    let text = String::from_utf8_lossy(&block[..end]).into_owned();
                    let mut event = None;
                    let mut data = Vec::new();
                    for line in text.split('\n') {
                        match line.split_once(": ") {
                            Some(("event", v)) => event = Some(v.to_owned()),
                            Some(("data", v)) => data.push(v.to_owned()),
                            _ => {}
                        }
                    }
                    if event.is_none() && data.is_empty() {
                        continue; // a keep-alive comment
                    }
                    return Some(Event { event, data: data.join("\n") });
                }
                if self.done || !self.fill().await {
                    return None;
                }
            }
        };
        tokio::time::timeout(WAIT, read).await.expect("no SSE event within the timeout")
    }

    /// The next event, which must be a `message`; its JSON.
    async fn message(&mut self) -> Value {
        let e = self.next().await.expect("a message event");
        assert_eq!(e.event.as_deref(), Some("message"), "{e:?}");
        e.json()
    }

    /// True when the stream ends before any further event (fails after [`WAIT`]).
    async fn ended(&mut self) -> bool {
        self.next().await.is_none()
    }
}

// ---- the server --------------------------------------------------------------------------

/// `echo` (argument `text`), `steps` (progress 1 and 2, then "done"), `roots` (asks the client
/// for its roots and lists their URIs), `wait` (signals, then waits for cancellation).
fn server(cancelled: mpsc::UnboundedSender<&'static str>) -> Server {
    Server::builder("sse-2024", "1.0.0")
        .tool(
            Tool::new("echo").input_schema(json!({ "type": "object", "properties": { "text": { "type": "string" } } })),
            |args: Value| async move { Ok::<_, ToolError>(args["text"].as_str().unwrap_or_default().to_owned()) },
        )
        .tool(Tool::new("steps"), |ctx: RequestContext, _: Value| async move {
            ctx.report_progress(1.0, Some(2.0), None);
            ctx.report_progress(2.0, Some(2.0), None);
            Ok::<_, ToolError>("done")
        })
        .tool(Tool::new("roots"), |ctx: RequestContext, _: Value| async move {
            let ListRootsResult { roots } = ctx.list_roots().await?;
            Ok::<_, mcpforge::HandlerError>(roots.iter().map(|r| r.uri.clone()).collect::<Vec<_>>().join(","))
        })
        .tool(Tool::new("wait"), move |ctx: RequestContext, _: Value| {
            let cancelled = cancelled.clone();
            async move {
                let _ = cancelled.send("started");
                ctx.cancelled().await;
                let _ = cancelled.send("cancelled");
                Ok::<_, ToolError>("never sent")
            }
        })
        .build()
        .expect("build")
}

struct Served {
    server: Server,
    addr: SocketAddr,
    run: JoinHandle<Result<(), mcpforge::Error>>,
    signals: mpsc::UnboundedReceiver<&'static str>,
    sse_path: String,
}

/// The path a client POSTs to: the `endpoint` event's reference resolved against the path
/// the stream was opened at (RFC 3986, for the path-only references the server sends).
fn resolve(stream_path: &str, reference: &str) -> String {
    if reference.starts_with('/') {
        return reference.to_owned();
    }
    let mut segments: Vec<&str> = stream_path.split('/').collect();
    segments.pop();
    for part in reference.split('/') {
        match part {
            "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    segments.join("/")
}

impl Served {
    async fn start(options: HttpOptions) -> Served {
        let (tx, signals) = mpsc::unbounded_channel();
        let server = server(tx);
        let options = HttpOptions { bind: "127.0.0.1:0".parse().unwrap(), ..options };
        let sse_path = options.sse_path.clone();
        let http = server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("local address");
        Served { server, addr, run: tokio::spawn(http.run()), signals, sse_path }
    }

    async fn new() -> Served {
        Served::start(HttpOptions::default()).await
    }

    async fn connect(&self) -> (SseStream, String) {
        let mut stream =
            SseStream::open(self.addr, Request::new("GET", &self.sse_path).header("Accept", "text/event-stream")).await;
        assert_eq!(stream.status, 200);
        assert_eq!(stream.header("content-type"), Some("text/event-stream"));
        let first = stream.next().await.expect("the endpoint event");
        assert_eq!(first.event.as_deref(), Some("endpoint"));
        let (_, id) = first.data.split_once("?sessionId=").expect("the endpoint names the session");
        assert_eq!(id.len(), 64);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{id}");
        (stream, resolve(&self.sse_path, &first.data))
    }

    async fn post(&self, endpoint: &str, body: &Value) -> Response {
        self.post_raw(endpoint, body.to_string().into_bytes()).await
    }

    async fn post_raw(&self, endpoint: &str, body: Vec<u8>) -> Response {
        let request = Request::new("POST", endpoint).header("Content-Type", "application/json").body(body);
        send(self.addr, &request).await
    }

    /// A session through the handshake, with these client capabilities.
    async fn session(&self, capabilities: Value) -> (SseStream, String) {
        let (mut stream, endpoint) = self.connect().await;
        let init = json!({
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": { "protocolVersion": "2024-11-05", "capabilities": capabilities, "clientInfo": { "name": "t", "version": "1" } }
        });
        accepted(&self.post(&endpoint, &init).await);
        assert_eq!(stream.message().await["id"], 0);
        accepted(&self.post(&endpoint, &json!({ "jsonrpc": "2.0", "method": "notifications/initialized" })).await);
        (stream, endpoint)
    }

    async fn signal(&mut self) -> &'static str {
        tokio::time::timeout(WAIT, self.signals.recv()).await.expect("a signal in time").expect("signal")
    }

    async fn stop(self) {
        self.server.shutdown();
        let result = tokio::time::timeout(WAIT, self.run).await.expect("run() returns after shutdown");
        result.expect("run task").expect("run() result");
    }
}

fn accepted(r: &Response) {
    assert_eq!(r.status, 202, "{}", r.text());
    assert!(r.body.is_empty(), "{}", r.text());
}

fn request(id: Value, method: &str, params: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })
}

fn text_result(id: Value, text: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": { "content": [{ "type": "text", "text": text }] } })
}

// ---- tests -------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handshake_list_and_call_over_sse() {
    let s = Served::new().await;
    let (mut stream, endpoint) = s.connect().await;
    let init = request(
        json!(1),
        "initialize",
        json!({ "protocolVersion": "2024-11-05", "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }),
    );
    accepted(&s.post(&endpoint, &init).await);
    assert_eq!(
        stream.message().await,
        json!({
            "jsonrpc": "2.0",
            "id": 1,
            "result": {
                "protocolVersion": "2024-11-05",
                "capabilities": { "logging": {}, "tools": { "listChanged": true } },
                "serverInfo": { "name": "sse-2024", "version": "1.0.0" }
            }
        })
    );
    accepted(&s.post(&endpoint, &json!({ "jsonrpc": "2.0", "method": "notifications/initialized" })).await);

    accepted(&s.post(&endpoint, &request(json!("list"), "tools/list", json!({}))).await);
    let list = stream.message().await;
    assert_eq!(list["id"], "list");
    let names: Vec<&str> =
        list["result"]["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["echo", "steps", "roots", "wait"], "in registration order");

    let call = request(json!(3), "tools/call", json!({ "name": "echo", "arguments": { "text": "hi" } }));
    accepted(&s.post(&endpoint, &call).await);
    assert_eq!(stream.message().await, text_result(json!(3), "hi"));
    drop(stream);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_and_a_server_to_client_request_travel_on_the_stream() {
    let s = Served::new().await;
    let (mut stream, endpoint) = s.session(json!({ "roots": { "listChanged": true } })).await;

    // Progress notifications come first, then the result.
    let call = request(json!(1), "tools/call", json!({ "name": "steps", "_meta": { "progressToken": "p" } }));
    accepted(&s.post(&endpoint, &call).await);
    for progress in [1, 2] {
        assert_eq!(
            stream.message().await,
            json!({
                "jsonrpc": "2.0",
                "method": "notifications/progress",
                "params": { "progressToken": "p", "progress": f64::from(progress), "total": 2.0 }
            })
        );
    }
    assert_eq!(stream.message().await, text_result(json!(1), "done"));

    // The tool asks the client for its roots: the request arrives on the stream, the answer
    // is POSTed back, and the tool's result follows.
    accepted(&s.post(&endpoint, &request(json!(2), "tools/call", json!({ "name": "roots" }))).await);
    let ask = stream.message().await;
    assert_eq!(ask["method"], "roots/list");
    assert!(ask["id"].is_string() || ask["id"].is_number(), "{ask}");
    let answer = json!({
        "jsonrpc": "2.0",
        "id": ask["id"],
        "result": { "roots": [{ "uri": "file:///a", "name": "a" }, { "uri": "file:///b" }] }
    });
    accepted(&s.post(&endpoint, &answer).await);
    assert_eq!(stream.message().await, text_result(json!(2), "file:///a,file:///b"));
    drop(stream);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_request_gets_no_response() {
    let mut s = Served::new().await;
    let (mut stream, endpoint) = s.session(json!({})).await;
    accepted(&s.post(&endpoint, &request(json!(1), "tools/call", json!({ "name": "wait" }))).await);
    assert_eq!(s.signal().await, "started");
    let cancel = json!({ "jsonrpc": "2.0", "method": "notifications/cancelled", "params": { "requestId": 1 } });
    accepted(&s.post(&endpoint, &cancel).await);
    assert_eq!(s.signal().await, "cancelled");
    // The next message on the stream is the ping's answer: nothing was sent for request 1.
    accepted(&s.post(&endpoint, &request(json!(2), "ping", json!({}))).await);
    assert_eq!(stream.message().await, json!({ "jsonrpc": "2.0", "id": 2, "result": {} }));
    drop(stream);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_errors_and_odd_bodies() {
    let s = Served::new().await;
    let (mut stream, endpoint) = s.session(json!({})).await;

    let r = s.post("/messages", &request(json!(1), "ping", json!({}))).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({ "jsonrpc": "2.0", "error": { "code": -32600, "message": "Invalid request: missing sessionId query parameter" } })
    );
    let r = s.post(&format!("/messages?sessionId={}", "0".repeat(64)), &request(json!(1), "ping", json!({}))).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json(),
        json!({ "jsonrpc": "2.0", "error": { "code": -32600, "message": "Invalid request: unknown or ended session" } })
    );
    let r = s.post_raw(&endpoint, b"{not json".to_vec()).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], -32700);

    // A pretty-printed body spans lines: it still arrives as one message.
    let pretty = serde_json::to_vec_pretty(&request(
        json!(2),
        "tools/call",
        json!({ "name": "echo", "arguments": { "text": "a\nb" } }),
    ))
    .unwrap();
    assert!(pretty.contains(&b'\n'));
    accepted(&s.post_raw(&endpoint, pretty).await);
    assert_eq!(stream.message().await, text_result(json!(2), "a\nb"));

    // A metadata header that disagrees with the body is refused before anything runs.
    let call = request(json!(9), "tools/call", json!({ "name": "echo", "arguments": { "text": "x" } }));
    let dressed = Request::new("POST", &endpoint)
        .header("Content-Type", "application/json")
        .header("Mcp-Method", "tools/list")
        .body(call.to_string().into_bytes());
    let r = send(s.addr, &dressed).await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], -32020, "{}", r.text());

    // JSON that is no JSON-RPC message is answered on the stream, like on stdio.
    accepted(&s.post(&endpoint, &json!({ "id": 3, "hello": "world" })).await);
    let answer = stream.message().await;
    assert_eq!(answer["id"], 3);
    assert_eq!(answer["error"]["code"], -32600);
    drop(stream);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_ends_when_its_stream_closes() {
    let s = Served::new().await;
    let (stream, endpoint) = s.session(json!({})).await;
    drop(stream);
    let ping = request(json!(1), "ping", json!({}));
    let mut status = 0;
    for _ in 0..200 {
        status = s.post(&endpoint, &ping).await.status;
        if status == 404 {
            break;
        }
        assert_eq!(status, 202);
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(status, 404, "the session outlived its stream");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_bounded_by_max_sessions() {
    let s = Served::start(HttpOptions { max_sessions: 1, ..HttpOptions::default() }).await;
    let (first, _) = s.connect().await;
    let r = send(s.addr, &Request::new("GET", "/sse")).await;
    assert_eq!(r.status, 503);
    assert_eq!(
        r.json(),
        json!({ "jsonrpc": "2.0", "error": { "code": -32603, "message": "Internal error: too many sessions" } })
    );
    drop(first);
    // The slot frees once the first stream is gone.
    let mut reopened = None;
    for _ in 0..200 {
        let stream = SseStream::open(s.addr, Request::new("GET", "/sse")).await;
        if stream.status == 200 {
            reopened = Some(stream);
            break;
        }
        assert_eq!(stream.status, 503);
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let mut reopened = reopened.expect("a session after the first ended");
    assert_eq!(reopened.next().await.expect("endpoint").event.as_deref(), Some("endpoint"));
    drop(reopened);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_and_origin_checks_apply() {
    let s = Served::new().await;
    let r = send(s.addr, &Request::new("GET", "/sse").header("Origin", "http://evil.example")).await;
    assert_eq!(r.status, 403);
    let (stream, endpoint) = s.connect().await;
    let r = send(
        s.addr,
        &Request::new("POST", &endpoint)
            .header("Host", "evil.example")
            .body(request(json!(1), "ping", json!({})).to_string().into_bytes()),
    )
    .await;
    assert_eq!(r.status, 403);
    drop(stream);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_the_stream() {
    let s = Served::new().await;
    let (mut stream, _) = s.session(json!({})).await;
    s.server.shutdown();
    assert!(stream.ended().await, "the stream ends on shutdown");
    let result = tokio::time::timeout(WAIT, s.run).await.expect("run() returns after shutdown");
    result.expect("run task").expect("run() result");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_is_relative_to_the_stream_and_the_paths_are_configurable() {
    let s = Served::new().await;
    let (_stream, endpoint) = s.connect().await;
    assert!(endpoint.starts_with("/messages?sessionId="), "{endpoint}");
    s.stop().await;

    let options = HttpOptions {
        sse_path: "/legacy/events".into(),
        messages_path: "/legacy/post/".into(),
        ..HttpOptions::default()
    };
    let s = Served::start(options).await;
    assert_eq!(send(s.addr, &Request::new("GET", "/sse")).await.status, 404, "the default path is not served");
    let (mut stream, endpoint) = s.session(json!({})).await;
    assert!(endpoint.starts_with("/legacy/post/?sessionId="), "{endpoint}");
    assert_eq!(s.post(&endpoint, &request(json!(7), "ping", json!({}))).await.status, 202);
    assert_eq!(stream.next().await.expect("the answer").json()["id"], 7);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_routes_are_absent_when_disabled() {
    let s = Served::start(HttpOptions { legacy_sse: false, ..HttpOptions::default() }).await;
    assert_eq!(send(s.addr, &Request::new("GET", "/sse")).await.status, 404);
    assert_eq!(send(s.addr, &Request::new("POST", "/messages?sessionId=x").body(b"{}".to_vec())).await.status, 404);
    s.stop().await;
}

//! HTTP connection hygiene over real sockets: the connection limit (the connection idle the
//! longest makes room, 503 when every one is busy, accepting never stops), the header
//! timeout (a half-open or slow client is closed), the keep-alive idle timeout, the
//! request-body deadline, and refusals that leave the body unread (the connection kept for
//! the next request, or closed saying so).

use crate::http_client;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_client::{Request, WAIT, send, send_only};
use mcpforge::{HttpOptions, MemoryClient, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

struct Served {
    server: Server,
    addr: SocketAddr,
    run: JoinHandle<Result<(), mcpforge::Error>>,
    /// Releases the `hold` tool's calls.
    release: Arc<Notify>,
    /// Counts the `hold` calls that started.
    started: Arc<tokio::sync::Semaphore>,
}

impl Served {
    async fn start(options: HttpOptions) -> Served {
        Served::start_with(options, mcpforge::Limits::default()).await
    }

    async fn start_with(options: HttpOptions, limits: mcpforge::Limits) -> Served {
        let release = Arc::new(Notify::new());
        let started = Arc::new(tokio::sync::Semaphore::new(0));
        let (held, begun) = (release.clone(), started.clone());
        let server = Server::builder("http-connections", "1.0.0")
            .limits(limits)
            .tool(Tool::new("echo"), |_: Value| async move { Ok::<_, ToolError>("echo") })
            .tool(Tool::new("hold"), move |_: Value| {
                let (held, begun) = (held.clone(), begun.clone());
                async move {
                    let released = held.notified();
                    begun.add_permits(1);
                    released.await;
                    Ok::<_, ToolError>("released")
                }
            })
            .build()
            .expect("build");
        let options = HttpOptions { bind: "127.0.0.1:0".parse().unwrap(), ..options };
        let http = server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("local address");
        Served { server, addr, run: tokio::spawn(http.run()), release, started }
    }

    async fn stop(self) {
        self.release.notify_waiters();
        self.server.shutdown();
        let result = tokio::time::timeout(WAIT, self.run).await.expect("run() returns after shutdown");
        result.expect("run task").expect("run() result");
    }
}

/// A 2026-07-28 `tools/call` of `name` (one request, no session).
fn call(name: &str) -> Request {
    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": { "name": name, "arguments": {}, "_meta": MemoryClient::modern_meta(json!({})) }
    });
    Request::post_json(&body)
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "tools/call")
        .header("Mcp-Name", name)
}

/// Whether the server closed `tcp` (EOF or reset) within [`WAIT`].
async fn closed_by_server(tcp: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(WAIT, tcp.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}

/// A connection that sent half a request head and nothing more.
async fn half_open(addr: SocketAddr) -> TcpStream {
    let mut tcp = TcpStream::connect(addr).await.expect("connect");
    tcp.write_all(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n").await.expect("write");
    tcp
}

fn echoed(response: &http_client::Response) {
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["result"]["content"][0]["text"], json!("echo"), "{}", response.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_make_room_for_a_new_client() {
    let served = Served::start(HttpOptions { max_connections: 8, ..HttpOptions::default() }).await;
    let mut idle = Vec::new();
    for _ in 0..8 {
        idle.push(half_open(served.addr).await);
    }
    // The table is full of half-open connections: each new client is still served.
    for _ in 0..3 {
        echoed(&send(served.addr, &call("echo")).await);
    }
    // Room was made by closing the oldest idle connections.
    assert!(closed_by_server(&mut idle[0]).await, "the connection idle the longest was closed");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_limit_with_every_connection_busy_the_answer_is_503() {
    let served = Served::start(HttpOptions { max_connections: 2, ..HttpOptions::default() }).await;
    let addr = served.addr;
    let busy: Vec<_> = (0..2).map(|_| tokio::spawn(async move { send(addr, &call("hold")).await })).collect();
    // Once both calls run (their connections are busy), a third connection is refused.
    let both = tokio::time::timeout(WAIT, served.started.acquire_many(2)).await.expect("both calls start");
    both.expect("semaphore").forget();
    let mut tcp = send_only(addr, &call("echo")).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(WAIT, tcp.read_to_end(&mut answer)).await.expect("an answer, then close");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let refused = answer.starts_with("HTTP/1.1 503").then_some(answer);
    let refused = refused.expect("a connection past the limit is refused while every one is busy");
    assert!(refused.contains("retry-after: 1\r\n") && refused.contains("connection: close\r\n"), "{refused}");
    // The busy calls are not disturbed, and once they end new clients are served again.
    served.release.notify_waiters();
    for call in busy {
        let response = call.await.expect("call task");
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(response.json()["result"]["content"][0]["text"], json!("released"));
    }
    echoed(&send(served.addr, &call("echo")).await);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_request_head_is_closed() {
    let options = HttpOptions { header_timeout: Duration::from_millis(300), ..HttpOptions::default() };
    let served = Served::start(options).await;
    let mut slow = half_open(served.addr).await;
    assert!(closed_by_server(&mut slow).await, "the half-open connection was closed");
    // A silent connection (not a byte sent) too.
    let mut silent = TcpStream::connect(served.addr).await.expect("connect");
    assert!(closed_by_server(&mut silent).await, "the silent connection was closed");
    echoed(&send(served.addr, &call("echo")).await);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed() {
    let options = HttpOptions { idle_timeout: Duration::from_millis(300), ..HttpOptions::default() };
    let served = Served::start(options).await;
    // One request on a keep-alive connection, answered; then nothing.
    let request = call("echo").header("Connection", "keep-alive");
    let mut tcp = send_only(served.addr, &request).await;
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("\"echo\"") {
        let n = tokio::time::timeout(WAIT, tcp.read(&mut buf)).await.expect("an answer").expect("read");
        assert!(n > 0, "closed before answering: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    assert!(closed_by_server(&mut tcp).await, "the idle keep-alive connection was closed");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_body_that_trickles_fails_and_the_connection_closes() {
    let options = HttpOptions { body_timeout: Duration::from_millis(300), ..HttpOptions::default() };
    let served = Served::start(options).await;
    let mut tcp = TcpStream::connect(served.addr).await.expect("connect");
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: 100\r\n\r\n{{\"jsonrpc\"",
        served.addr
    );
    tcp.write_all(head.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(WAIT, tcp.read_to_end(&mut answer)).await.expect("the server answers and closes");
    let _ = read;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 4"), "a client error for the late body: {answer}");
    echoed(&send(served.addr, &call("echo")).await);
    served.stop().await;
}

/// A keep-alive POST of `echo` with `origin`: its head, and its body sent apart.
fn keep_alive_call(addr: SocketAddr, origin: &str, padding: usize) -> (Vec<u8>, Vec<u8>) {
    let mut body = call("echo").body;
    body.extend(std::iter::repeat_n(b' ', padding));
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n\
         Mcp-Method: tools/call\r\nMcp-Name: echo\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    (head.into_bytes(), body)
}

/// Reads one answer (its head, and a body of `content-length` bytes) off `tcp`.
async fn read_answer(tcp: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&seen).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
                .and_then(|v| v.parse::<usize>().ok())
                .expect("a content-length");
            if seen.len() >= end + 4 + length {
                return text;
            }
        }
        let n = tokio::time::timeout(WAIT, tcp.read(&mut buf)).await.expect("an answer").expect("read");
        assert!(n > 0, "closed before answering: {text}");
        seen.extend_from_slice(&buf[..n]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_before_a_late_body_keeps_the_connection_for_the_next_request() {
    let served = Served::start(HttpOptions::default()).await;
    let mut tcp = TcpStream::connect(served.addr).await.expect("connect");
    // Refused for its origin before the body is read; the body comes a moment after the head
    // (as it does from clients that write them apart).
    let (head, body) = keep_alive_call(served.addr, "http://attacker.example", 0);
    tcp.write_all(&head).await.expect("write");
    tokio::time::sleep(Duration::from_millis(50)).await;
    tcp.write_all(&body).await.expect("write");
    let refused = read_answer(&mut tcp).await;
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    assert!(!refused.to_ascii_lowercase().contains("connection: close"), "{refused}");
    // The next request on the same connection is answered.
    let (head, body) = keep_alive_call(served.addr, &format!("http://{}", served.addr), 0);
    tcp.write_all(&[head, body].concat()).await.expect("write");
    let answer = read_answer(&mut tcp).await;
    assert!(answer.starts_with("HTTP/1.1 200") && answer.contains("\"echo\""), "{answer}");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_leaving_a_large_body_unread_says_the_connection_closes() {
    let served = Served::start(HttpOptions::default()).await;
    let mut tcp = TcpStream::connect(served.addr).await.expect("connect");
    // A body larger than the server reads after refusing: the answer says it closes, and it does.
    let (head, body) = keep_alive_call(served.addr, "http://attacker.example", 200 * 1024);
    tcp.write_all(&head).await.expect("write");
    let writer = tokio::spawn(async move {
        let _ = tcp.write_all(&body).await;
        tcp
    });
    let mut tcp = writer.await.expect("writer");
    let refused = read_answer(&mut tcp).await;
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    assert!(refused.to_ascii_lowercase().contains("connection: close"), "{refused}");
    assert!(closed_by_server(&mut tcp).await, "the connection is closed after the answer");
    echoed(&send(served.addr, &call("echo")).await);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_shutdown_calls_past_the_grace_period_are_cancelled_and_answered() {
    let limits = mcpforge::Limits { shutdown_grace: Duration::from_millis(200), ..mcpforge::Limits::default() };
    let served = Served::start_with(HttpOptions::default(), limits).await;
    let addr = served.addr;
    let held: Vec<_> = (0..3).map(|_| tokio::spawn(async move { send(addr, &call("hold")).await })).collect();
    let started = tokio::time::timeout(WAIT, served.started.acquire_many(3)).await.expect("the calls start");
    started.expect("semaphore").forget();
    served.server.shutdown();
    // Never released: each call is cancelled at the end of the grace period, and answered.
    for call in held {
        let response = tokio::time::timeout(WAIT, call).await.expect("answered").expect("call task");
        assert_eq!(response.status, 200, "{}", response.text());
        assert!(response.json()["error"]["code"].is_i64(), "an error answer: {}", response.text());
    }
    let result = tokio::time::timeout(WAIT, served.run).await.expect("run() returns after the grace period");
    result.expect("run task").expect("run() result");
}

#[test]
fn the_connection_options_have_a_json_form() {
    let o = HttpOptions::from_json(
        json!({ "maxConnections": 7, "header_timeout_ms": 1500, "idleTimeoutMs": 2000, "body_timeout_ms": 2500 }),
        None,
    )
    .expect("valid options");
    assert_eq!(o.max_connections, 7);
    assert_eq!(o.header_timeout, Duration::from_millis(1500));
    assert_eq!(o.idle_timeout, Duration::from_millis(2000));
    assert_eq!(o.body_timeout, Duration::from_millis(2500));
    assert!(HttpOptions::from_json(json!({ "max_connections": 0 }), None).is_err());
    assert!(HttpOptions::default().max_connections >= 16);
}

//! Over HTTP a response is never dropped to make room: a client that reads its SSE answer
//! late, behind far more log notifications than the server buffers for it, still gets the
//! result (or error) of every request: each id of a 2025-03-26 batch, a plain legacy call,
//! and a 2026-07-28 call. Only notifications may be dropped (oldest first).
//!
//! The notifications carry more bytes than every buffer between the server and the client
//! (the request's queue, the SSE channel, both socket buffers) can hold, so the server is
//! bound to find its client's stream full before the answer is ready.

use crate::http_client;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http_client::{Request, Stream, WAIT, in_session, new_session, open};
use mcpforge::{HttpOptions, LogLevel, MemoryClient, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// Bytes of padding in each log message.
const PAD: usize = 24 * 1024;
/// Log messages per test: 24 MiB in all, several times what the buffers hold.
const MESSAGES: usize = 1_000;
/// How long the client waits, once everything was logged, before it starts reading: time
/// for the server to push what it can towards the client (never asserted on).
const SETTLE: Duration = Duration::from_millis(500);

/// Counts log messages and wakes the test once `MESSAGES` were logged.
#[derive(Default)]
struct Logged {
    count: AtomicUsize,
    all: Notify,
}

impl Logged {
    fn one(&self, ctx: &RequestContext, step: usize) {
        ctx.log(LogLevel::Info, json!({ "step": step, "pad": "x".repeat(PAD) }), Some("test"));
        if self.count.fetch_add(1, Ordering::AcqRel) + 1 == MESSAGES {
            self.all.notify_one();
        }
    }
}

/// A running HTTP server with `log_once` (one log message, then "logged") and `chatty`
/// (`MESSAGES` log messages, then "chatted").
struct Served {
    server: Server,
    addr: SocketAddr,
    run: JoinHandle<Result<(), mcpforge::Error>>,
    logged: Arc<Logged>,
}

impl Served {
    async fn start() -> Served {
        let logged = Arc::new(Logged::default());
        let (once, chatty) = (logged.clone(), logged.clone());
        let server = Server::builder("answers-kept", "1.0.0")
            .tool(Tool::new("log_once"), move |ctx: RequestContext, _: Value| {
                let logged = once.clone();
                async move {
                    logged.one(&ctx, 0);
                    Ok::<_, ToolError>("logged")
                }
            })
            .tool(Tool::new("chatty"), move |ctx: RequestContext, _: Value| {
                let logged = chatty.clone();
                async move {
                    for step in 0..MESSAGES {
                        logged.one(&ctx, step);
                        tokio::task::yield_now().await;
                    }
                    Ok::<_, ToolError>("chatted")
                }
            })
            .build()
            .expect("build");
        let options = HttpOptions { bind: "127.0.0.1:0".parse().unwrap(), ..HttpOptions::default() };
        let http = server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("local address");
        Served { server, addr, run: tokio::spawn(http.run()), logged }
    }

    /// A new session at `version`.
    async fn session(&self, version: &str) -> String {
        new_session(self.addr, version).await
    }

    /// Opens `request`'s SSE answer, waits until every message was logged and a little more,
    /// then reads the whole answer and returns its messages.
    async fn read_late(&self, request: &Request) -> Vec<Value> {
        let mut stream: Stream = open(self.addr, request).await;
        assert_eq!(stream.status, 200);
        assert_eq!(stream.header("content-type"), Some("text/event-stream"));
        tokio::time::timeout(WAIT, self.logged.all.notified()).await.expect("every message logged");
        tokio::time::sleep(SETTLE).await;
        let mut messages = Vec::new();
        for _ in 0..=MESSAGES + 1 {
            match stream.next_message().await {
                Some(m) => messages.push(m),
                None => return messages,
            }
        }
        panic!("more messages than were sent");
    }

    async fn stop(self) {
        self.server.shutdown();
        let result = tokio::time::timeout(WAIT, self.run).await.expect("run() returns after shutdown");
        result.expect("run task").expect("run() result");
    }
}

fn call(id: usize, tool: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": { "name": tool, "arguments": {} } })
}

/// The log notifications among `messages`, checked to be nothing else but `answers`.
fn split(messages: Vec<Value>) -> (usize, Vec<Value>) {
    let (logs, answers): (Vec<Value>, Vec<Value>) =
        messages.into_iter().partition(|m| m["method"] == json!("notifications/message"));
    (logs.len(), answers)
}

/// Asserts that `answer` answers `id` with a tool result of `text`.
fn assert_result(answer: &Value, id: usize, text: &str) {
    assert_eq!(answer["id"], json!(id), "{answer}");
    assert_eq!(answer["result"]["content"][0]["text"], json!(text), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_of_a_legacy_batch_is_answered_behind_a_flood_of_logs() {
    let s = Served::start().await;
    let session = s.session("2025-03-26").await;
    let batch: Vec<Value> = (1..=MESSAGES).map(|id| call(id, "log_once")).collect();
    let messages = s.read_late(&in_session(&session, "2025-03-26", &json!(batch))).await;
    let (logs, answers) = split(messages);
    assert_eq!(answers.len(), 1, "one batch answer after {logs} log messages: {answers:?}");
    let array = answers[0].as_array().expect("the batch's answer is an array");
    let ids: BTreeSet<u64> = array.iter().map(|a| a["id"].as_u64().expect("an id")).collect();
    assert_eq!(ids, (1..=MESSAGES as u64).collect(), "every id of the batch is answered once");
    for answer in array {
        assert_result(answer, answer["id"].as_u64().unwrap() as usize, "logged");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_call_streamed_as_sse_gets_its_result_behind_a_flood_of_logs() {
    let s = Served::start().await;
    let session = s.session("2025-06-18").await;
    let messages = s.read_late(&in_session(&session, "2025-06-18", &call(7, "chatty"))).await;
    let (logs, answers) = split(messages);
    assert_eq!(answers.len(), 1, "the result after {logs} log messages: {answers:?}");
    assert_result(&answers[0], 7, "chatted");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2026_call_gets_its_result_behind_a_flood_of_logs() {
    let s = Served::start().await;
    let mut meta = MemoryClient::modern_meta(json!({}));
    meta["io.modelcontextprotocol/logLevel"] = json!("info");
    let body = json!({
        "jsonrpc": "2.0", "id": 9, "method": "tools/call",
        "params": { "name": "chatty", "arguments": {}, "_meta": meta }
    });
    let request = Request::post_json(&body)
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "tools/call")
        .header("Mcp-Name", "chatty");
    let messages = s.read_late(&request).await;
    let (logs, answers) = split(messages);
    assert_eq!(answers.len(), 1, "the result after {logs} log messages: {answers:?}");
    assert_eq!(answers[0]["id"], json!(9), "{}", answers[0]);
    assert_eq!(answers[0]["result"]["content"][0]["text"], json!("chatted"));
    s.stop().await;
}

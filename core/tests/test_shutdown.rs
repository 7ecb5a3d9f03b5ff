//! Shutdown: at EOF in-flight requests still finish and their responses are written before
//! the serve loop returns; after the shutdown grace period they are cancelled; server
//! shutdown stops open connections gracefully (ending 2026 listen streams); a pending
//! server->client request fails when the connection closes instead of hanging.

use std::sync::Arc;
use std::time::Duration;

use mcpforge::{ElicitRequest, Error, HandlerError, Limits, MemoryClient, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, WriteHalf};
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

const WAIT: Duration = Duration::from_secs(5);

fn server_info() -> Value {
    json!({ "name": "shutdown-test", "version": "1.0.0" })
}

/// A client on its own pipe to `Server::serve_io`, so the test keeps reading the server's
/// output after closing its own end, and can await the serve loop.
struct Pipe {
    write: Option<WriteHalf<DuplexStream>>,
    rx: mpsc::UnboundedReceiver<Value>,
    serve: JoinHandle<Result<(), Error>>,
}

impl Pipe {
    fn connect(server: &Server) -> Pipe {
        let (client_end, server_end) = tokio::io::duplex(1 << 16);
        let (server_read, server_write) = tokio::io::split(server_end);
        let s = server.clone();
        let serve = tokio::spawn(async move { s.serve_io(server_read, server_write).await });
        let (read, write) = tokio::io::split(client_end);
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut lines = BufReader::new(read).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let v = serde_json::from_str(&line).unwrap_or_else(|_| json!({ "unparseable": line }));
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        Pipe { write: Some(write), rx, serve }
    }

    async fn send(&mut self, msg: Value) {
        let w = self.write.as_mut().expect("not closed yet");
        w.write_all(format!("{msg}\n").as_bytes()).await.expect("the pipe is open");
        w.flush().await.expect("the pipe is open");
    }

    /// The next message from the server.
    async fn recv(&mut self) -> Value {
        tokio::time::timeout(WAIT, self.rx.recv()).await.expect("a message within the timeout").expect("open")
    }

    /// Closes the client's end: the server reads EOF.
    async fn eof(&mut self) {
        let mut w = self.write.take().expect("not closed yet");
        w.shutdown().await.expect("shutdown");
    }

    /// Waits for the server's output to end, then for the serve loop's result.
    async fn finish(mut self) -> Result<(), Error> {
        let end = tokio::time::timeout(WAIT, self.rx.recv()).await.expect("the server closed its output in time");
        assert_eq!(end, None, "no message after the last expected one");
        tokio::time::timeout(WAIT, self.serve).await.expect("the serve loop returned in time").expect("no panic")
    }

    async fn initialize(&mut self, caps: Value) {
        self.send(json!({
            "jsonrpc": "2.0", "id": "init", "method": "initialize",
            "params": { "protocolVersion": "2025-11-25", "capabilities": caps, "clientInfo": { "name": "pipe", "version": "1" } }
        }))
        .await;
        assert_eq!(self.recv().await["id"], "init");
        self.send(json!({ "jsonrpc": "2.0", "method": "notifications/initialized" })).await;
    }

    async fn call(&mut self, id: Value, tool: &str) {
        self.send(
            json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": { "name": tool, "arguments": {} } }),
        )
        .await;
    }
}

struct Probes {
    started: mpsc::UnboundedReceiver<()>,
    observed: mpsc::UnboundedReceiver<()>,
}

impl Probes {
    async fn started(&mut self) {
        tokio::time::timeout(WAIT, self.started.recv()).await.expect("the handler started").expect("open");
    }

    async fn observed(&mut self) {
        tokio::time::timeout(WAIT, self.observed.recv()).await.expect("the handler saw cancellation").expect("open");
    }
}

/// Tools:
/// - `held`: starts, waits for `release`, answers "released";
/// - `stubborn`: starts, waits for cancellation only, reports it, answers "gave up";
/// - `ask`: elicits a name (waits for the client);
/// - `quick`: answers at once.
fn server(limits: Limits, release: Arc<Notify>) -> (Server, Probes) {
    let (started_tx, started) = mpsc::unbounded_channel();
    let (observed_tx, observed) = mpsc::unbounded_channel();
    let started_2 = started_tx.clone();
    let server = Server::builder("shutdown-test", "1.0.0")
        .limits(limits)
        .tool(Tool::new("held"), move |_: Value| {
            let release = release.clone();
            let started = started_tx.clone();
            async move {
                let _ = started.send(());
                release.notified().await;
                Ok::<_, ToolError>("released")
            }
        })
        .tool(Tool::new("stubborn"), move |ctx: RequestContext, _: Value| {
            let started = started_2.clone();
            let observed = observed_tx.clone();
            async move {
                let _ = started.send(());
                ctx.cancelled().await;
                let _ = observed.send(());
                Ok::<_, ToolError>("gave up")
            }
        })
        .tool(Tool::new("ask"), |ctx: RequestContext, _: Value| async move {
            let schema = json!({ "type": "object", "properties": { "name": { "type": "string" } } });
            let answer = ctx.elicit(ElicitRequest::form("Name?", schema)).await?;
            Ok::<_, HandlerError>(format!("{:?}", answer.action))
        })
        .tool(Tool::new("quick"), |_: Value| async move { Ok::<_, ToolError>("quick") })
        .enable_resources()
        .build()
        .expect("server builds");
    (server, Probes { started, observed })
}

fn text_result(id: Value, text: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": { "content": [{ "type": "text", "text": text }] } })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eof_with_a_request_in_flight_still_writes_its_response() {
    let release = Arc::new(Notify::new());
    let (server, mut probes) = server(Limits::default(), release.clone());
    let mut pipe = Pipe::connect(&server);
    pipe.initialize(json!({})).await;
    pipe.call(json!(1), "held").await;
    probes.started().await;
    pipe.eof().await;
    // The request is still running after EOF; release it now.
    release.notify_one();
    assert_eq!(pipe.recv().await, text_result(json!(1), "released"));
    assert!(pipe.finish().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eof_with_several_requests_in_flight_answers_each_of_them() {
    let release = Arc::new(Notify::new());
    let (server, mut probes) = server(Limits::default(), release.clone());
    let mut pipe = Pipe::connect(&server);
    // No session needed: 2026 requests.
    for i in 0..3 {
        pipe.send(json!({
            "jsonrpc": "2.0", "id": i, "method": "tools/call",
            "params": { "name": "held", "arguments": {}, "_meta": MemoryClient::modern_meta(json!({})) }
        }))
        .await;
    }
    for _ in 0..3 {
        probes.started().await;
    }
    pipe.eof().await;
    for _ in 0..3 {
        release.notify_one();
    }
    let mut ids = Vec::new();
    for _ in 0..3 {
        let msg = pipe.recv().await;
        assert_eq!(
            msg["result"],
            json!({
                "content": [{ "type": "text", "text": "released" }],
                "resultType": "complete",
                "_meta": { "io.modelcontextprotocol/serverInfo": server_info() }
            })
        );
        ids.push(msg["id"].as_i64().expect("an integer id"));
    }
    ids.sort_unstable();
    assert_eq!(ids, [0, 1, 2]);
    assert!(pipe.finish().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn after_the_grace_period_a_stubborn_handler_is_cancelled() {
    let limits = Limits { shutdown_grace: Duration::from_millis(100), ..Limits::default() };
    let (server, mut probes) = server(limits, Arc::new(Notify::new()));
    let mut pipe = Pipe::connect(&server);
    pipe.initialize(json!({})).await;
    pipe.call(json!("s"), "stubborn").await;
    probes.started().await;
    pipe.eof().await;
    probes.observed().await;
    // The handler ended on its own once cancelled; what it returned is its reaction to the
    // cancellation, not the work's result, so the client is told the call was cancelled.
    assert_eq!(
        pipe.recv().await,
        json!({ "jsonrpc": "2.0", "id": "s", "error": { "code": -32603, "message": "Internal error: request cancelled" } })
    );
    assert!(pipe.finish().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn after_the_grace_period_a_handler_that_ignores_cancellation_is_dropped() {
    let limits = Limits { shutdown_grace: Duration::from_millis(100), ..Limits::default() };
    let server = Server::builder("shutdown-test", "1.0.0")
        .limits(limits)
        .tool(Tool::new("forever"), |_: Value| async move {
            std::future::pending::<()>().await;
            Ok::<_, ToolError>("unreachable")
        })
        .build()
        .expect("server builds");
    let mut pipe = Pipe::connect(&server);
    pipe.initialize(json!({})).await;
    pipe.call(json!(9), "forever").await;
    pipe.send(json!({ "jsonrpc": "2.0", "id": "ping", "method": "ping" })).await;
    assert_eq!(pipe.recv().await, json!({ "jsonrpc": "2.0", "id": "ping", "result": {} }));
    pipe.eof().await;
    assert_eq!(
        pipe.recv().await,
        json!({ "jsonrpc": "2.0", "id": 9, "error": { "code": -32603, "message": "Internal error: request cancelled" } })
    );
    assert!(pipe.finish().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn server_shutdown_stops_an_open_connection_gracefully() {
    let release = Arc::new(Notify::new());
    let (server, mut probes) = server(Limits::default(), release.clone());
    let mut pipe = Pipe::connect(&server);
    pipe.initialize(json!({})).await;
    pipe.call(json!(1), "held").await;
    probes.started().await;
    server.shutdown();
    // The client never closed its end; the in-flight request still completes.
    release.notify_one();
    assert_eq!(pipe.recv().await, text_result(json!(1), "released"));
    assert!(pipe.finish().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn server_shutdown_stops_every_connection_including_idle_ones() {
    let (server, _probes) = server(Limits::default(), Arc::new(Notify::new()));
    let mut a = Pipe::connect(&server);
    let mut b = Pipe::connect(&server);
    a.initialize(json!({})).await;
    b.call(json!(1), "quick").await;
    assert_eq!(b.recv().await["id"], 1);
    server.shutdown();
    assert!(a.finish().await.is_ok());
    assert!(b.finish().await.is_ok());
    // A connection opened after shutdown ends at once.
    let c = Pipe::connect(&server);
    assert!(c.finish().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn server_shutdown_ends_listen_streams_with_a_final_result() {
    let (server, _probes) = server(Limits::default(), Arc::new(Notify::new()));
    let mut pipe = Pipe::connect(&server);
    pipe.send(json!({
        "jsonrpc": "2.0", "id": "L", "method": "subscriptions/listen",
        "params": { "notifications": { "toolsListChanged": true }, "_meta": MemoryClient::modern_meta(json!({})) }
    }))
    .await;
    assert_eq!(pipe.recv().await["method"], "notifications/subscriptions/acknowledged");
    server.shutdown();
    assert_eq!(
        pipe.recv().await,
        json!({
            "jsonrpc": "2.0",
            "id": "L",
            "result": {
                "resultType": "complete",
                "_meta": {
                    "io.modelcontextprotocol/subscriptionId": "L",
                    "io.modelcontextprotocol/serverInfo": server_info()
                }
            }
        })
    );
    assert_eq!(
        pipe.recv().await,
        json!({
            "jsonrpc": "2.0",
            "method": "notifications/cancelled",
            "params": { "requestId": "L", "reason": "server shutting down" }
        })
    );
    assert!(pipe.finish().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_pending_server_request_fails_when_the_connection_closes() {
    // A long grace period: if the elicitation hung, the request would not be answered
    // within the test's wait.
    let limits = Limits { shutdown_grace: Duration::from_secs(60), ..Limits::default() };
    let (server, _probes) = server(limits, Arc::new(Notify::new()));
    let mut pipe = Pipe::connect(&server);
    pipe.initialize(json!({ "elicitation": {} })).await;
    pipe.call(json!(5), "ask").await;
    let request = pipe.recv().await;
    assert_eq!(request["method"], "elicitation/create");
    assert_eq!(request["id"], 1);
    pipe.eof().await;
    assert_eq!(
        pipe.recv().await,
        json!({
            "jsonrpc": "2.0",
            "id": 5,
            "result": {
                "content": [{ "type": "text", "text": "the connection closed before the client answered elicitation/create" }],
                "isError": true
            }
        })
    );
    assert!(pipe.finish().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_client_close_waits_for_in_flight_requests() {
    let release = Arc::new(Notify::new());
    let (server, mut probes) = server(Limits::default(), release.clone());
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("initialize succeeds");
    client
        .send_raw(
            &json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": { "name": "held" } }).to_string(),
        )
        .await
        .expect("the pipe is open");
    probes.started().await;
    let closing = tokio::spawn(client.close());
    release.notify_one();
    let closed = tokio::time::timeout(WAIT, closing).await.expect("close returned in time").expect("no panic");
    assert!(closed.is_ok());
}

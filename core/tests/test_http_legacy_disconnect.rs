//! A legacy session's client that closes the connection carrying a request's answer, over
//! real sockets: before the answer's stream carried an event id nothing could resume it, so
//! the request is cancelled (`CancelOnDisconnect::Unresumable`, the default); once it has,
//! the request runs on and the client resumes with `Last-Event-ID`; with
//! `CancelOnDisconnect::Always` the disconnect cancels it whatever was sent.

use crate::http_client;

use std::net::SocketAddr;
use std::sync::Arc;

use http_client::{Request, SseEvent, WAIT, in_session, new_session, open, send, send_only};
use mcpforge::{CancelOnDisconnect, HttpOptions, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinHandle;

/// What the `waits` tool tells the test, and the steps that let it finish.
struct Probe {
    started: mpsc::UnboundedSender<()>,
    outcomes: mpsc::UnboundedSender<&'static str>,
    steps: Mutex<mpsc::UnboundedReceiver<()>>,
}

/// A running server and the test's ends of its probe.
struct Served {
    server: Server,
    addr: SocketAddr,
    run: JoinHandle<Result<(), mcpforge::Error>>,
    started: mpsc::UnboundedReceiver<()>,
    outcomes: mpsc::UnboundedReceiver<&'static str>,
    step: mpsc::UnboundedSender<()>,
}

/// A server whose `waits` tool reports progress (when the call asks for it), says it
/// started, then ends with "cancelled" when its request is cancelled or "ran on" at the
/// next step.
async fn start(cancel_on_disconnect: CancelOnDisconnect) -> Served {
    let (started_tx, started) = mpsc::unbounded_channel();
    let (outcomes_tx, outcomes) = mpsc::unbounded_channel();
    let (step, steps) = mpsc::unbounded_channel();
    let probe = Arc::new(Probe { started: started_tx, outcomes: outcomes_tx, steps: Mutex::new(steps) });
    let server = Server::builder("http-legacy-disconnect", "1.0.0")
        .tool(Tool::new("waits"), move |ctx: RequestContext, _: Value| {
            let probe = probe.clone();
            async move {
                ctx.report_progress(1.0, None, None);
                let _ = probe.started.send(());
                let mut steps = probe.steps.lock().await;
                let outcome = tokio::select! {
                    () = ctx.cancelled() => "cancelled",
                    _ = steps.recv() => "ran on",
                };
                let _ = probe.outcomes.send(outcome);
                Ok::<_, ToolError>(outcome)
            }
        })
        .build()
        .expect("build");
    let options = HttpOptions { bind: "127.0.0.1:0".parse().unwrap(), cancel_on_disconnect, ..HttpOptions::default() };
    let http = server.bind_http(options).await.expect("bind");
    let addr = http.local_addr().expect("local address");
    Served { server, addr, run: tokio::spawn(http.run()), started, outcomes, step }
}

impl Served {
    /// A new session at `version`.
    async fn session(&self, version: &str) -> String {
        new_session(self.addr, version).await
    }

    async fn started(&mut self) {
        tokio::time::timeout(WAIT, self.started.recv()).await.expect("the handler starts").expect("started");
    }

    async fn outcome(&mut self) -> &'static str {
        tokio::time::timeout(WAIT, self.outcomes.recv()).await.expect("the handler ends").expect("an outcome")
    }

    async fn stop(self) {
        self.server.shutdown();
        let result = tokio::time::timeout(WAIT, self.run).await.expect("run() returns after shutdown");
        result.expect("run task").expect("run() result");
    }
}

/// `tools/call` of `waits`; with `progress`, it asks for progress (so the answer is a
/// stream from the first notification on).
fn call(id: u64, progress: bool) -> Value {
    let mut params = json!({ "name": "waits", "arguments": {} });
    if progress {
        params["_meta"] = json!({ "progressToken": "p" });
    }
    json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params })
}

/// The id of the first message `stream` carries (after its priming event).
async fn first_message_id(stream: &mut http_client::Stream) -> String {
    loop {
        let event: SseEvent = stream.next_event().await.expect("an event before the end");
        if event.json().is_some() {
            return event.id.expect("every legacy event has an id");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_gone_before_any_event_id_cancels_its_request_on_every_legacy_version() {
    let mut s = start(CancelOnDisconnect::default()).await;
    for (n, version) in (1..).zip(["2025-03-26", "2025-06-18", "2025-11-25"]) {
        let session = s.session(version).await;
        // No progress asked: nothing comes before the result, so no event (and no id) has
        // gone to the client when it leaves.
        let connection = send_only(s.addr, &in_session(&session, version, &call(n, false))).await;
        s.started().await;
        drop(connection);
        assert_eq!(s.outcome().await, "cancelled", "{version}: nothing could resume this answer");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_gone_after_an_event_id_resumes_a_request_that_ran_on() {
    let mut s = start(CancelOnDisconnect::default()).await;
    let session = s.session("2025-11-25").await;
    let mut stream = open(s.addr, &in_session(&session, "2025-11-25", &call(1, true))).await;
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));
    let last = first_message_id(&mut stream).await;
    s.started().await;
    drop(stream);
    // The client comes back for what it missed; the request goes on meanwhile.
    let resume = Request::new("GET", "/mcp")
        .header("Accept", "text/event-stream")
        .header("Mcp-Session-Id", &session)
        .header("MCP-Protocol-Version", "2025-11-25")
        .header("Last-Event-ID", &last);
    let mut resumed = open(s.addr, &resume).await;
    assert_eq!(resumed.status, 200);
    s.step.send(()).expect("the handler waits for a step");
    assert_eq!(s.outcome().await, "ran on");
    let result = json!({ "jsonrpc": "2.0", "id": 1, "result": { "content": [{ "type": "text", "text": "ran on" }] } });
    assert_eq!(resumed.rest_messages().await, vec![result]);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_always_a_client_gone_after_an_event_id_cancels_too() {
    let mut s = start(CancelOnDisconnect::Always).await;
    let session = s.session("2025-11-25").await;
    let mut stream = open(s.addr, &in_session(&session, "2025-11-25", &call(1, true))).await;
    let last = first_message_id(&mut stream).await;
    s.started().await;
    drop(stream);
    assert_eq!(s.outcome().await, "cancelled");
    // A resume finds the stream ended: nothing more, and no answer (none is owed).
    let resume = Request::new("GET", "/mcp")
        .header("Accept", "text/event-stream")
        .header("Mcp-Session-Id", &session)
        .header("MCP-Protocol-Version", "2025-11-25")
        .header("Last-Event-ID", &last);
    let replay = send(s.addr, &resume).await;
    assert_eq!(replay.status, 200, "{}", replay.text());
    assert_eq!(replay.sse_messages(), Vec::<Value>::new());
    s.stop().await;
}

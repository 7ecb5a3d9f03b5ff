//! Streamable HTTP, legacy sessions (2025-03-26 … 2025-11-25), over real sockets:
//! `initialize` minting `Mcp-Session-Id`, missing/unknown/deleted sessions (400/404),
//! `notifications/initialized` (202), `tools/call` as JSON and SSE, a server->client
//! elicitation answered by POST on the request's stream, the GET stream (list changes, one at
//! a time), resumable SSE with priming events and `Last-Event-ID`, batches only on 2025-03-26,
//! a bad `MCP-Protocol-Version`, `Mcp-Method`/`Mcp-Name` checked against the body when sent,
//! and no `subscriptions/listen` without `_meta`.

use crate::http_client;

use std::net::SocketAddr;
use std::sync::Arc;

use http_client::{Request, Response, SseEvent, Stream, WAIT, in_session, open, send};
use mcpforge::{ElicitAction, ElicitRequest, HandlerError, HttpOptions, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinHandle;

fn server_info() -> Value {
    json!({ "name": "http-legacy", "version": "1.0.0" })
}

fn name_schema() -> Value {
    json!({ "type": "object", "properties": { "name": { "type": "string" } }, "required": ["name"] })
}

/// A running HTTP server whose `paced` tool waits for a step signal between its progress
/// notifications.
struct Served {
    server: Server,
    addr: SocketAddr,
    run: JoinHandle<Result<(), mcpforge::Error>>,
    /// Each message lets `paced` take one more step.
    step: mpsc::UnboundedSender<()>,
}

/// Tools: `echo` (text), `steps` (progress 1..3 then "done"), `greet` (asks for a name by
/// elicitation), `paced` (progress 1, then progress 2 and 3 each after a step signal, then
/// "paced done").
async fn start() -> Served {
    let (step, steps) = mpsc::unbounded_channel::<()>();
    let steps = Arc::new(Mutex::new(steps));
    let server = Server::builder("http-legacy", "1.0.0")
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
        .tool(Tool::new("greet"), |ctx: RequestContext, _: Value| async move {
            let answer = ctx.elicit(ElicitRequest::form("What is your name?", name_schema())).await?;
            let name = answer.content.as_ref().and_then(|c| c.get("name")).and_then(Value::as_str);
            Ok::<_, HandlerError>(match (answer.action, name) {
                (ElicitAction::Accept, Some(n)) => format!("Hello, {n}!"),
                (action, _) => format!("No name ({action:?})"),
            })
        })
        .tool(Tool::new("paced"), move |ctx: RequestContext, _: Value| {
            let steps = steps.clone();
            async move {
                let mut steps = steps.lock().await;
                ctx.report_progress(1.0, Some(3.0), Some("step 1"));
                for i in 2..=3 {
                    steps.recv().await.ok_or("no more steps")?;
                    ctx.report_progress(f64::from(i), Some(3.0), Some(&format!("step {i}")));
                }
                Ok::<_, ToolError>("paced done")
            }
        })
        .build()
        .expect("build");
    let options = HttpOptions { bind: "127.0.0.1:0".parse().unwrap(), ..HttpOptions::default() };
    let http = server.bind_http(options).await.expect("bind");
    let addr = http.local_addr().expect("local address");
    Served { server, addr, run: tokio::spawn(http.run()), step }
}

impl Served {
    async fn send(&self, request: &Request) -> Response {
        send(self.addr, request).await
    }

    /// `initialize` at `version`, then `notifications/initialized`; returns the session id.
    async fn session(&self, version: &str, capabilities: Value) -> String {
        let response = self.send(&Request::post_json(&initialize_body(version, capabilities))).await;
        assert_eq!(response.status, 200, "{}", response.text());
        let id = response.header("mcp-session-id").expect("a session id").to_owned();
        let initialized = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
        let response = self.send(&in_session(&id, version, &initialized)).await;
        assert_eq!(response.status, 202, "{}", response.text());
        id
    }

    async fn stop(self) {
        self.server.shutdown();
        let result = tokio::time::timeout(WAIT, self.run).await.expect("run() returns after shutdown");
        result.expect("run task").expect("run() result");
    }
}

fn initialize_body(version: &str, capabilities: Value) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {
            "protocolVersion": version,
            "capabilities": capabilities,
            "clientInfo": { "name": "t", "version": "1" }
        }
    })
}

fn call_body(id: Value, tool: &str, meta: Option<Value>) -> Value {
    let mut params = json!({ "name": tool, "arguments": {} });
    if let Some(m) = meta {
        params["_meta"] = m;
    }
    json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params })
}

fn text_result(id: Value, text: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": { "content": [{ "type": "text", "text": text }] } })
}

fn progress(token: &str, i: u32) -> Value {
    json!({
        "jsonrpc": "2.0",
        "method": "notifications/progress",
        "params": { "progressToken": token, "progress": f64::from(i), "total": 3.0, "message": format!("step {i}") }
    })
}

fn error_body(id: Option<Value>, code: i64, message: &str) -> Value {
    let mut e = json!({ "jsonrpc": "2.0", "error": { "code": code, "message": message } });
    if let Some(id) = id {
        e["id"] = id;
    }
    e
}

fn assert_json(response: &Response, status: u16, expected: &Value) {
    assert_eq!(response.status, status, "body: {}", response.text());
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(&response.json(), expected);
}

/// A GET of the session's stream.
fn get_stream(session: &str) -> Request {
    Request::new("GET", "/mcp")
        .header("Accept", "text/event-stream")
        .header("Mcp-Session-Id", session)
        .header("MCP-Protocol-Version", "2025-11-25")
}

/// The sequence number of an event id `<stream>-<seq>`.
fn seq(id: &str) -> u64 {
    id.split_once('-').and_then(|(_, s)| s.parse().ok()).unwrap_or_else(|| panic!("unexpected event id {id:?}"))
}

/// Every event until the stream ends.
async fn all_events(stream: &mut Stream) -> Vec<SseEvent> {
    let mut events = Vec::new();
    while let Some(e) = stream.next_event().await {
        assert!(events.len() < 100, "too many events");
        events.push(e);
    }
    events
}

// ---- sessions --------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_mints_a_session_id() {
    let s = start().await;
    let response = s.send(&Request::post_json(&initialize_body("2025-11-25", json!({})))).await;
    assert_json(
        &response,
        200,
        &json!({
            "jsonrpc": "2.0",
            "id": 0,
            "result": {
                "protocolVersion": "2025-11-25",
                "capabilities": { "tools": { "listChanged": true }, "logging": {} },
                "serverInfo": server_info()
            }
        }),
    );
    let id = response.header("mcp-session-id").expect("Mcp-Session-Id").to_owned();
    assert_eq!(id.len(), 64, "{id}");
    assert!(id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{id}");
    assert!(id.bytes().all(|b| (0x21..=0x7e).contains(&b)), "visible ASCII: {id}");

    // Every initialize opens a new session.
    let other = s.send(&Request::post_json(&initialize_body("2025-06-18", json!({})))).await;
    assert_eq!(other.json()["result"]["protocolVersion"], json!("2025-06-18"));
    assert_ne!(other.header("mcp-session-id"), Some(id.as_str()));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_need_a_live_session() {
    let s = start().await;
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });

    // No session header: 400.
    let missing =
        error_body(Some(json!(1)), -32600, "Invalid request: missing Mcp-Session-Id header (send initialize first)");
    assert_json(&s.send(&Request::post_json(&list)).await, 400, &missing);
    let with_version = Request::post_json(&list).header("MCP-Protocol-Version", "2025-06-18");
    assert_json(&s.send(&with_version).await, 400, &missing);

    // Unknown session: 404.
    let unknown = "0".repeat(64);
    let not_found = error_body(None, -32600, "Invalid request: unknown or ended session");
    assert_json(&s.send(&in_session(&unknown, "2025-06-18", &list)).await, 404, &not_found);

    // A live one works.
    let id = s.session("2025-06-18", json!({})).await;
    let response = s.send(&in_session(&id, "2025-06-18", &list)).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["result"]["tools"].as_array().map(Vec::len), Some(4));

    // DELETE ends it: 200, then 404 for everything.
    let delete = || Request::new("DELETE", "/mcp").header("Mcp-Session-Id", &id);
    assert_eq!(s.send(&delete()).await.status, 200);
    assert_json(&s.send(&in_session(&id, "2025-06-18", &list)).await, 404, &not_found);
    assert_eq!(s.send(&delete()).await.status, 404);
    assert_eq!(s.send(&get_stream(&id)).await.status, 404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialized_notification_is_202() {
    let s = start().await;
    let response = s.send(&Request::post_json(&initialize_body("2025-06-18", json!({})))).await;
    let id = response.header("mcp-session-id").expect("a session id").to_owned();
    let initialized = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
    let response = s.send(&in_session(&id, "2025-06-18", &initialized)).await;
    assert_eq!(response.status, 202);
    assert!(response.body.is_empty());
    s.stop().await;
}

// ---- calls -----------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_call_as_json_and_as_sse_with_progress() {
    let s = start().await;
    let id = s.session("2025-06-18", json!({})).await;
    let echo = json!({
        "jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": { "name": "echo", "arguments": { "text": "hi" } }
    });
    assert_json(&s.send(&in_session(&id, "2025-06-18", &echo)).await, 200, &text_result(json!(2), "hi"));

    let mut stream = open(
        s.addr,
        &in_session(&id, "2025-06-18", &call_body(json!(3), "steps", Some(json!({ "progressToken": "t" })))),
    )
    .await;
    assert_eq!(stream.status, 200);
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));
    let events = all_events(&mut stream).await;
    // Before 2025-11-25: no priming event or retry hint, but every message has an id.
    assert!(events.iter().all(|e| e.id.is_some() && e.retry.is_none() && e.data.as_deref() != Some("")), "{events:?}");
    let messages: Vec<Value> = events.iter().filter_map(SseEvent::json).collect();
    assert_eq!(messages, vec![progress("t", 1), progress("t", 2), progress("t", 3), text_result(json!(3), "done")]);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn elicitation_goes_out_on_the_post_stream_and_the_answer_comes_back_by_post() {
    let s = start().await;
    let id = s.session("2025-06-18", json!({ "elicitation": {} })).await;
    let mut stream = open(s.addr, &in_session(&id, "2025-06-18", &call_body(json!("g"), "greet", None))).await;
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));
    let request = stream.next_message().await.expect("the elicitation request");
    assert_eq!(
        request,
        json!({
            "jsonrpc": "2.0",
            "id": 1,
            "method": "elicitation/create",
            "params": { "message": "What is your name?", "requestedSchema": name_schema() }
        })
    );
    let answer = json!({ "jsonrpc": "2.0", "id": 1, "result": { "action": "accept", "content": { "name": "Ada" } } });
    let response = s.send(&in_session(&id, "2025-06-18", &answer)).await;
    assert_eq!(response.status, 202);
    assert!(response.body.is_empty());
    assert_eq!(stream.rest_messages().await, vec![text_result(json!("g"), "Hello, Ada!")]);
    s.stop().await;
}

// ---- the GET stream --------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_stream_carries_list_changes_and_only_one_is_open() {
    let s = start().await;
    let id = s.session("2025-11-25", json!({})).await;
    let mut stream = open(s.addr, &get_stream(&id)).await;
    assert_eq!(stream.status, 200);
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));

    // A second concurrent GET on the same session: 409.
    let second = s.send(&get_stream(&id)).await;
    assert_eq!(second.status, 409, "{}", second.text());
    assert_eq!(second.json(), error_body(None, -32600, "Invalid request: this session already has an open GET stream"));

    s.server.add_tool(Tool::new("added"), |_: Value| async move { Ok::<_, ToolError>("new") }).expect("add tool");
    assert_eq!(
        stream.next_message().await,
        Some(json!({ "jsonrpc": "2.0", "method": "notifications/tools/list_changed" }))
    );
    drop(stream);
    s.stop().await;
}

// ---- resumability ----------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_get_stream_replaces_a_connection_that_still_looks_open() {
    let s = start().await;
    let id = s.session("2025-11-25", json!({})).await;
    let mut first = open(s.addr, &get_stream(&id)).await;
    assert_eq!(first.status, 200);
    s.server.add_tool(Tool::new("one"), |_: Value| async move { Ok::<_, ToolError>("1") }).expect("add tool");
    let event = first.next_event().await.expect("a list change");
    let last = event.id.clone().expect("GET stream events carry ids");

    // The first connection is still open (a half-open one looks the same to the server):
    // the resume takes its place instead of being refused 409.
    let mut resumed = open(s.addr, &get_stream(&id).header("Last-Event-ID", &last)).await;
    assert_eq!(resumed.status, 200);
    assert_eq!(tokio::time::timeout(WAIT, first.next_event()).await.expect("the old connection ends"), None);
    s.server.add_tool(Tool::new("two"), |_: Value| async move { Ok::<_, ToolError>("2") }).expect("add tool");
    assert_eq!(
        resumed.next_message().await,
        Some(json!({ "jsonrpc": "2.0", "method": "notifications/tools/list_changed" }))
    );
    // A plain second GET is still refused.
    let second = s.send(&get_stream(&id)).await;
    assert_eq!(second.status, 409, "{}", second.text());
    drop(resumed);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_post_resumes_with_last_event_id_without_loss_or_duplicates() {
    let s = start().await;
    let id = s.session("2025-11-25", json!({})).await;
    let request = in_session(&id, "2025-11-25", &call_body(json!(9), "paced", Some(json!({ "progressToken": "r" }))));
    let mut stream = open(s.addr, &request).await;
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));

    // 2025-11-25: a priming event (an id, empty data, a retry hint), then the messages.
    let priming = stream.next_event().await.expect("priming event");
    let priming_id = priming.id.clone().expect("the priming event has an id");
    let expected =
        SseEvent { id: Some(priming_id.clone()), data: Some(String::new()), retry: Some(1000), ..SseEvent::default() };
    assert_eq!(priming, expected);
    let first = stream.next_event().await.expect("first progress");
    assert_eq!(first.json(), Some(progress("r", 1)));
    let last_id = first.id.clone().expect("an event id");
    assert!(seq(&last_id) > seq(&priming_id));

    // The client goes away; the request runs on and its next event is produced meanwhile.
    drop(stream);
    s.step.send(()).expect("paced is running");

    let resume = get_stream(&id).header("Last-Event-ID", &last_id);
    let mut resumed = open(s.addr, &resume).await;
    assert_eq!(resumed.status, 200);
    assert_eq!(resumed.header("content-type"), Some("text/event-stream"));
    let replayed = resumed.next_event().await.expect("the event missed while disconnected");
    assert_eq!(replayed.json(), Some(progress("r", 2)));
    // The rest is produced after the resume and arrives live.
    s.step.send(()).expect("paced is running");
    let rest = all_events(&mut resumed).await;
    let events: Vec<&SseEvent> = std::iter::once(&replayed).chain(rest.iter()).collect();
    let messages: Vec<Value> = events.iter().filter_map(|e| e.json()).collect();
    assert_eq!(messages, vec![progress("r", 2), progress("r", 3), text_result(json!(9), "paced done")]);
    let mut seqs = vec![seq(&last_id)];
    seqs.extend(events.iter().map(|e| seq(e.id.as_deref().expect("every resumed event has an id"))));
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "ids increase: {seqs:?}");

    // Delivered or not (the server cannot know), the finished stream stays resumable: from
    // its priming id, everything.
    let replay = s.send(&get_stream(&id).header("Last-Event-ID", &priming_id)).await;
    assert_eq!(replay.status, 200, "{}", replay.text());
    assert_eq!(
        replay.sse_messages(),
        vec![progress("r", 1), progress("r", 2), progress("r", 3), text_result(json!(9), "paced done")]
    );

    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_stream_is_replayed_from_its_priming_event() {
    let s = start().await;
    let id = s.session("2025-11-25", json!({})).await;
    let request = in_session(&id, "2025-11-25", &call_body(json!(4), "paced", Some(json!({ "progressToken": "f" }))));
    let mut stream = open(s.addr, &request).await;
    let priming_id = stream.next_event().await.and_then(|e| e.id).expect("priming id");
    drop(stream);
    // The request finishes while nobody is connected.
    s.step.send(()).expect("paced is running");
    s.step.send(()).expect("paced is running");
    // Bounded polling until the result is stored (each GET replays and ends).
    let expected = vec![progress("f", 1), progress("f", 2), progress("f", 3), text_result(json!(4), "paced done")];
    let mut last = Vec::new();
    for _ in 0..100 {
        let replay = s.send(&get_stream(&id).header("Last-Event-ID", &priming_id)).await;
        assert_eq!(replay.status, 200, "{}", replay.text());
        last = replay.sse_messages();
        if last.len() == expected.len() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(last, expected);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_last_event_id_is_400() {
    let s = start().await;
    let id = s.session("2025-11-25", json!({})).await;
    for garbage in ["garbage", "1-", "-1", "99-99999", "01-2"] {
        let response = s.send(&get_stream(&id).header("Last-Event-ID", garbage)).await;
        assert_eq!(response.status, 400, "{garbage}: {}", response.text());
        assert_eq!(response.json()["error"]["code"], json!(-32600), "{garbage}");
    }
    s.stop().await;
}

// ---- batches, versions, listen ---------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_only_on_2025_03_26_sessions() {
    let s = start().await;
    let echo = |id: u32, text: &str| {
        let params = json!({ "name": "echo", "arguments": { "text": text } });
        json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params })
    };
    let progress = json!({ "progressToken": 1, "progress": 1 });
    let note = json!({ "jsonrpc": "2.0", "method": "notifications/progress", "params": progress });
    let batch = json!([echo(1, "a"), note, echo(2, "b")]);
    let old = s.session("2025-03-26", json!({})).await;
    let response = s.send(&in_session(&old, "2025-03-26", &batch)).await;
    assert_json(&response, 200, &json!([text_result(json!(1), "a"), text_result(json!(2), "b")]));

    let refused =
        error_body(None, -32600, "Invalid request: batches are only accepted on protocol 2025-03-26 sessions");
    let newer = s.session("2025-06-18", json!({})).await;
    assert_json(&s.send(&in_session(&newer, "2025-06-18", &batch)).await, 400, &refused);
    assert_json(&s.send(&Request::post_json(&batch)).await, 400, &refused);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_metadata_headers_are_checked_against_the_body_when_present() {
    let s = start().await;
    let echo = |id: u32, text: &str| {
        let params = json!({ "name": "echo", "arguments": { "text": text } });
        json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params })
    };
    let list = |id: u32| json!({ "jsonrpc": "2.0", "id": id, "method": "tools/list" });
    let is_mismatch = |response: &Response, header: &str| {
        assert_eq!(response.status, 400, "{}", response.text());
        let error = &response.json()["error"];
        assert_eq!(error["code"], json!(-32020), "{}", response.text());
        assert!(error["message"].as_str().unwrap_or_default().contains(header), "{}", response.text());
    };
    let id = s.session("2025-06-18", json!({})).await;
    // A `tools/call` dressed as a `tools/list` (what a proxy decides retries from) is refused
    // before it runs, as on the 2026 wire.
    let dressed = in_session(&id, "2025-06-18", &echo(1, "a")).header("Mcp-Method", "tools/list");
    is_mismatch(&s.send(&dressed).await, "Mcp-Method");
    let named = in_session(&id, "2025-06-18", &echo(2, "b")).header("Mcp-Method", "tools/call");
    is_mismatch(&s.send(&named.clone().header("Mcp-Name", "other")).await, "Mcp-Name");
    // Headers that agree, or none at all (older clients send none), are served.
    assert_json(&s.send(&named.header("Mcp-Name", "echo")).await, 200, &text_result(json!(2), "b"));
    assert_json(&s.send(&in_session(&id, "2025-06-18", &echo(3, "c"))).await, 200, &text_result(json!(3), "c"));
    // `initialize` too: no session is opened for a mismatch.
    let init = Request::post_json(&initialize_body("2025-06-18", json!({}))).header("Mcp-Method", "tools/list");
    let refused = s.send(&init).await;
    is_mismatch(&refused, "Mcp-Method");
    assert_eq!(refused.header("mcp-session-id"), None);
    // A batch: each message must agree with the headers given, so a header names the
    // method of every message in it.
    let old = s.session("2025-03-26", json!({})).await;
    let mixed = in_session(&old, "2025-03-26", &json!([echo(4, "d"), list(5)])).header("Mcp-Method", "tools/list");
    is_mismatch(&s.send(&mixed).await, "Mcp-Method");
    let lists = in_session(&old, "2025-03-26", &json!([list(6), list(7)])).header("Mcp-Method", "tools/list");
    let answer = s.send(&lists).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json().as_array().map(Vec::len), Some(2), "{}", answer.text());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_protocol_version_header_on_a_session_is_400() {
    let s = start().await;
    let id = s.session("2025-06-18", json!({})).await;
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    let request = Request::post_json(&list).header("Mcp-Session-Id", &id).header("MCP-Protocol-Version", "1999-01-01");
    let response = s.send(&request).await;
    // A version that is not a legacy one marks the request as 2026-shaped (spec digest §3),
    // which then lacks its `_meta`: 400 either way, with the id.
    assert_json(&response, 400, &error_body(Some(json!(1)), -32602, "Invalid params: missing params._meta"));
    // The session is unaffected.
    assert_eq!(s.send(&in_session(&id, "2025-06-18", &list)).await.status, 200);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_listen_stream_on_a_legacy_session() {
    let s = start().await;
    let id = s.session("2025-11-25", json!({})).await;
    let listen = json!({
        "jsonrpc": "2.0", "id": 1, "method": "subscriptions/listen",
        "params": { "notifications": { "toolsListChanged": true } }
    });
    assert_json(
        &s.send(&in_session(&id, "2025-11-25", &listen)).await,
        400,
        &error_body(Some(json!(1)), -32602, "Invalid params: missing params._meta"),
    );
    s.stop().await;
}

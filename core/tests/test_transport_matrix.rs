//! The same behaviours over every transport: limits reached, cancellation of a running
//! request, progress and log notifications, batches, server->client requests, and shutdown
//! with requests in flight. Each runs over a byte stream (what stdio serves), the in-memory
//! client, a legacy Streamable HTTP session, the 2024-11-05 HTTP+SSE transport and, where
//! the behaviour exists there, the stateless 2026 HTTP wire.

use crate::wire;

use std::time::Duration;

use mcpforge::{ElicitRequest, HandlerError, Limits, LogLevel, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use wire::{Transport, Wire};

/// What the test tools report.
#[derive(Debug, PartialEq)]
enum Probe {
    Started(String),
    Cancelled(String),
}

struct Fixture {
    server: Server,
    /// Once cancelled, every `hold` call (running or to come) returns.
    release: CancellationToken,
    probes: mpsc::UnboundedReceiver<Probe>,
}

impl Fixture {
    async fn probe(&mut self) -> Probe {
        tokio::time::timeout(wire::WAIT, self.probes.recv()).await.expect("a probe in time").expect("probes open")
    }
}

fn tag(args: &Value) -> String {
    args.get("tag").and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// `hold` runs until released or cancelled; `report` sends progress and a log line;
/// `ask` asks the user a question; `echo` answers its tag.
fn fixture(limits: Limits) -> Fixture {
    let release = CancellationToken::new();
    let (tx, probes) = mpsc::unbounded_channel();
    let held = release.clone();
    let server = Server::builder("matrix", "1.0.0")
        .limits(limits)
        .tool(tool("hold"), move |ctx: RequestContext, args: Value| {
            let (release, tx) = (held.clone(), tx.clone());
            async move {
                let tag = tag(&args);
                let _ = tx.send(Probe::Started(tag.clone()));
                tokio::select! {
                    () = release.cancelled() => Ok::<_, ToolError>(format!("released {tag}")),
                    () = ctx.cancelled() => {
                        let _ = tx.send(Probe::Cancelled(tag.clone()));
                        Ok(format!("cancelled {tag}"))
                    }
                }
            }
        })
        .tool(tool("report"), |ctx: RequestContext, _: Value| async move {
            ctx.report_progress(1.0, Some(2.0), Some("halfway"));
            ctx.log(LogLevel::Info, json!("working"), Some("matrix"));
            ctx.report_progress(2.0, Some(2.0), None);
            Ok::<_, ToolError>("reported")
        })
        .tool(tool("ask"), |ctx: RequestContext, _: Value| async move {
            let schema = json!({ "type": "object", "properties": { "name": { "type": "string" } } });
            let answer = ctx.elicit(ElicitRequest::form("Your name?", schema)).await?;
            let name = answer.content.and_then(|c| c.get("name").cloned()).unwrap_or(Value::Null);
            Ok::<_, HandlerError>(format!("hello {}", name.as_str().unwrap_or("nobody")))
        })
        .tool(tool("echo"), |args: Value| async move { Ok::<_, ToolError>(tag(&args)) })
        .build()
        .expect("a valid server");
    Fixture { server, release, probes }
}

/// A tool taking an optional `tag`.
fn tool(name: &str) -> Tool {
    Tool::new(name).input_schema(json!({ "type": "object", "properties": { "tag": { "type": "string" } } }))
}

fn call(tool: &str, tag: &str) -> Value {
    json!({ "name": tool, "arguments": { "tag": tag } })
}

fn text(response: &Value) -> &str {
    response["result"]["content"][0]["text"].as_str().unwrap_or_else(|| panic!("a text result: {response}"))
}

async fn connect(f: &Fixture, transport: Transport) -> Wire {
    Wire::connect(&f.server, transport, "2025-11-25", json!({ "elicitation": {} })).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_the_in_flight_limit_is_refused_and_the_others_finish() {
    for transport in Transport::ALL {
        let mut f = fixture(Limits { max_in_flight_per_connection: 2, max_in_flight: 2, ..Limits::default() });
        let mut w = connect(&f, transport).await;
        w.request(json!(1), "tools/call", call("hold", "a")).await;
        w.request(json!(2), "tools/call", call("hold", "b")).await;
        f.probe().await;
        f.probe().await;
        w.request(json!(3), "tools/call", call("hold", "c")).await;
        let refused = w.response(3).await;
        assert_eq!(refused["error"]["code"], -32603, "{transport:?}: {refused}");
        assert!(refused["error"]["message"].as_str().unwrap().contains("busy"), "{transport:?}: {refused}");
        f.release.cancel();
        for id in [1, 2] {
            let done = w.response(id).await;
            assert!(text(&done).starts_with("released"), "{transport:?}: {done}");
        }
        f.server.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_request_stops_its_handler_and_gets_no_response() {
    for transport in Transport::ALL {
        let mut f = fixture(Limits::default());
        let mut w = connect(&f, transport).await;
        w.request(json!(10), "tools/call", call("hold", "x")).await;
        assert_eq!(f.probe().await, Probe::Started("x".into()));
        w.cancel(json!(10)).await;
        assert_eq!(f.probe().await, Probe::Cancelled("x".into()), "{transport:?}");
        w.request(json!(11), "tools/call", call("echo", "after")).await;
        assert_eq!(text(&w.response(11).await), "after", "{transport:?}");
        let quiet = w.nothing_more(Duration::from_millis(200), |m| m.get("id") == Some(&json!(10))).await;
        assert!(quiet, "{transport:?}: the cancelled request was answered");
        f.server.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_and_log_notifications_come_before_the_response() {
    for transport in Transport::ALL {
        let f = fixture(Limits::default());
        let mut w = connect(&f, transport).await;
        let mut params = call("report", "");
        params["_meta"] = json!({ "progressToken": "p", "io.modelcontextprotocol/logLevel": "debug" });
        w.request(json!(20), "tools/call", params).await;
        let response = w.response(20).await;
        assert_eq!(text(&response), "reported", "{transport:?}");
        let first = w.find("progress", |m| m["method"] == "notifications/progress").await;
        let second = w.find("more progress", |m| m["method"] == "notifications/progress").await;
        assert_eq!(first["params"]["progressToken"], "p", "{transport:?}");
        assert_eq!(
            (first["params"]["progress"].clone(), second["params"]["progress"].clone()),
            (json!(1.0), json!(2.0))
        );
        let log = w.find("a log message", |m| m["method"] == "notifications/message").await;
        assert_eq!(log["params"]["data"], "working", "{transport:?}");
        f.server.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_runs_its_requests_and_answers_them_together() {
    for transport in Transport::SESSIONS {
        let f = fixture(Limits::default());
        let mut w = Wire::connect(&f.server, transport, "2025-03-26", json!({})).await;
        let mut reported = call("report", "");
        reported["_meta"] = json!({ "progressToken": "b" });
        let batch = json!([
            { "jsonrpc": "2.0", "id": "b1", "method": "tools/call", "params": call("echo", "one") },
            { "jsonrpc": "2.0", "id": "b2", "method": "tools/call", "params": reported },
            { "jsonrpc": "2.0", "id": "b3", "method": "ping" },
            { "jsonrpc": "2.0", "id": "b3", "method": "ping" },
        ]);
        w.send(batch).await;
        let answer = w.find("the batch's answer", Value::is_array).await;
        let answers = answer.as_array().unwrap();
        assert_eq!(answers.len(), 4, "{transport:?}: {answer}");
        let by_id = |id: &str| answers.iter().filter(|a| a["id"] == id).collect::<Vec<_>>();
        assert_eq!(text(by_id("b1")[0]), "one");
        assert_eq!(text(by_id("b2")[0]), "reported");
        let pings = by_id("b3");
        assert_eq!(pings.len(), 2, "{transport:?}");
        assert!(pings.iter().any(|p| p["error"]["code"] == -32600), "{transport:?}: duplicate id refused: {answer}");
        let progress = w.find("the batch request's progress", |m| m["method"] == "notifications/progress").await;
        assert_eq!(progress["params"]["progressToken"], "b", "{transport:?}");
        f.server.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_to_client_request_is_answered_through_the_same_transport() {
    for transport in Transport::ALL {
        let f = fixture(Limits::default());
        let mut w = connect(&f, transport).await;
        w.will_answer("elicitation/create", json!({ "action": "accept", "content": { "name": "ada" } }));
        w.request(json!(30), "tools/call", call("ask", "")).await;
        if transport.is_modern() {
            // The 2026 wire asks by answering `input_required`; the retry carries the answer.
            let first = w.response(30).await;
            assert_eq!(first["result"]["resultType"], "input_required", "{first}");
            let (key, ask) = first["result"]["inputRequests"].as_object().unwrap().iter().next().unwrap();
            assert_eq!(ask["method"], "elicitation/create");
            let mut retry = call("ask", "");
            retry["inputResponses"] = json!({ key.clone(): { "action": "accept", "content": { "name": "ada" } } });
            retry["requestState"] = first["result"]["requestState"].clone();
            w.request(json!(31), "tools/call", retry).await;
            assert_eq!(text(&w.response(31).await), "hello ada");
        } else {
            let ask = w.answer_ask("elicitation/create").await;
            assert_eq!(ask["params"]["message"], "Your name?");
            assert_eq!(text(&w.response(30).await), "hello ada", "{transport:?}");
        }
        f.server.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_requests_in_flight_finish() {
    for transport in Transport::ALL {
        let mut f = fixture(Limits::default());
        let mut w = connect(&f, transport).await;
        w.request(json!(40), "tools/call", call("hold", "s")).await;
        assert_eq!(f.probe().await, Probe::Started("s".into()));
        f.server.shutdown();
        tokio::time::sleep(Duration::from_millis(50)).await;
        f.release.cancel();
        let done = w.response(40).await;
        assert_eq!(text(&done), "released s", "{transport:?}");
        if let Some(serving) = w.serving() {
            let ended = tokio::time::timeout(wire::WAIT, async {
                while !serving.is_finished() {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            });
            assert!(ended.await.is_ok(), "{transport:?}: the transport did not stop");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_batch_gets_the_same_in_flight_limit_on_every_transport() {
    const CALLS: usize = 10_000;
    const LIMIT: usize = 64;
    for transport in Transport::SESSIONS {
        let mut f = fixture(Limits { max_in_flight_per_connection: LIMIT, ..Limits::default() });
        let mut w = Wire::connect(&f.server, transport, "2025-03-26", json!({})).await;
        let batch: Vec<Value> = (0..CALLS)
            .map(|i| json!({ "jsonrpc": "2.0", "id": i, "method": "tools/call", "params": call("hold", &i.to_string()) }))
            .collect();
        w.send(Value::Array(batch)).await;
        for _ in 0..LIMIT {
            assert!(matches!(f.probe().await, Probe::Started(_)));
        }
        f.release.cancel();
        // 10,000 answers in a debug build: generous on a busy machine (a bound, not a timing).
        let answer = w.find_within("the batch's answer", Duration::from_secs(120), Value::is_array).await;
        let answers = answer.as_array().unwrap();
        assert_eq!(answers.len(), CALLS, "{transport:?}");
        let ran = answers.iter().filter(|a| a["result"].is_object()).count();
        let busy =
            answers.iter().filter(|a| a["error"]["message"].as_str().is_some_and(|m| m.contains("busy"))).count();
        assert_eq!((ran, busy), (LIMIT, CALLS - LIMIT), "{transport:?}");
        f.server.shutdown();
    }
}

//! Progress and logging: `notifications/progress` only for requests with a progress token
//! (echoed with its JSON type), strictly increasing, `message` per version, always before
//! the response and never after it; `notifications/message` filtered by the legacy
//! `logging/setLevel` or the 2026 per-request `_meta` log level, and switched off entirely
//! by `.logging(false)`.

use std::sync::Arc;
use std::time::Duration;

use mcpforge::{LogLevel, MemoryClient, RequestContext, Server, ServerBuilder, Tool, ToolError};
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

const WAIT: Duration = Duration::from_secs(5);

const LEVELS: [(LogLevel, &str); 8] = [
    (LogLevel::Debug, "debug"),
    (LogLevel::Info, "info"),
    (LogLevel::Notice, "notice"),
    (LogLevel::Warning, "warning"),
    (LogLevel::Error, "error"),
    (LogLevel::Critical, "critical"),
    (LogLevel::Alert, "alert"),
    (LogLevel::Emergency, "emergency"),
];

fn server_info() -> Value {
    json!({ "name": "progress-test", "version": "1.0.0" })
}

/// Tools:
/// - `steps`: progress 1, 2, 3 of 3 with messages, then "done";
/// - `jumpy`: progress 1, 1, 0.5, 2, 2, 3.5 (only 1, 2 and 3.5 may be sent);
/// - `log_all`: one log message per level, then "logged";
/// - `later`: hands its context to a task that reports and logs only after the test
///   releases it (after the response), then tells the test.
fn builder(release: Arc<Notify>, later_done: mpsc::UnboundedSender<()>) -> ServerBuilder {
    Server::builder("progress-test", "1.0.0")
        .tool(Tool::new("steps"), |ctx: RequestContext, _: Value| async move {
            for i in 1..=3 {
                ctx.report_progress(f64::from(i), Some(3.0), Some(&format!("step {i}")));
            }
            Ok::<_, ToolError>("done")
        })
        .tool(Tool::new("jumpy"), |ctx: RequestContext, _: Value| async move {
            for p in [1.0, 1.0, 0.5, 2.0, 2.0, f64::NAN, 3.5] {
                ctx.report_progress(p, None, None);
            }
            Ok::<_, ToolError>("done")
        })
        .tool(Tool::new("log_all"), |ctx: RequestContext, _: Value| async move {
            for (i, (level, _)) in LEVELS.iter().enumerate() {
                ctx.log(*level, json!({ "n": i }), Some("test"));
            }
            Ok::<_, ToolError>("logged")
        })
        .tool(Tool::new("later"), move |ctx: RequestContext, _: Value| {
            let release = release.clone();
            let done = later_done.clone();
            async move {
                tokio::spawn(async move {
                    release.notified().await;
                    ctx.report_progress(100.0, None, Some("too late"));
                    ctx.log(LogLevel::Emergency, json!("too late"), None);
                    let _ = done.send(());
                });
                Ok::<_, ToolError>("returned")
            }
        })
}

fn server() -> Server {
    let (tx, _rx) = mpsc::unbounded_channel();
    builder(Arc::new(Notify::new()), tx).build().expect("server builds")
}

async fn legacy(server: &Server, version: &str) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize(version, json!({})).await.expect("initialize succeeds");
    client
}

async fn next(client: &mut MemoryClient) -> Value {
    client.next_message(WAIT).await.expect("the server sent a message within the timeout")
}

async fn send(client: &MemoryClient, msg: Value) {
    client.send_raw(&msg.to_string()).await.expect("the pipe is open");
}

async fn call(client: &MemoryClient, id: Value, tool: &str, meta: Option<Value>) {
    let mut params = json!({ "name": tool, "arguments": {} });
    if let Some(m) = meta {
        params["_meta"] = m;
    }
    send(client, json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params })).await;
}

async fn assert_nothing_then_ping(client: &mut MemoryClient, probe: &str) {
    send(client, json!({ "jsonrpc": "2.0", "id": probe, "method": "ping" })).await;
    assert_eq!(next(client).await, json!({ "jsonrpc": "2.0", "id": probe, "result": {} }));
}

fn text_result(id: Value, text: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": { "content": [{ "type": "text", "text": text }] } })
}

fn modern_text_result(id: Value, text: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "result": {
            "content": [{ "type": "text", "text": text }],
            "resultType": "complete",
            "_meta": { "io.modelcontextprotocol/serverInfo": server_info() }
        }
    })
}

fn progress(token: Value, progress: f64, total: Option<f64>, message: Option<&str>) -> Value {
    let mut params = json!({ "progressToken": token, "progress": progress });
    if let Some(t) = total {
        params["total"] = json!(t);
    }
    if let Some(m) = message {
        params["message"] = json!(m);
    }
    json!({ "jsonrpc": "2.0", "method": "notifications/progress", "params": params })
}

fn log_message(level: &str, n: usize) -> Value {
    json!({
        "jsonrpc": "2.0",
        "method": "notifications/message",
        "params": { "level": level, "data": { "n": n }, "logger": "test" }
    })
}

fn modern_meta_with(extra: Value) -> Value {
    let mut meta = MemoryClient::modern_meta(json!({}));
    for (k, v) in extra.as_object().expect("an object") {
        meta[k] = v.clone();
    }
    meta
}

#[tokio::test]
async fn no_progress_without_a_progress_token() {
    let server = server();
    let mut client = legacy(&server, "2025-11-25").await;
    call(&client, json!(1), "steps", None).await;
    assert_eq!(next(&mut client).await, text_result(json!(1), "done"));
    call(&client, json!(2), "steps", Some(json!({}))).await;
    assert_eq!(next(&mut client).await, text_result(json!(2), "done"));
    // Tokens are strings or integers; anything else is no token.
    for (i, bad) in [json!(null), json!(1.5), json!(true), json!({ "t": 1 })].into_iter().enumerate() {
        let id = json!(10 + i);
        call(&client, id.clone(), "steps", Some(json!({ "progressToken": bad }))).await;
        assert_eq!(next(&mut client).await, text_result(id, "done"));
    }
    let mut modern = server.connect_memory();
    call(&modern, json!("m"), "steps", Some(MemoryClient::modern_meta(json!({})))).await;
    assert_eq!(next(&mut modern).await, modern_text_result(json!("m"), "done"));
}

#[tokio::test]
async fn string_and_integer_tokens_are_echoed_with_their_type_before_the_response() {
    let server = server();
    let mut client = legacy(&server, "2025-11-25").await;
    for (id, token) in [(json!(1), json!("tok-1")), (json!(2), json!(77)), (json!(3), json!("77"))] {
        call(&client, id.clone(), "steps", Some(json!({ "progressToken": token }))).await;
        for i in 1..=3 {
            let message = format!("step {i}");
            assert_eq!(next(&mut client).await, progress(token.clone(), f64::from(i), Some(3.0), Some(&message)));
        }
        assert_eq!(next(&mut client).await, text_result(id, "done"));
    }
}

#[tokio::test]
async fn progress_on_the_2026_wire() {
    let server = server();
    let mut client = server.connect_memory();
    call(&client, json!("m-1"), "steps", Some(modern_meta_with(json!({ "progressToken": 9 })))).await;
    for i in 1..=3 {
        let message = format!("step {i}");
        assert_eq!(next(&mut client).await, progress(json!(9), f64::from(i), Some(3.0), Some(&message)));
    }
    assert_eq!(next(&mut client).await, modern_text_result(json!("m-1"), "done"));
}

#[tokio::test]
async fn progress_message_only_from_2025_03_26() {
    let server = server();
    for (version, has_message) in
        [("2024-11-05", false), ("2025-03-26", true), ("2025-06-18", true), ("2025-11-25", true)]
    {
        let mut client = legacy(&server, version).await;
        call(&client, json!(1), "steps", Some(json!({ "progressToken": "t" }))).await;
        for i in 1..=3 {
            let message = format!("step {i}");
            let expected = progress(json!("t"), f64::from(i), Some(3.0), has_message.then_some(message.as_str()));
            assert_eq!(next(&mut client).await, expected, "version {version}");
        }
        assert_eq!(next(&mut client).await, text_result(json!(1), "done"), "version {version}");
    }
}

#[tokio::test]
async fn progress_that_does_not_increase_is_dropped() {
    let server = server();
    let mut client = legacy(&server, "2025-11-25").await;
    call(&client, json!(1), "jumpy", Some(json!({ "progressToken": "j" }))).await;
    for p in [1.0, 2.0, 3.5] {
        assert_eq!(next(&mut client).await, progress(json!("j"), p, None, None));
    }
    assert_eq!(next(&mut client).await, text_result(json!(1), "done"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_is_sent_after_the_response() {
    let release = Arc::new(Notify::new());
    let (done_tx, mut done_rx) = mpsc::unbounded_channel();
    let server = builder(release.clone(), done_tx).build().expect("server builds");
    let mut client = legacy(&server, "2025-11-25").await;
    call(&client, json!(1), "later", Some(json!({ "progressToken": "late" }))).await;
    assert_eq!(next(&mut client).await, text_result(json!(1), "returned"));
    release.notify_one();
    tokio::time::timeout(WAIT, done_rx.recv()).await.expect("the task ran").expect("open");
    assert_nothing_then_ping(&mut client, "probe").await;

    // The same on the 2026 wire, with logs requested.
    let mut modern = server.connect_memory();
    let meta = modern_meta_with(json!({ "progressToken": "late", "io.modelcontextprotocol/logLevel": "debug" }));
    call(&modern, json!(2), "later", Some(meta)).await;
    assert_eq!(next(&mut modern).await, modern_text_result(json!(2), "returned"));
    release.notify_one();
    tokio::time::timeout(WAIT, done_rx.recv()).await.expect("the task ran").expect("open");
    assert_nothing_then_ping(&mut modern, "probe").await;
}

#[tokio::test]
async fn legacy_sessions_get_every_level_until_set_level() {
    let server = server();
    let mut client = legacy(&server, "2025-11-25").await;
    call(&client, json!(1), "log_all", None).await;
    for (n, (_, name)) in LEVELS.iter().enumerate() {
        assert_eq!(next(&mut client).await, log_message(name, n));
    }
    assert_eq!(next(&mut client).await, text_result(json!(1), "logged"));

    assert_eq!(client.request("logging/setLevel", json!({ "level": "warning" })).await, Ok(json!({})));
    call(&client, json!(2), "log_all", None).await;
    for (n, (_, name)) in LEVELS.iter().enumerate().skip(3) {
        assert_eq!(next(&mut client).await, log_message(name, n));
    }
    assert_eq!(next(&mut client).await, text_result(json!(2), "logged"));

    // Lowering the level again lets more through.
    assert_eq!(client.request("logging/setLevel", json!({ "level": "debug" })).await, Ok(json!({})));
    call(&client, json!(3), "log_all", None).await;
    for (n, (_, name)) in LEVELS.iter().enumerate() {
        assert_eq!(next(&mut client).await, log_message(name, n));
    }
    assert_eq!(next(&mut client).await, text_result(json!(3), "logged"));
}

#[tokio::test]
async fn the_log_level_belongs_to_its_session() {
    let server = server();
    let quiet = legacy(&server, "2025-11-25").await;
    assert_eq!(quiet.request("logging/setLevel", json!({ "level": "emergency" })).await, Ok(json!({})));
    let mut loud = legacy(&server, "2025-06-18").await;
    call(&loud, json!(1), "log_all", None).await;
    for (n, (_, name)) in LEVELS.iter().enumerate() {
        assert_eq!(next(&mut loud).await, log_message(name, n));
    }
    assert_eq!(next(&mut loud).await, text_result(json!(1), "logged"));
}

/// `Server::log`, outside any request: every initialized legacy session whose level lets the
/// message through gets it; the 2026 wire and a server with logging off get nothing.
#[tokio::test]
async fn a_log_outside_requests_reaches_each_session_its_level_allows() {
    let server = server();
    let mut quiet = legacy(&server, "2025-11-25").await;
    assert_eq!(quiet.request("logging/setLevel", json!({ "level": "error" })).await, Ok(json!({})));
    let mut loud = legacy(&server, "2025-06-18").await;
    // A round trip after `initialize` proves `notifications/initialized` was handled.
    assert_nothing_then_ping(&mut loud, "ready").await;

    server.log(LogLevel::Info, json!({ "n": 1 }), Some("test"));
    server.log(LogLevel::Error, json!({ "n": 4 }), Some("test"));
    assert_eq!(next(&mut loud).await, log_message("info", 1));
    assert_eq!(next(&mut loud).await, log_message("error", 4));
    assert_eq!(next(&mut quiet).await, log_message("error", 4));
    assert_nothing_then_ping(&mut quiet, "quiet").await;

    let mut modern = server.connect_memory();
    server.log(LogLevel::Emergency, json!({ "n": 7 }), Some("test"));
    assert_eq!(next(&mut loud).await, log_message("emergency", 7));
    send(&modern, json!({ "jsonrpc": "2.0", "id": "probe", "method": "ping", "params": { "_meta": modern_meta_with(json!({})) } })).await;
    assert_eq!(next(&mut modern).await["id"], json!("probe"), "nothing came before the answer");

    let (tx, _rx) = mpsc::unbounded_channel();
    let silent = builder(Arc::new(Notify::new()), tx).logging(false).build().expect("server builds");
    let mut client = legacy(&silent, "2025-11-25").await;
    assert_nothing_then_ping(&mut client, "first").await;
    silent.log(LogLevel::Emergency, json!({ "n": 7 }), None);
    assert_nothing_then_ping(&mut client, "second").await;
}

#[tokio::test]
async fn set_level_rejects_bad_levels() {
    let server = server();
    let client = legacy(&server, "2025-11-25").await;
    for (params, message) in [
        (json!({ "level": "loud" }), "Invalid params: unknown log level `loud`"),
        (json!({ "level": "WARNING" }), "Invalid params: unknown log level `WARNING`"),
        (json!({ "level": 3 }), "Invalid params: `level` must be a string"),
        (json!({}), "Invalid params: `level` must be a string"),
    ] {
        assert_eq!(
            client.request_raw("logging/setLevel", params.clone()).await["error"],
            json!({ "code": -32602, "message": message }),
            "{params}"
        );
    }
}

#[tokio::test]
async fn logging_disabled_means_no_capability_no_set_level_and_no_messages() {
    let (tx, _rx) = mpsc::unbounded_channel();
    let server = builder(Arc::new(Notify::new()), tx).logging(false).build().expect("server builds");
    let mut client = server.connect_memory();
    let init = client.initialize("2025-11-25", json!({})).await.expect("initialize succeeds");
    assert_eq!(init["capabilities"], json!({ "tools": { "listChanged": true } }));
    assert_eq!(
        client.request_raw("logging/setLevel", json!({ "level": "debug" })).await["error"],
        json!({ "code": -32601, "message": "Method not found: logging/setLevel" })
    );
    call(&client, json!(1), "log_all", None).await;
    assert_eq!(next(&mut client).await, text_result(json!(1), "logged"));

    let mut modern = server.connect_memory();
    let meta = modern_meta_with(json!({ "io.modelcontextprotocol/logLevel": "debug" }));
    call(&modern, json!(2), "log_all", Some(meta)).await;
    assert_eq!(next(&mut modern).await, modern_text_result(json!(2), "logged"));
}

#[tokio::test]
async fn the_2026_wire_logs_only_when_the_request_asks() {
    let server = server();
    let mut client = server.connect_memory();
    call(&client, json!(1), "log_all", Some(MemoryClient::modern_meta(json!({})))).await;
    assert_eq!(next(&mut client).await, modern_text_result(json!(1), "logged"));

    let meta = modern_meta_with(json!({ "io.modelcontextprotocol/logLevel": "error" }));
    call(&client, json!(2), "log_all", Some(meta)).await;
    for (n, (_, name)) in LEVELS.iter().enumerate().skip(4) {
        assert_eq!(next(&mut client).await, log_message(name, n));
    }
    assert_eq!(next(&mut client).await, modern_text_result(json!(2), "logged"));

    // A level is per request: the next request without one gets no logs again.
    call(&client, json!(3), "log_all", Some(MemoryClient::modern_meta(json!({})))).await;
    assert_eq!(next(&mut client).await, modern_text_result(json!(3), "logged"));

    let meta = modern_meta_with(json!({ "io.modelcontextprotocol/logLevel": "debug" }));
    call(&client, json!(4), "log_all", Some(meta)).await;
    for (n, (_, name)) in LEVELS.iter().enumerate() {
        assert_eq!(next(&mut client).await, log_message(name, n));
    }
    assert_eq!(next(&mut client).await, modern_text_result(json!(4), "logged"));
}

#[tokio::test]
async fn the_2026_wire_rejects_an_invalid_log_level_and_has_no_set_level() {
    let server = server();
    let client = server.connect_memory();
    for bad in [json!("loud"), json!(3), json!("Error")] {
        let meta = modern_meta_with(json!({ "io.modelcontextprotocol/logLevel": bad.clone() }));
        let resp = client.request_raw("tools/call", json!({ "name": "log_all", "arguments": {}, "_meta": meta })).await;
        assert_eq!(
            resp["error"],
            json!({ "code": -32602, "message": format!("Invalid params: invalid log level {bad}") })
        );
    }
    let resp = client
        .request_raw("logging/setLevel", json!({ "level": "debug", "_meta": MemoryClient::modern_meta(json!({})) }))
        .await;
    assert_eq!(resp["error"], json!({ "code": -32601, "message": "Method not found: logging/setLevel" }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_background_reporter_racing_the_response_never_sends_after_it() {
    // The handler starts a task that reports progress and logs as fast as it can, and
    // returns at once: whatever the interleaving, nothing may follow the response.
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<()>();
    let server = Server::builder("progress-test", "1.0.0")
        .tool(Tool::new("racy"), move |ctx: RequestContext, _: Value| {
            let done = done_tx.clone();
            async move {
                let (go_tx, go_rx) = tokio::sync::oneshot::channel::<()>();
                tokio::spawn(async move {
                    let _ = go_rx.await;
                    for i in 1..=1000 {
                        ctx.report_progress(f64::from(i), None, None);
                        ctx.log(LogLevel::Info, json!(i), None);
                    }
                    let _ = done.send(());
                });
                let _ = go_tx.send(());
                tokio::task::yield_now().await;
                Ok::<_, ToolError>("raced")
            }
        })
        .build()
        .expect("server builds");
    let mut client = legacy(&server, "2025-11-25").await;
    for round in 0..20 {
        call(&client, json!(round), "racy", Some(json!({ "progressToken": round }))).await;
        let mut seen_response = false;
        for _ in 0..5000 {
            let msg = next(&mut client).await;
            if msg.get("id") == Some(&json!(round)) {
                assert_eq!(msg, text_result(json!(round), "raced"));
                seen_response = true;
                break;
            }
            let method = msg["method"].as_str().unwrap_or_default();
            assert!(method == "notifications/progress" || method == "notifications/message", "{msg}");
        }
        assert!(seen_response);
        tokio::time::timeout(WAIT, done_rx.recv()).await.expect("the reporter finished").expect("open");
        assert_nothing_then_ping(&mut client, &format!("probe-{round}")).await;
    }
}

/// A notification of the application's own method (`RequestContext::notify`) goes out on its
/// request before the answer, with its params or none; after the answer it is dropped.
#[tokio::test]
async fn a_handler_sends_a_notification_of_its_own_method_with_its_request() {
    let kept = Arc::new(std::sync::Mutex::new(None::<RequestContext>));
    let keep = kept.clone();
    let server = Server::builder("own-notifications", "1.0.0")
        .tool(Tool::new("emit"), move |ctx: RequestContext, _: Value| {
            let keep = keep.clone();
            async move {
                ctx.notify("notifications/_app/event", Some(&json!({ "n": 1 })));
                ctx.notify("notifications/_app/bare", None);
                *keep.lock().unwrap() = Some(ctx);
                Ok::<_, ToolError>("done")
            }
        })
        .build()
        .expect("build");
    let mut client = legacy(&server, "2025-11-25").await;
    call(&client, json!(5), "emit", None).await;
    assert_eq!(
        next(&mut client).await,
        json!({ "jsonrpc": "2.0", "method": "notifications/_app/event", "params": { "n": 1 } })
    );
    assert_eq!(next(&mut client).await, json!({ "jsonrpc": "2.0", "method": "notifications/_app/bare" }));
    assert_eq!(next(&mut client).await, text_result(json!(5), "done"));
    let ctx = kept.lock().unwrap().take().expect("the handler ran");
    ctx.notify("notifications/_app/late", None);
    assert_nothing_then_ping(&mut client, "late").await;
}

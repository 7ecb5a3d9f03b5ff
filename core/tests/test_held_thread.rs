//! A handler that holds the thread polling its request (what a binding's quick synchronous
//! callback run in place does) after telling its context so (`holding_thread`): the client
//! still gets the timeout error at the deadline while the handler runs on, the handler sees
//! its cancellation, its late result is never sent, and the error hook and the metrics
//! record one timeout once it returns. A request answered before its deadline is not
//! touched. Which requests may hold their thread: those of a connection that answers them
//! through its own queue, or any when no timeout applies; not those of an HTTP exchange.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mcpforge::{Failure, FailureKind, HeldThread, Limits, MemoryClient, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(5);
const TIMEOUT: Duration = Duration::from_millis(200);

type Log = Arc<Mutex<Vec<(FailureKind, String, Option<String>, String)>>>;

/// A server with a 200 ms request timeout, metrics, an error hook writing to `log`, and:
/// - `stuck`: holds its thread until its context is cancelled (at most [`WAIT`]), then 300 ms
///   more, and sets `returned`;
/// - `brief`: holds its thread for 20 ms and answers, leaving its deadline watched (due
///   50 ms after it started);
/// - `nap`: answers after 100 ms, without holding its thread;
/// - `may`: answers whether its request may hold its thread.
fn server(limits: Limits, log: Log, returned: Arc<AtomicBool>) -> Server {
    Server::builder("held", "1.0.0")
        .limits(limits)
        .metrics(true)
        .on_error(move |f: &Failure<'_>| {
            let seen = (f.kind, f.method.to_owned(), f.name.map(str::to_owned), f.message.to_owned());
            log.lock().unwrap().push(seen);
        })
        .tool(Tool::new("stuck"), move |ctx: RequestContext, _: Value| {
            let returned = returned.clone();
            async move {
                // Everything below runs in this one poll, holding the thread.
                let _held = watched(&ctx, Instant::now());
                let until = Instant::now() + WAIT;
                while !ctx.is_cancelled() && Instant::now() < until {
                    std::thread::sleep(Duration::from_millis(5));
                }
                let saw = ctx.is_cancelled();
                std::thread::sleep(Duration::from_millis(300));
                returned.store(true, Ordering::SeqCst);
                Ok::<_, ToolError>(if saw { "saw the cancellation" } else { "never cancelled" })
            }
        })
        .tool(Tool::new("brief"), |ctx: RequestContext, _: Value| async move {
            // Held "since" 150 ms ago, so its deadline comes 50 ms from now; its watch is left
            // to run to it, when the request is long answered.
            let since = Instant::now().checked_sub(Duration::from_millis(150)).expect("a clock that far back");
            std::mem::forget(watched(&ctx, since));
            std::thread::sleep(Duration::from_millis(20));
            Ok::<_, ToolError>("brief")
        })
        .tool(Tool::new("nap"), |_: Value| async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            Ok::<_, ToolError>("napped")
        })
        .tool(Tool::new("may"), |ctx: RequestContext, _: Value| async move {
            Ok::<_, ToolError>(ctx.may_hold_thread().to_string())
        })
        .build()
        .expect("server builds")
}

/// Tells `ctx` that its handler holds its thread from now on, from another thread, as a
/// binding's watch thread does (a task spawned from the held thread would wait behind it).
fn watched(ctx: &RequestContext, since: Instant) -> HeldThread {
    let (ctx, runtime) = (ctx.clone(), tokio::runtime::Handle::current());
    std::thread::spawn(move || {
        let _entered = runtime.enter();
        ctx.holding_thread(since)
    })
    .join()
    .expect("the watch thread ran")
}

async fn legacy(server: &Server) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("initialize succeeds");
    client
}

async fn call(client: &MemoryClient, id: i64, tool: &str) {
    let msg =
        json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": { "name": tool, "arguments": {} } });
    client.send_raw(&msg.to_string()).await.expect("the pipe is open");
}

async fn next(client: &mut MemoryClient) -> Value {
    client.next_message(WAIT).await.expect("the server sent a message within the timeout")
}

fn text(msg: &Value) -> &str {
    msg["result"]["content"][0]["text"].as_str().unwrap_or_default()
}

/// The count of `outcome` in the metrics of tool `name`.
fn outcomes(server: &Server, name: &str, outcome: &str) -> u64 {
    let metrics = server.metrics().expect("metrics are on");
    let series = metrics["series"].as_array().expect("series");
    series.iter().filter(|s| s["name"] == name).map(|s| s["outcomes"][outcome].as_u64().unwrap_or(0)).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_request_is_answered_at_its_deadline_while_its_handler_runs_on() {
    let (log, returned) = (Log::default(), Arc::new(AtomicBool::new(false)));
    let limits = Limits { request_timeout: Some(TIMEOUT), ..Limits::default() };
    let server = server(limits, log.clone(), returned.clone());
    let mut client = legacy(&server).await;
    let sent = Instant::now();
    call(&client, 1, "stuck").await;
    let answer = next(&mut client).await;
    let after = sent.elapsed();
    assert_eq!(
        answer,
        json!({
            "jsonrpc": "2.0",
            "id": 1,
            "error": {
                "code": -32603,
                "message": "Internal error: request timed out after 200 ms",
                "data": { "timeoutMs": 200 }
            }
        })
    );
    assert!(after >= TIMEOUT, "answered after {after:?}, before the deadline");
    assert!(!returned.load(Ordering::SeqCst), "the answer waited for the handler to return");
    // The connection keeps serving while the handler holds its thread.
    client.send_raw(r#"{"jsonrpc":"2.0","id":"p","method":"ping"}"#).await.expect("open");
    assert_eq!(next(&mut client).await, json!({ "jsonrpc": "2.0", "id": "p", "result": {} }));
    let until = Instant::now() + WAIT;
    while !returned.load(Ordering::SeqCst) && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(returned.load(Ordering::SeqCst), "the handler returned");
    // Its late result is not sent: the next message answers the next request.
    call(&client, 2, "may").await;
    let msg = next(&mut client).await;
    assert_eq!((msg["id"].clone(), text(&msg)), (json!(2), "true"));
    // Recorded once, as a timeout, when the handler returned.
    let seen = log.lock().unwrap().clone();
    let timeout = "Internal error: request timed out after 200 ms".to_owned();
    assert_eq!(seen, vec![(FailureKind::Timeout, "tools/call".to_owned(), Some("stuck".to_owned()), timeout)]);
    assert_eq!((outcomes(&server, "stuck", "timeout"), outcomes(&server, "stuck", "cancelled")), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_request_answered_in_time_is_left_alone() {
    let (log, returned) = (Log::default(), Arc::new(AtomicBool::new(false)));
    let limits = Limits { request_timeout: Some(TIMEOUT), ..Limits::default() };
    let server = server(limits, log.clone(), returned);
    let mut client = legacy(&server).await;
    call(&client, 1, "brief").await;
    let msg = next(&mut client).await;
    assert_eq!((msg["id"].clone(), text(&msg)), (json!(1), "brief"));
    // The client reuses the id at once. The first request's watch, due while the second is
    // in flight (50 ms after `brief` started; `nap` answers 100 ms after it arrived, its own
    // deadline 200 ms), finds another request under that id and must not answer it.
    call(&client, 1, "nap").await;
    let msg = next(&mut client).await;
    assert_eq!((msg["id"].clone(), text(&msg)), (json!(1), "napped"), "{msg}");
    client.send_raw(r#"{"jsonrpc":"2.0","id":"p","method":"ping"}"#).await.expect("open");
    assert_eq!(next(&mut client).await, json!({ "jsonrpc": "2.0", "id": "p", "result": {} }));
    assert_eq!(outcomes(&server, "brief", "ok"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn which_requests_may_hold_their_thread() {
    let timed = Limits { request_timeout: Some(TIMEOUT), ..Limits::default() };
    let untimed = Limits { request_timeout: None, ..Limits::default() };
    // (limits, a request on its own, a request of a batch): a batch's requests are answered
    // through the batch's one response, as an HTTP exchange's are through the exchange.
    for (limits, alone, batched) in [(timed, "true", "false"), (untimed, "true", "true")] {
        let server = server(limits, Log::default(), Arc::new(AtomicBool::new(false)));
        let mut client = server.connect_memory();
        client.initialize("2025-03-26", json!({})).await.expect("initialize succeeds");
        call(&client, 7, "may").await;
        let msg = next(&mut client).await;
        assert_eq!(text(&msg), alone, "{msg}");
        let batch = json!([{ "jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": { "name": "may", "arguments": {} } }]);
        client.send_raw(&batch.to_string()).await.expect("open");
        let msg = next(&mut client).await;
        assert_eq!(text(&msg[0]), batched, "{msg}");
    }
}

//! The proxy routes everything to its owner: ten thousand interleaved calls from many
//! clients whose ids clash, through one shared child, each answered to its caller; the
//! upstream's progress reaching only the request that asked; a downstream cancellation
//! cancelling only the upstream request it caused; the upstream's sampling asked of the
//! client whose call caused it (refused when that client cannot answer), or asked of a
//! client of the 2026-07-28 wire through `input_required`; and the upstream's
//! list changes reaching the downstream clients. The upstreams are real child processes
//! (the `everything` example server, a small Python script), the clients speak Streamable
//! HTTP to the proxy on 127.0.0.1; every wait is bounded.

use crate::example_servers::{everything, with_env};
use crate::proxy_harness::{Gateway, WAIT, marker, text, told};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mcpforge::client::{CallOptions, Client, ClientError, Notification, Protocol};
use mcpforge::proxy::{Mode, Upstream};
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// The environment variable marking the processes a test starts.
const MARK: &str = "MCPFORGE_PROXY_TEST";

fn shared_everything(test: &str) -> Upstream {
    Upstream::command("everything", everything(), Vec::<String>::new()).mode(Mode::Shared).setting(MARK, marker(test))
}

/// Every notification of `method` waiting in `channel` now.
fn drain(channel: &mut mpsc::Receiver<Notification>, method: &str) -> Vec<Value> {
    std::iter::from_fn(|| channel.try_recv().ok()).filter(|n| n.method == method).map(|n| n.params).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_interleaved_calls_with_clashing_ids_each_reach_their_caller() {
    const CLIENTS: usize = 20;
    const WORKERS: usize = 16;
    const CALLS: usize = 32;
    let gateway = Gateway::start(vec![shared_everything("interleaved")]).await;
    let mut work = tokio::task::JoinSet::new();
    for c in 0..CLIENTS {
        // Every client numbers its requests from 1: the proxy sees the same ids from all of them.
        let client = Arc::new(gateway.client(&format!("client-{c}")).await);
        for w in 0..WORKERS {
            let client = client.clone();
            work.spawn(async move {
                for i in 0..CALLS {
                    let said = format!("client {c} worker {w} call {i}");
                    let result = client.call_tool("echo", json!({ "text": said })).await.expect("answered");
                    assert_eq!(text(&result), said, "a reply reached another caller");
                }
            });
        }
    }
    let all = async {
        while let Some(done) = work.join_next().await {
            done.expect("a worker panicked");
        }
    };
    tokio::time::timeout(Duration::from_secs(300), all).await.expect("10,240 calls within the bound");
    assert_eq!(with_env(MARK, &marker("interleaved")).len(), 1, "one shared child for every session");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_reaches_only_the_request_that_asked() {
    let gateway = Gateway::start(vec![shared_everything("progress")]).await;
    let (a, b) = (gateway.client("a").await, gateway.client("b").await);
    let (mut a_heard, mut b_heard) = (a.notifications().expect("a's"), b.notifications().expect("b's"));
    // Both clients' progress tokens are their request ids, the same number on both.
    let (a_done, b_done) = tokio::join!(
        a.call_tool("count", json!({ "steps": 3, "delay_ms": 20 })),
        b.call_tool("count", json!({ "steps": 5, "delay_ms": 20 })),
    );
    assert_eq!(text(&a_done.expect("a counted")), "counted to 3");
    assert_eq!(text(&b_done.expect("b counted")), "counted to 5");
    let (a_progress, b_progress) =
        (drain(&mut a_heard, "notifications/progress"), drain(&mut b_heard, "notifications/progress"));
    assert_eq!(a_progress.len(), 3, "a heard {a_progress:?}");
    assert_eq!(b_progress.len(), 5, "b heard {b_progress:?}");
    assert!(a_progress.iter().all(|p| p["total"] == 3.0));
    assert!(b_progress.iter().all(|p| p["total"] == 5.0));
}

/// A stdio upstream whose `wait` tool never answers and whose `cancelled` tool lists the
/// reasons of the cancellations it received.
const WAITER: &str = r#"
import json, sys
cancelled = []
def send(id, result):
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": id, "result": result}) + "\n")
    sys.stdout.flush()
for line in sys.stdin:
    m = json.loads(line)
    method, id = m.get("method"), m.get("id")
    if method == "initialize":
        send(id, {"protocolVersion": "2025-11-25", "serverInfo": {"name": "waiter", "version": "1"},
                  "capabilities": {"tools": {}}})
    elif method == "tools/list":
        schema = {"type": "object"}
        send(id, {"tools": [{"name": "wait", "inputSchema": schema}, {"name": "cancelled", "inputSchema": schema}]})
    elif method == "notifications/cancelled":
        cancelled.append(m["params"].get("reason"))
    elif method == "tools/call" and m["params"]["name"] == "cancelled":
        send(id, {"content": [{"type": "text", "text": json.dumps(cancelled)}]})
    elif method == "ping":
        send(id, {})
    elif method == "tools/call":
        pass
    elif id is not None:
        error = {"code": -32601, "message": "Method not found: " + method}
        sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": id, "error": error}) + "\n")
        sys.stdout.flush()
"#;

async fn cancellations(client: &Client) -> Vec<Value> {
    let listed = client.call_tool("cancelled", json!({})).await.expect("cancelled");
    serde_json::from_str(text(&listed)).expect("a JSON list")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancellation_cancels_only_the_upstream_request_it_caused() {
    let upstream = Upstream::command("waiter", "python3", ["-c", WAITER]).mode(Mode::Shared);
    let gateway = Gateway::start(vec![upstream]).await;
    let (a, b, watcher) = (gateway.client("a").await, Arc::new(gateway.client("b").await), gateway.client("c").await);
    let b_waits = {
        let b = b.clone();
        tokio::spawn(async move { b.call_tool("wait", json!({})).await })
    };
    let quick = CallOptions { timeout: Duration::from_millis(300), reset_on_progress: false, max_total: WAIT };
    let gave_up = a.request_with("tools/call", json!({ "name": "wait", "arguments": {} }), quick).await;
    assert!(matches!(gave_up, Err(ClientError::Timeout { .. })), "{gave_up:?}");
    let deadline = tokio::time::Instant::now() + WAIT;
    let seen = loop {
        let seen = cancellations(&watcher).await;
        if !seen.is_empty() || tokio::time::Instant::now() > deadline {
            break seen;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(seen, vec![json!("the request timed out")], "only a's request is cancelled, with a's reason");
    assert!(!b_waits.is_finished(), "b's request, with the same id, still runs");
    b_waits.abort();
    let deadline = tokio::time::Instant::now() + WAIT;
    while cancellations(&watcher).await.len() < 2 {
        assert!(tokio::time::Instant::now() < deadline, "b's cancellation never reached the upstream");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sampling_asked_by_the_upstream_goes_to_the_client_that_caused_it() {
    let gateway = Gateway::start(vec![shared_everything("sampling")]).await;
    let sampler = Client::builder("sampler", "1.0.0").on_sampling(|_| async {
        Ok(json!({ "role": "assistant", "content": { "type": "text", "text": "Sampled downstream." }, "model": "m" }))
    });
    let a = gateway.connect(sampler).await;
    let b = gateway.client("no-sampling").await;
    let summary = a.call_tool("summarize", json!({ "text": "long" })).await.expect("summarized");
    assert_eq!(text(&summary), "Sampled downstream.");
    // b cannot sample: the upstream's request is refused, and its tool fails cleanly.
    let refused = b.call_tool("summarize", json!({ "text": "long" })).await;
    let failed = match &refused {
        Ok(result) => result["isError"] == true,
        Err(ClientError::Server(_)) => true,
        Err(_) => false,
    };
    assert!(failed, "{refused:?}");
    assert_eq!(text(&b.call_tool("echo", json!({ "text": "still serving" })).await.expect("echo")), "still serving");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_of_the_2026_wire_is_asked_through_input_required() {
    let gateway = Gateway::start(vec![shared_everything("rounds")]).await;
    let asked = Arc::new(AtomicUsize::new(0));
    let counted = asked.clone();
    let sampler = Client::builder("sampler", "1.0.0").protocol(Protocol::Stateless).on_sampling(move |_| {
        counted.fetch_add(1, Ordering::Relaxed);
        async { Ok(json!({ "role": "assistant", "content": { "type": "text", "text": "Sampled in a round." }, "model": "m" })) }
    });
    let a = gateway.connect(sampler).await;
    assert!(a.is_stateless());
    let summary = a.call_tool("summarize", json!({ "text": "long" })).await.expect("summarized");
    assert_eq!(text(&summary), "Sampled in a round.", "{summary}");
    assert_eq!(asked.load(Ordering::Relaxed), 1, "one round of input");
    // A client that cannot sample: the request fails with -32021, and the gateway serves on.
    let b = gateway.connect(Client::builder("no-sampling", "1.0.0").protocol(Protocol::Stateless)).await;
    match b.call_tool("summarize", json!({ "text": "long" })).await {
        Err(ClientError::Server(e)) => assert_eq!(e.code, -32021, "{e:?}"),
        other => panic!("expected -32021, got {other:?}"),
    }
    assert_eq!(text(&b.call_tool("echo", json!({ "text": "still serving" })).await.expect("echo")), "still serving");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upstreams_list_changes_reach_the_downstream_clients() {
    let gateway = Gateway::start(vec![shared_everything("lists")]).await;
    let (a, b) = (gateway.client("a").await, gateway.client("b").await);
    let mut b_heard = b.notifications().expect("b's");
    let names =
        |tools: Vec<Value>| tools.iter().filter_map(|t| t["name"].as_str().map(str::to_owned)).collect::<Vec<_>>();
    assert!(!names(b.list_tools().await.expect("listed")).contains(&"bonus".to_owned()));
    assert_eq!(text(&a.call_tool("toggle_bonus_tool", json!({})).await.expect("toggled")), "added bonus");
    told(&mut b_heard, "notifications/tools/list_changed").await;
    assert!(names(b.list_tools().await.expect("listed")).contains(&"bonus".to_owned()));
    assert_eq!(text(&b.call_tool("bonus", json!({})).await.expect("the new tool is forwarded")), "bonus!");
}

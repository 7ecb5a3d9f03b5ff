//! Concurrency: every request runs as its own task (on both wires), a slow request never
//! delays a fast one, the per-connection in-flight limit, duplicate in-flight ids, and
//! responses that complete out of order are matched by id.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use mcpforge::{Limits, MemoryClient, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::sync::{Barrier, Notify, Semaphore};

const WAIT: Duration = Duration::from_secs(5);

fn server_info() -> Value {
    json!({ "name": "concurrency-test", "version": "1.0.0" })
}

fn open_schema() -> Value {
    json!({ "type": "object", "properties": { "tag": { "type": "string" } } })
}

/// A legacy 2025-11-25 session.
async fn legacy(server: &Server) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("initialize succeeds");
    client
}

/// The next message nobody waits for (raw requests' responses land here).
async fn next(client: &mut MemoryClient) -> Value {
    client.next_message(WAIT).await.expect("the server sent a message within the timeout")
}

/// Sends a request whose response arrives through [`next`].
async fn send(client: &MemoryClient, id: Value, method: &str, params: Value) {
    let msg = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
    client.send_raw(&msg.to_string()).await.expect("the pipe is open");
}

async fn call(client: &MemoryClient, id: Value, tool: &str) {
    send(client, id, "tools/call", json!({ "name": tool, "arguments": {} })).await;
}

fn text_result(id: Value, text: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": { "content": [{ "type": "text", "text": text }] } })
}

/// A server whose `meet` tool waits on a shared barrier: the calls only complete if `n`
/// of them run at the same time.
fn barrier_server(n: usize) -> Server {
    let barrier = Arc::new(Barrier::new(n));
    Server::builder("concurrency-test", "1.0.0")
        .tool(Tool::new("meet"), move |_: Value| {
            let barrier = barrier.clone();
            async move {
                barrier.wait().await;
                Ok::<_, ToolError>("passed the barrier")
            }
        })
        .build()
        .expect("server builds")
}

/// Collects exactly `count` messages, keyed by their id.
async fn collect_by_id(client: &mut MemoryClient, count: usize) -> BTreeMap<String, Value> {
    let mut got = BTreeMap::new();
    for _ in 0..count {
        let msg = next(client).await;
        let key = msg["id"].to_string();
        assert!(got.insert(key, msg).is_none(), "one response per id");
    }
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_calls_waiting_on_one_barrier_all_complete() {
    const N: usize = 32;
    let server = barrier_server(N);
    let mut client = legacy(&server).await;
    for i in 0..N {
        call(&client, json!(100 + i), "meet").await;
    }
    let got = collect_by_id(&mut client, N).await;
    for i in 0..N {
        let id = json!(100 + i);
        assert_eq!(got[&id.to_string()], text_result(id, "passed the barrier"));
    }
    assert!(client.drain_messages().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn legacy_and_modern_requests_run_concurrently_on_one_connection() {
    const N: usize = 16;
    let server = barrier_server(2 * N);
    let mut client = legacy(&server).await;
    for i in 0..N {
        call(&client, json!(format!("legacy-{i}")), "meet").await;
        let params = json!({ "name": "meet", "arguments": {}, "_meta": MemoryClient::modern_meta(json!({})) });
        send(&client, json!(format!("modern-{i}")), "tools/call", params).await;
    }
    let got = collect_by_id(&mut client, 2 * N).await;
    for i in 0..N {
        let id = json!(format!("legacy-{i}"));
        assert_eq!(got[&id.to_string()], text_result(id, "passed the barrier"));
        let id = json!(format!("modern-{i}"));
        assert_eq!(
            got[&id.to_string()],
            json!({
                "jsonrpc": "2.0",
                "id": id,
                "result": {
                    "content": [{ "type": "text", "text": "passed the barrier" }],
                    "resultType": "complete",
                    "_meta": { "io.modelcontextprotocol/serverInfo": server_info() }
                }
            })
        );
    }
}

/// A server with `slow` (waits until the test releases it) and `fast`.
fn slow_fast_server(release: Arc<Notify>) -> Server {
    Server::builder("concurrency-test", "1.0.0")
        .tool(Tool::new("slow").input_schema(open_schema()), move |args: Value| {
            let release = release.clone();
            async move {
                release.notified().await;
                Ok::<_, ToolError>(format!("slow {}", args["tag"].as_str().unwrap_or("")))
            }
        })
        .tool(Tool::new("fast").input_schema(open_schema()), |args: Value| async move {
            Ok::<_, ToolError>(format!("fast {}", args["tag"].as_str().unwrap_or("")))
        })
        .build()
        .expect("server builds")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slow_call_does_not_delay_a_fast_one() {
    let release = Arc::new(Notify::new());
    let server = slow_fast_server(release.clone());
    let mut client = legacy(&server).await;
    send(&client, json!("slow-1"), "tools/call", json!({ "name": "slow", "arguments": {} })).await;
    send(&client, json!("fast-1"), "tools/call", json!({ "name": "fast", "arguments": {} })).await;
    // The slow call cannot finish before it is released, so the first answer must be the
    // fast one.
    assert_eq!(next(&mut client).await, text_result(json!("fast-1"), "fast "));
    release.notify_one();
    assert_eq!(next(&mut client).await, text_result(json!("slow-1"), "slow "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn out_of_order_responses_are_matched_by_id() {
    let release = Arc::new(Notify::new());
    let server = slow_fast_server(release.clone());
    let client = legacy(&server).await;
    let (slow, fast) = tokio::join!(
        client.request_with_id(json!("first"), "tools/call", json!({ "name": "slow", "arguments": { "tag": "A" } })),
        async {
            let r = client
                .request_with_id(json!(2), "tools/call", json!({ "name": "fast", "arguments": { "tag": "B" } }))
                .await;
            // Only now may the first request finish: its response comes second.
            release.notify_one();
            r
        }
    );
    assert_eq!(slow, text_result(json!("first"), "slow A"));
    assert_eq!(fast, text_result(json!(2), "fast B"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn out_of_order_raw_responses_echo_ids_of_either_type() {
    let release = Arc::new(Notify::new());
    let server = slow_fast_server(release.clone());
    let mut client = legacy(&server).await;
    for (id, tag) in [(json!("s-1"), "x"), (json!(41), "y"), (json!("s-3"), "z")] {
        send(&client, id, "tools/call", json!({ "name": "slow", "arguments": { "tag": tag } })).await;
    }
    for (id, tag) in [(json!(7), "p"), (json!("f-2"), "q")] {
        send(&client, id, "tools/call", json!({ "name": "fast", "arguments": { "tag": tag } })).await;
    }
    let fast = collect_by_id(&mut client, 2).await;
    assert_eq!(fast[&json!(7).to_string()], text_result(json!(7), "fast p"));
    assert_eq!(fast[&json!("f-2").to_string()], text_result(json!("f-2"), "fast q"));
    for _ in 0..3 {
        release.notify_one();
    }
    let slow = collect_by_id(&mut client, 3).await;
    assert_eq!(slow[&json!("s-1").to_string()], text_result(json!("s-1"), "slow x"));
    assert_eq!(slow[&json!(41).to_string()], text_result(json!(41), "slow y"));
    assert_eq!(slow[&json!("s-3").to_string()], text_result(json!("s-3"), "slow z"));
}

/// A server with `block` (each call takes one permit of `gate`, which the test hands out)
/// and the given limits.
fn gated_server(gate: Arc<Semaphore>, limits: Limits) -> Server {
    Server::builder("concurrency-test", "1.0.0")
        .limits(limits)
        .tool(Tool::new("block"), move |_: Value| {
            let gate = gate.clone();
            async move {
                gate.acquire().await.expect("the gate is never closed").forget();
                Ok::<_, ToolError>("unblocked")
            }
        })
        .build()
        .expect("server builds")
}

fn busy(id: Value) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": {
            "code": -32603,
            "message": "Internal error: server busy: 4 requests already in flight on this connection"
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_in_flight_limit_refuses_the_fifth_request_until_others_finish() {
    let gate = Arc::new(Semaphore::new(0));
    let server = gated_server(gate.clone(), Limits { max_in_flight_per_connection: 4, ..Limits::default() });
    let mut client = legacy(&server).await;
    for i in 1..=4 {
        call(&client, json!(i), "block").await;
    }
    // The four are blocked, so the answer to the fifth comes first and is an error; a
    // ping is refused the same way.
    call(&client, json!(5), "block").await;
    assert_eq!(next(&mut client).await, busy(json!(5)));
    send(&client, json!("ping-1"), "ping", json!({})).await;
    assert_eq!(next(&mut client).await, busy(json!("ping-1")));

    gate.add_permits(4);
    let done = collect_by_id(&mut client, 4).await;
    for i in 1..=4 {
        assert_eq!(done[&json!(i).to_string()], text_result(json!(i), "unblocked"));
    }

    // Every slot is free again: four new calls are accepted, and then a fifth is refused.
    for i in 6..=9 {
        call(&client, json!(i), "block").await;
    }
    call(&client, json!(10), "block").await;
    assert_eq!(next(&mut client).await, busy(json!(10)));
    gate.add_permits(4);
    let done = collect_by_id(&mut client, 4).await;
    for i in 6..=9 {
        assert_eq!(done[&json!(i).to_string()], text_result(json!(i), "unblocked"));
    }
    send(&client, json!("ping-2"), "ping", json!({})).await;
    assert_eq!(next(&mut client).await, json!({ "jsonrpc": "2.0", "id": "ping-2", "result": {} }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_finished_request_frees_its_slot_before_its_response_is_seen() {
    // With one slot, each call must be accepted right after the previous response arrived.
    let gate = Arc::new(Semaphore::new(1000));
    let server = gated_server(gate, Limits { max_in_flight_per_connection: 1, ..Limits::default() });
    let mut client = legacy(&server).await;
    for i in 0..200 {
        call(&client, json!(i), "block").await;
        assert_eq!(next(&mut client).await, text_result(json!(i), "unblocked"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_duplicate_in_flight_id_is_an_invalid_request() {
    let gate = Arc::new(Semaphore::new(0));
    let server = gated_server(gate.clone(), Limits::default());
    let mut client = legacy(&server).await;
    call(&client, json!(7), "block").await;
    call(&client, json!("seven"), "block").await;
    call(&client, json!(7), "block").await;
    assert_eq!(
        next(&mut client).await,
        json!({
            "jsonrpc": "2.0",
            "id": 7,
            "error": { "code": -32600, "message": "Invalid request: request id 7 is already in flight" }
        })
    );
    send(&client, json!("seven"), "ping", json!({})).await;
    assert_eq!(
        next(&mut client).await,
        json!({
            "jsonrpc": "2.0",
            "id": "seven",
            "error": { "code": -32600, "message": "Invalid request: request id \"seven\" is already in flight" }
        })
    );
    // The duplicates did not disturb the originals: each still gets exactly one answer.
    gate.add_permits(2);
    let done = collect_by_id(&mut client, 2).await;
    assert_eq!(done[&json!(7).to_string()], text_result(json!(7), "unblocked"));
    assert_eq!(done[&json!("seven").to_string()], text_result(json!("seven"), "unblocked"));
    send(&client, json!("probe"), "ping", json!({})).await;
    assert_eq!(next(&mut client).await, json!({ "jsonrpc": "2.0", "id": "probe", "result": {} }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slow_request_on_one_connection_does_not_block_another_connection() {
    let release = Arc::new(Notify::new());
    let server = slow_fast_server(release.clone());
    let mut a = legacy(&server).await;
    let b = legacy(&server).await;
    send(&a, json!(1), "tools/call", json!({ "name": "slow", "arguments": { "tag": "a" } })).await;
    let fast = b.call_tool("fast", json!({ "tag": "b" })).await.expect("the call succeeds");
    assert_eq!(fast, json!({ "content": [{ "type": "text", "text": "fast b" }] }));
    release.notify_one();
    assert_eq!(next(&mut a).await, text_result(json!(1), "slow a"));
}

/// A burst of fast requests larger than the in-flight limit, written in one go, is served
/// without "server busy" errors: the read loop yields to the request tasks it spawns
/// (this test runs on a current-thread runtime, where nothing else would let them run).
#[tokio::test]
async fn a_burst_larger_than_the_limit_is_served_when_handlers_are_fast() {
    const BURST: usize = 3000;
    let server = Server::builder("concurrency-test", "1.0.0")
        .limits(Limits { max_in_flight_per_connection: 64, ..Limits::default() })
        .tool(Tool::new("fast"), |_: Value| async move { Ok::<_, ToolError>("ok") })
        .build()
        .expect("valid server");
    let mut client = legacy(&server).await;
    let mut burst = String::new();
    for id in 0..BURST {
        burst.push_str(
            &json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": { "name": "fast" } }).to_string(),
        );
        burst.push('\n');
    }
    client.send_raw(burst.trim_end()).await.expect("the pipe is open");
    let mut seen = vec![false; BURST];
    for _ in 0..BURST {
        let msg = next(&mut client).await;
        let id = msg["id"].as_u64().expect("a response with an integer id") as usize;
        assert_eq!(msg, text_result(json!(id), "ok"), "request {id} was answered normally");
        assert!(!std::mem::replace(&mut seen[id], true), "request {id} answered once");
    }
}

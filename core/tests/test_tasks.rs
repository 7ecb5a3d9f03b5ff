//! Tasks: the 2026-07-28 Tasks extension (negotiation, CreateTaskResult, tasks/get|update|cancel,
//! input inside a task, MRTR before a deferred task, notifications/tasks on listen streams,
//! expiry, the bounded store, principal binding) and the 2025-11-25 experimental core tasks
//! (params.task, tasks/get|result|list|cancel, execution.taskSupport, related-task _meta,
//! server->client asks inside a task), over the in-memory client and a raw line client.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mcpforge::{
    ElicitRequest, HandlerError, InputRequest, Limits, MemoryClient, ProtocolError, RequestContext, Server,
    ServerBuilder, TaskOptions, TaskSupport, Tool, ToolError,
};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines, ReadHalf, WriteHalf};
use tokio::sync::{Semaphore, mpsc};

const EXT: &str = "io.modelcontextprotocol/tasks";
const RELATED: &str = "io.modelcontextprotocol/related-task";
const WAIT: Duration = Duration::from_secs(5);
const LEGACY: &str = "2025-11-25";

fn ext_caps() -> Value {
    json!({ "elicitation": {}, "extensions": { EXT: {} } })
}

fn server_info() -> Value {
    json!({ "name": "tasks-test", "version": "1.0.0" })
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default()
}

fn set<'a>(items: &[&'a str]) -> BTreeSet<&'a str> {
    items.iter().copied().collect()
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
fn is_timestamp(v: &Value) -> bool {
    let Some(s) = v.as_str() else { return false };
    let b = s.as_bytes();
    s.len() == 24
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z'
        && s.chars().filter(char::is_ascii_digit).count() == 17
}

fn name_request(key: &str) -> InputRequest {
    InputRequest::Elicit(ElicitRequest::form(
        format!("Value for {key}?"),
        json!({ "type": "object", "properties": { "name": { "type": "string" } }, "required": ["name"] }),
    ))
}

fn answer(name: &str) -> Value {
    json!({ "action": "accept", "content": { "name": name } })
}

fn answered_name(v: &Value) -> String {
    v["content"]["name"].as_str().unwrap_or("?").to_owned()
}

/// Counts down when dropped: proves a cancelled task's handler was stopped.
struct DropSignal(mpsc::UnboundedSender<()>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

/// Shared knobs of the test server's tools.
#[derive(Clone)]
struct Knobs {
    /// `blocked` waits for a permit.
    gate: Arc<Semaphore>,
    /// `blocked` signals here when its run is dropped or ends.
    dropped: mpsc::UnboundedSender<()>,
    /// How many times `asks` started.
    runs: Arc<AtomicUsize>,
}

fn tools(builder: ServerBuilder, knobs: &Knobs) -> ServerBuilder {
    let (gate, dropped, runs) = (knobs.gate.clone(), knobs.dropped.clone(), knobs.runs.clone());
    builder
        .tool(Tool::new("sync_only").description("never a task"), |_: Value| async move {
            Ok::<_, ToolError>("sync answer")
        })
        .tool(Tool::new("blocked").description("waits for the gate").task_support(TaskSupport::Optional), {
            move |_: Value| {
                let (gate, signal) = (gate.clone(), DropSignal(dropped.clone()));
                async move {
                    let _signal = signal;
                    // One permit releases one run.
                    gate.acquire().await.map_err(|e| ToolError::new(e.to_string()))?.forget();
                    Ok::<_, ToolError>("released")
                }
            }
        })
        .tool(Tool::new("fails").description("tool error").task_support(TaskSupport::Optional), |_: Value| async move {
            Err::<String, _>(ToolError::new("bad input"))
        })
        .tool(
            Tool::new("protocol_fails").description("JSON-RPC error").task_support(TaskSupport::Optional),
            |_: Value| async move {
                Err::<String, _>(HandlerError::from(ProtocolError::new(-32050, "backend unavailable")))
            },
        )
        .tool(Tool::new("panics").description("panics").task_support(TaskSupport::Optional), |_: Value| async move {
            if true {
                panic!("boom");
            }
            Ok::<_, ToolError>("unreachable")
        })
        .tool(Tool::new("required").description("only as a task").task_support(TaskSupport::Required), {
            |ctx: RequestContext, _: Value| async move {
                Ok::<_, ToolError>(format!("required ran in {}", ctx.task_id().unwrap_or("no task")))
            }
        })
        .tool(Tool::new("asks").description("asks a, b, then c").task_support(TaskSupport::Optional), {
            move |ctx: RequestContext, _: Value| {
                runs.fetch_add(1, Ordering::SeqCst);
                async move {
                    let ab =
                        ctx.ask_all(vec![("a".into(), name_request("a")), ("b".into(), name_request("b"))]).await?;
                    let c = ctx.ask("c", name_request("c")).await?;
                    Ok::<_, HandlerError>(format!(
                        "a={} b={} c={}",
                        answered_name(&ab[0]),
                        answered_name(&ab[1]),
                        answered_name(&c)
                    ))
                }
            }
        })
        .tool(
            Tool::new("deferred")
                .description("asks user_name in the request, then becomes a task")
                .task_support(TaskSupport::Required)
                .defer_task(),
            |ctx: RequestContext, _: Value| async move {
                let name = ctx.ask("user_name", name_request("user_name")).await?;
                ctx.start_task()?;
                Ok::<_, HandlerError>(format!("Hello, {}! task={}", answered_name(&name), ctx.task_id().is_some()))
            },
        )
        .tool(
            Tool::new("deferred_optional")
                .description("becomes a task only when the client supports tasks")
                .task_support(TaskSupport::Optional)
                .defer_task(),
            |ctx: RequestContext, _: Value| async move {
                ctx.start_task()?;
                Ok::<_, HandlerError>(format!("task={}", ctx.task_id().is_some()))
            },
        )
        .tool(
            Tool::new("progress").description("reports progress, then answers").task_support(TaskSupport::Optional),
            |ctx: RequestContext, _: Value| async move {
                ctx.report_progress(1.0, Some(2.0), None);
                Ok::<_, ToolError>("progressed")
            },
        )
        .tool(
            Tool::new("elicits").description("elicits a name (legacy asks)").task_support(TaskSupport::Optional),
            |ctx: RequestContext, _: Value| async move {
                let r = ctx.elicit(ElicitRequest::form("Your name?", json!({ "type": "object" }))).await?;
                let name = r.content.and_then(|c| c.get("name").cloned()).unwrap_or(Value::Null);
                Ok::<_, HandlerError>(format!("name={name}"))
            },
        )
}

struct Fixture {
    server: Server,
    gate: Arc<Semaphore>,
    dropped: mpsc::UnboundedReceiver<()>,
    runs: Arc<AtomicUsize>,
}

fn fixture_with(configure: impl FnOnce(ServerBuilder) -> ServerBuilder) -> Fixture {
    let (tx, dropped) = mpsc::unbounded_channel();
    let knobs = Knobs { gate: Arc::new(Semaphore::new(0)), dropped: tx, runs: Arc::new(AtomicUsize::new(0)) };
    let builder = configure(Server::builder("tasks-test", "1.0.0"));
    let server = tools(builder, &knobs).build().unwrap();
    Fixture { server, gate: knobs.gate, dropped, runs: knobs.runs }
}

fn fixture() -> Fixture {
    fixture_with(|b| b)
}

async fn modern(client: &MemoryClient, method: &str, params: Value, caps: Value) -> Result<Value, ProtocolError> {
    tokio::time::timeout(WAIT, client.request_modern(method, params, caps)).await.expect("response in time")
}

async fn call(client: &MemoryClient, name: &str, caps: Value) -> Result<Value, ProtocolError> {
    modern(client, "tools/call", json!({ "name": name, "arguments": {} }), caps).await
}

async fn get(client: &MemoryClient, id: &str) -> Result<Value, ProtocolError> {
    modern(client, "tasks/get", json!({ "taskId": id }), ext_caps()).await
}

/// Polls `tasks/get` until `done(status)` (bounded).
async fn wait_for(client: &MemoryClient, id: &str, done: impl Fn(&str) -> bool) -> Value {
    for _ in 0..500 {
        let t = get(client, id).await.unwrap();
        if done(t["status"].as_str().unwrap()) {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("task {id} never reached the expected status");
}

async fn wait_terminal(client: &MemoryClient, id: &str) -> Value {
    wait_for(client, id, |s| matches!(s, "completed" | "failed" | "cancelled")).await
}

fn assert_missing_extension(e: &ProtocolError) {
    assert_eq!(e.code, -32021, "{e}");
    assert_eq!(e.data, Some(json!({ "requiredCapabilities": { "extensions": { EXT: {} } } })), "{e}");
}

// ---------------------------------------------------------------------------------------
// 2026-07-28: advertisement and negotiation

#[tokio::test]
async fn modern_discover_advertises_the_extension_and_tools_list_has_no_execution() {
    let f = fixture();
    let client = f.server.connect_memory();
    let discover = modern(&client, "server/discover", json!({}), json!({})).await.unwrap();
    assert_eq!(discover["capabilities"]["extensions"], json!({ EXT: {} }));
    assert!(discover["capabilities"].get("tasks").is_none(), "{discover}");
    let list = modern(&client, "tools/list", json!({}), json!({})).await.unwrap();
    for t in list["tools"].as_array().unwrap() {
        assert!(t.get("execution").is_none(), "{t}");
    }

    // No task-capable tool: nothing advertised, and tasks/* do not exist.
    let plain = Server::builder("plain", "1").tool(Tool::new("x"), |_: Value| async { Ok::<_, ToolError>("x") });
    let plain_client = plain.build().unwrap().connect_memory();
    let discover = modern(&plain_client, "server/discover", json!({}), json!({})).await.unwrap();
    assert!(discover["capabilities"].get("extensions").is_none(), "{discover}");
    let e = modern(&plain_client, "tasks/get", json!({ "taskId": "x" }), ext_caps()).await.unwrap_err();
    assert_eq!(e.code, -32601);

    // ServerBuilder::tasks advertises even before a task-capable tool exists.
    let explicit = Server::builder("explicit", "1").enable_tools().tasks(TaskOptions::default()).build().unwrap();
    let explicit_client = explicit.connect_memory();
    let discover = modern(&explicit_client, "server/discover", json!({}), json!({})).await.unwrap();
    assert_eq!(discover["capabilities"]["extensions"], json!({ EXT: {} }));
}

#[tokio::test]
async fn modern_negotiation_is_per_request() {
    let f = fixture();
    let client = f.server.connect_memory();
    // Without the extension: tasks/* are -32021, even for unknown ids.
    for (method, params) in [
        ("tasks/get", json!({ "taskId": "gate" })),
        ("tasks/update", json!({ "taskId": "gate", "inputResponses": {} })),
        ("tasks/cancel", json!({ "taskId": "gate" })),
    ] {
        let e = modern(&client, method, params, json!({ "elicitation": {} })).await.unwrap_err();
        assert_missing_extension(&e);
    }
    // A task-capable tool runs synchronously.
    f.gate.add_permits(1);
    let r = call(&client, "blocked", json!({})).await.unwrap();
    assert_eq!(r["resultType"], "complete");
    assert_eq!(r["content"], json!([{ "type": "text", "text": "released" }]));
    assert!(r.get("taskId").is_none());
    // A task-only tool is refused.
    assert_missing_extension(&call(&client, "required", json!({})).await.unwrap_err());
    // The next request declares the extension: a task, whatever came before.
    let t = call(&client, "required", ext_caps()).await.unwrap();
    assert_eq!(t["resultType"], "task");
    // A legacy `task` param never turns a synchronous tool into a task.
    let r = modern(&client, "tools/call", json!({ "name": "sync_only", "task": { "ttl": 1000 } }), ext_caps())
        .await
        .unwrap();
    assert_eq!(r["resultType"], "complete");
    assert_eq!(r["content"][0]["text"], "sync answer");
    // Removed 2025-11-25 methods.
    for method in ["tasks/result", "tasks/list"] {
        let e = modern(&client, method, json!({ "taskId": "x" }), ext_caps()).await.unwrap_err();
        assert_eq!(e.code, -32601, "{method}");
    }
}

// ---------------------------------------------------------------------------------------
// 2026-07-28: lifecycle

#[tokio::test]
async fn modern_task_is_created_then_completes_with_the_inlined_result() {
    let f = fixture();
    let client = f.server.connect_memory();
    let created = call(&client, "blocked", ext_caps()).await.unwrap();
    assert_eq!(
        keys(&created),
        set(&["resultType", "taskId", "status", "createdAt", "lastUpdatedAt", "ttlMs", "pollIntervalMs", "_meta"])
    );
    assert_eq!(created["resultType"], "task");
    assert_eq!(created["status"], "working");
    assert_eq!(created["ttlMs"], 3_600_000);
    assert_eq!(created["pollIntervalMs"], 1000);
    assert!(is_timestamp(&created["createdAt"]) && is_timestamp(&created["lastUpdatedAt"]), "{created}");
    assert_eq!(created["_meta"]["io.modelcontextprotocol/serverInfo"], server_info());
    let id = created["taskId"].as_str().unwrap().to_owned();
    assert!(id.len() >= 22, "task ids carry enough entropy: {id}");

    // Readable at once, still working.
    let working = get(&client, &id).await.unwrap();
    assert_eq!(working["resultType"], "complete");
    assert_eq!(working["taskId"], id.as_str());
    assert_eq!(working["status"], "working");
    assert_eq!(working["createdAt"], created["createdAt"]);
    assert!(working.get("result").is_none() && working.get("error").is_none() && working.get("requestState").is_none());

    f.gate.add_permits(1);
    let done = wait_terminal(&client, &id).await;
    assert_eq!(done["status"], "completed");
    // Exactly what tools/call would have answered.
    f.gate.add_permits(1);
    let sync = call(&client, "blocked", json!({})).await.unwrap();
    assert_eq!(done["result"], sync);
    assert!(done["result"]["_meta"].get(RELATED).is_none());
    assert!(done.get("error").is_none() && done.get("inputRequests").is_none());
}

#[tokio::test]
async fn modern_tool_error_completes_and_protocol_error_fails() {
    let f = fixture();
    let client = f.server.connect_memory();
    let id = call(&client, "fails", ext_caps()).await.unwrap()["taskId"].as_str().unwrap().to_owned();
    let t = wait_terminal(&client, &id).await;
    assert_eq!(t["status"], "completed");
    assert_eq!(t["result"]["isError"], true);
    assert_eq!(t["result"]["content"], json!([{ "type": "text", "text": "bad input" }]));

    let id = call(&client, "protocol_fails", ext_caps()).await.unwrap()["taskId"].as_str().unwrap().to_owned();
    let t = wait_terminal(&client, &id).await;
    assert_eq!(t["status"], "failed");
    assert_eq!(t["error"], json!({ "code": -32050, "message": "backend unavailable" }));
    assert_eq!(t["statusMessage"], "backend unavailable");
    assert!(t.get("result").is_none());

    let id = call(&client, "panics", ext_caps()).await.unwrap()["taskId"].as_str().unwrap().to_owned();
    let t = wait_terminal(&client, &id).await;
    assert_eq!(t["status"], "failed");
    assert_eq!(t["error"]["code"], -32603);
}

#[tokio::test]
async fn modern_cancel_stops_the_handler_and_is_idempotent() {
    let mut f = fixture();
    let client = f.server.connect_memory();
    let id = call(&client, "blocked", ext_caps()).await.unwrap()["taskId"].as_str().unwrap().to_owned();
    let ack = modern(&client, "tasks/cancel", json!({ "taskId": id }), ext_caps()).await.unwrap();
    assert_eq!(keys(&ack), set(&["resultType", "_meta"]));
    assert_eq!(ack["resultType"], "complete");
    let t = get(&client, &id).await.unwrap();
    assert_eq!(t["status"], "cancelled");
    assert!(t.get("result").is_none());
    tokio::time::timeout(WAIT, f.dropped.recv()).await.expect("the handler was dropped");
    // Again, on the terminal task: the same acknowledgement, status unchanged.
    let again = modern(&client, "tasks/cancel", json!({ "taskId": id }), ext_caps()).await.unwrap();
    assert_eq!(keys(&again), set(&["resultType", "_meta"]));
    assert_eq!(get(&client, &id).await.unwrap()["status"], "cancelled");

    // Cancelling a completed task changes nothing.
    let id = call(&client, "fails", ext_caps()).await.unwrap()["taskId"].as_str().unwrap().to_owned();
    wait_terminal(&client, &id).await;
    modern(&client, "tasks/cancel", json!({ "taskId": id }), ext_caps()).await.unwrap();
    assert_eq!(get(&client, &id).await.unwrap()["status"], "completed");
}

#[tokio::test]
async fn modern_unknown_ids_and_bad_params_are_invalid_params() {
    let f = fixture();
    let client = f.server.connect_memory();
    for (method, params) in [
        ("tasks/get", json!({ "taskId": "nope" })),
        ("tasks/update", json!({ "taskId": "nope", "inputResponses": {} })),
        ("tasks/cancel", json!({ "taskId": "nope" })),
        ("tasks/get", json!({})),
        ("tasks/get", json!({ "taskId": 7 })),
    ] {
        let e = modern(&client, method, params.clone(), ext_caps()).await.unwrap_err();
        assert_eq!(e.code, -32602, "{method} {params}");
    }
    let id = call(&client, "blocked", ext_caps()).await.unwrap()["taskId"].as_str().unwrap().to_owned();
    let e = modern(&client, "tasks/update", json!({ "taskId": id }), ext_caps()).await.unwrap_err();
    assert_eq!(e.code, -32602);
    assert!(e.message.contains("inputResponses"), "{e}");
}

// ---------------------------------------------------------------------------------------
// 2026-07-28: client input inside a task

#[tokio::test]
async fn modern_input_parks_the_task_and_partial_updates_keep_it_parked() {
    let f = fixture();
    let client = f.server.connect_memory();
    let id = call(&client, "asks", ext_caps()).await.unwrap()["taskId"].as_str().unwrap().to_owned();
    let parked = wait_for(&client, &id, |s| s == "input_required").await;
    assert_eq!(keys(&parked["inputRequests"]), set(&["a", "b"]));
    assert_eq!(parked["inputRequests"]["a"]["method"], "elicitation/create");
    assert_eq!(parked["inputRequests"]["a"]["params"]["message"], "Value for a?");
    assert!(parked.get("requestState").is_none());

    let update = |responses: Value| {
        modern(&client, "tasks/update", json!({ "taskId": id, "inputResponses": responses }), ext_caps())
    };
    // A partial answer, with a key that was never asked: acknowledged, `a` gone, `b` left.
    let ack = update(json!({ "a": answer("Ada"), "zzz": { "ignored": true } })).await.unwrap();
    assert_eq!(keys(&ack), set(&["resultType", "_meta"]));
    let still = get(&client, &id).await.unwrap();
    assert_eq!(still["status"], "input_required");
    assert_eq!(keys(&still["inputRequests"]), set(&["b"]));
    // A malformed answer is refused and changes nothing.
    let e = update(json!({ "b": { "action": "maybe" } })).await.unwrap_err();
    assert_eq!(e.code, -32602);
    assert_eq!(keys(&get(&client, &id).await.unwrap()["inputRequests"]), set(&["b"]));
    // Answering `a` again is ignored.
    update(json!({ "a": answer("Eve") })).await.unwrap();
    // The last answer resumes the run; the next ask (`c`) parks it again, and only `c` is asked.
    update(json!({ "b": answer("Bob") })).await.unwrap();
    let parked = wait_for(&client, &id, |s| s == "input_required").await;
    assert_eq!(keys(&parked["inputRequests"]), set(&["c"]));
    update(json!({ "c": answer("Cy") })).await.unwrap();
    let done = wait_terminal(&client, &id).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["result"]["content"][0]["text"], "a=Ada b=Bob c=Cy");
    // One run per round: the first, after a+b, after c.
    assert_eq!(f.runs.load(Ordering::SeqCst), 3);
    // Updating a finished task is acknowledged and ignored.
    update(json!({ "c": answer("Late") })).await.unwrap();
}

#[tokio::test]
async fn modern_deferred_tool_resolves_mrtr_before_creating_the_task() {
    let f = fixture();
    let client = f.server.connect_memory();
    let r1 = call(&client, "deferred", ext_caps()).await.unwrap();
    assert_eq!(r1["resultType"], "input_required");
    assert!(r1.get("taskId").is_none());
    assert_eq!(keys(&r1["inputRequests"]), set(&["user_name"]));
    let state = r1["requestState"].clone();
    assert!(state.is_string());

    let retry = json!({
        "name": "deferred",
        "arguments": {},
        "inputResponses": { "user_name": answer("Alice") },
        "requestState": state,
    });
    let r2 = modern(&client, "tools/call", retry, ext_caps()).await.unwrap();
    assert_eq!(r2["resultType"], "task");
    assert!(r2.get("requestState").is_none() && r2.get("inputRequests").is_none(), "{r2}");
    let done = wait_terminal(&client, r2["taskId"].as_str().unwrap()).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["result"]["content"][0]["text"], "Hello, Alice! task=true");

    // Without the extension an optional deferred tool runs synchronously: start_task returns.
    let r = call(&client, "deferred_optional", json!({})).await.unwrap();
    assert_eq!(r["resultType"], "complete");
    assert_eq!(r["content"][0]["text"], "task=false");
    let r = call(&client, "deferred_optional", ext_caps()).await.unwrap();
    assert_eq!(r["resultType"], "task");
    let done = wait_terminal(&client, r["taskId"].as_str().unwrap()).await;
    assert_eq!(done["result"]["content"][0]["text"], "task=true");
    // A required deferred tool without the extension: -32021 before the handler runs.
    assert_missing_extension(&call(&client, "deferred", json!({ "elicitation": {} })).await.unwrap_err());
}

// ---------------------------------------------------------------------------------------
// 2026-07-28: notifications on listen streams

#[tokio::test]
async fn modern_listen_streams_receive_task_notifications() {
    let f = fixture();
    let mut client = f.server.connect_memory();
    let id = call(&client, "blocked", ext_caps()).await.unwrap()["taskId"].as_str().unwrap().to_owned();

    // Listing tasks without the extension is -32021.
    let e = modern(&client, "subscriptions/listen", json!({ "notifications": { "taskIds": [id] } }), json!({}))
        .await
        .unwrap_err();
    assert_missing_extension(&e);

    let mut params = json!({ "notifications": { "taskIds": [id, "unknown-task"] } });
    params["_meta"] = MemoryClient::modern_meta(ext_caps());
    let listen = json!({ "jsonrpc": "2.0", "id": "listen-1", "method": "subscriptions/listen", "params": params });
    client.send_raw(&listen.to_string()).await.unwrap();
    let ack = client.next_message(WAIT).await.expect("acknowledgement");
    assert_eq!(ack["method"], "notifications/subscriptions/acknowledged");
    assert_eq!(ack["params"]["notifications"], json!({ "taskIds": [id] }));
    assert_eq!(ack["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"], "listen-1");

    f.gate.add_permits(1);
    let n = client.next_message(WAIT).await.expect("notifications/tasks");
    assert_eq!(n["method"], "notifications/tasks");
    assert_eq!(n["params"]["taskId"], id.as_str());
    assert_eq!(n["params"]["status"], "completed");
    assert_eq!(n["params"]["result"]["content"][0]["text"], "released");
    assert_eq!(n["params"]["_meta"], json!({ "io.modelcontextprotocol/subscriptionId": "listen-1" }));

    client.notify("notifications/cancelled", json!({ "requestId": "listen-1" })).await.unwrap();
    // Another task's changes go nowhere (the stream listed only `id`).
    let other = call(&client, "fails", ext_caps()).await.unwrap()["taskId"].as_str().unwrap().to_owned();
    wait_terminal(&client, &other).await;
    assert!(client.drain_messages().iter().all(|m| m["method"] != "notifications/tasks"));
}

// ---------------------------------------------------------------------------------------
// Store: expiry, bound, principals

#[tokio::test]
async fn tasks_expire_after_their_ttl() {
    let options = TaskOptions { ttl: Some(Duration::from_millis(50)), ..TaskOptions::default() };
    let f = fixture_with(|b| b.tasks(options));
    let client = f.server.connect_memory();
    let created = call(&client, "fails", ext_caps()).await.unwrap();
    assert_eq!(created["ttlMs"], 50);
    let id = created["taskId"].as_str().unwrap();
    let mut gone = None;
    for _ in 0..500 {
        match get(&client, id).await {
            Ok(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            Err(e) => {
                gone = Some(e);
                break;
            }
        }
    }
    assert_eq!(gone.expect("the task expired").code, -32602);
}

#[tokio::test]
async fn the_store_is_bounded() {
    let options = TaskOptions { max_tasks: 2, ..TaskOptions::default() };
    let f = fixture_with(|b| b.tasks(options));
    let client = f.server.connect_memory();
    let first = call(&client, "blocked", ext_caps()).await.unwrap()["taskId"].as_str().unwrap().to_owned();
    let second = call(&client, "blocked", ext_caps()).await.unwrap()["taskId"].as_str().unwrap().to_owned();
    // Both still running: no room.
    let e = call(&client, "blocked", ext_caps()).await.unwrap_err();
    assert_eq!(e.code, -32603, "{e}");
    // Once one ended (either may take the permit), the finished task makes room.
    f.gate.add_permits(1);
    let mut finished = None;
    for _ in 0..500 {
        for id in [&first, &second] {
            if finished.is_none() && get(&client, id).await.unwrap()["status"] == "completed" {
                finished = Some(id.clone());
            }
        }
        if finished.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let finished = finished.expect("one task completed");
    let third = call(&client, "fails", ext_caps()).await.unwrap();
    assert_eq!(third["resultType"], "task");
    assert_eq!(get(&client, &finished).await.unwrap_err().code, -32602);
    let running = if finished == first { &second } else { &first };
    assert_eq!(get(&client, running).await.unwrap()["status"], "working");
    f.gate.add_permits(1);
}

#[tokio::test]
async fn tasks_belong_to_their_session_and_era() {
    let f = fixture();
    let a = f.server.connect_memory();
    let b = f.server.connect_memory();
    a.initialize(LEGACY, json!({})).await.unwrap();
    b.initialize(LEGACY, json!({})).await.unwrap();
    let created = a.request("tools/call", json!({ "name": "fails", "arguments": {}, "task": {} })).await.unwrap();
    let id = created["task"]["taskId"].as_str().unwrap().to_owned();
    assert_eq!(a.request("tasks/get", json!({ "taskId": id })).await.unwrap()["taskId"], id.as_str());
    // Another session, or a 2026 request, cannot see it.
    assert_eq!(b.request("tasks/get", json!({ "taskId": id })).await.unwrap_err().code, -32602);
    assert_eq!(get(&b, &id).await.unwrap_err().code, -32602);
    let listed = b.request("tasks/list", json!({})).await.unwrap();
    assert_eq!(listed["tasks"], json!([]));
    // ... and a 2026 task is not visible to a session.
    let modern_id = call(&b, "fails", ext_caps()).await.unwrap()["taskId"].as_str().unwrap().to_owned();
    assert_eq!(b.request("tasks/get", json!({ "taskId": modern_id })).await.unwrap_err().code, -32602);
}

// ---------------------------------------------------------------------------------------
// 2025-11-25: experimental core tasks

#[tokio::test]
async fn legacy_capabilities_and_execution_are_listed_on_2025_11_25_only() {
    let f = fixture();
    let client = f.server.connect_memory();
    let init = client.initialize(LEGACY, json!({})).await.unwrap();
    assert_eq!(
        init["capabilities"]["tasks"],
        json!({ "list": {}, "cancel": {}, "requests": { "tools": { "call": {} } } })
    );
    assert!(init["capabilities"].get("extensions").is_none());
    let tools = client.request("tools/list", json!({})).await.unwrap();
    let by_name = |n: &str| tools["tools"].as_array().unwrap().iter().find(|t| t["name"] == n).unwrap().clone();
    assert_eq!(by_name("blocked")["execution"], json!({ "taskSupport": "optional" }));
    assert_eq!(by_name("required")["execution"], json!({ "taskSupport": "required" }));
    assert!(by_name("sync_only").get("execution").is_none());

    let old = f.server.connect_memory();
    let init = old.initialize("2025-06-18", json!({})).await.unwrap();
    assert!(init["capabilities"].get("tasks").is_none());
    let tools = old.request("tools/list", json!({})).await.unwrap();
    assert!(tools["tools"].as_array().unwrap().iter().all(|t| t.get("execution").is_none()));
    // No tasks before 2025-11-25: a task-only tool just runs, and tasks/* do not exist.
    let r = old.call_tool("required", json!({})).await.unwrap();
    assert_eq!(r["content"][0]["text"], "required ran in no task");
    assert_eq!(old.request("tasks/get", json!({ "taskId": "x" })).await.unwrap_err().code, -32601);
}

#[tokio::test]
async fn legacy_capability_can_be_announced_as_an_application_declared_it() {
    // An official SDK's server announces the `tasks` capability its application declared
    // (options `tasks.capability`), with or without a task tool; every method is served.
    let declared = json!({ "requests": { "tools": { "call": {} } } });
    let options = json!({ "tasks": { "capability": declared } });
    let server = ServerBuilder::from_json("declared", "1.0.0", options).unwrap().build().unwrap();
    let client = server.connect_memory();
    let init = client.initialize(LEGACY, json!({})).await.unwrap();
    assert_eq!(init["capabilities"]["tasks"], declared);
    assert_eq!(client.request("tasks/list", json!({})).await.unwrap()["tasks"], json!([]));
    let refused = ServerBuilder::from_json("declared", "1.0.0", json!({ "tasks": { "capability": true } }));
    assert!(refused.is_err(), "the capability is an object");
}

#[tokio::test]
async fn legacy_task_lifecycle_get_result_list() {
    let f = fixture_with(|b| b.limits(Limits { page_size: 1, ..Limits::default() }));
    let client = f.server.connect_memory();
    client.initialize(LEGACY, json!({})).await.unwrap();
    let created = client
        .request("tools/call", json!({ "name": "blocked", "arguments": {}, "task": { "ttl": 5000 } }))
        .await
        .unwrap();
    assert_eq!(keys(&created), set(&["task"]));
    let task = &created["task"];
    assert_eq!(keys(task), set(&["taskId", "status", "createdAt", "lastUpdatedAt", "ttl", "pollInterval"]));
    assert_eq!(task["status"], "working");
    assert_eq!(task["ttl"], 5000);
    assert_eq!(task["pollInterval"], 1000);
    let id = task["taskId"].as_str().unwrap().to_owned();

    let got = client.request("tasks/get", json!({ "taskId": id })).await.unwrap();
    assert_eq!(keys(&got), set(&["taskId", "status", "createdAt", "lastUpdatedAt", "ttl", "pollInterval"]));
    assert_eq!(got["status"], "working");

    // tasks/result waits for the end, then answers what tools/call would have, tagged.
    let client = Arc::new(client);
    let waiter = tokio::spawn({
        let (client, id) = (client.clone(), id.clone());
        async move { client.request("tasks/result", json!({ "taskId": id })).await }
    });
    f.gate.add_permits(1);
    let result = tokio::time::timeout(WAIT, waiter).await.unwrap().unwrap().unwrap();
    assert_eq!(result["content"], json!([{ "type": "text", "text": "released" }]));
    assert_eq!(result["_meta"][RELATED], json!({ "taskId": id }));
    assert_eq!(client.request("tasks/get", json!({ "taskId": id })).await.unwrap()["status"], "completed");

    // Two more tasks; a page holds one.
    let mut ids = vec![id];
    for _ in 0..2 {
        let t = client.request("tools/call", json!({ "name": "fails", "arguments": {}, "task": {} })).await.unwrap();
        ids.push(t["task"]["taskId"].as_str().unwrap().to_owned());
    }
    let mut seen = Vec::new();
    let mut cursor: Option<Value> = None;
    for _ in 0..10 {
        let params = cursor.as_ref().map_or(json!({}), |c| json!({ "cursor": c }));
        let page = client.request("tasks/list", params).await.unwrap();
        let tasks = page["tasks"].as_array().unwrap();
        assert_eq!(tasks.len(), 1);
        seen.push(tasks[0]["taskId"].as_str().unwrap().to_owned());
        match page.get("nextCursor") {
            Some(c) => cursor = Some(c.clone()),
            None => break,
        }
    }
    assert_eq!(seen, ids);
    assert_eq!(client.request("tasks/list", json!({ "cursor": "garbage" })).await.unwrap_err().code, -32602);
}

#[tokio::test]
async fn legacy_errors_failures_and_cancellation() {
    let f = fixture();
    let client = f.server.connect_memory();
    client.initialize(LEGACY, json!({})).await.unwrap();
    let task_call = |name: &str, task: Value| json!({ "name": name, "arguments": {}, "task": task });

    // Task support mismatches are -32601; a malformed `task` is -32602.
    assert_eq!(client.call_tool("required", json!({})).await.unwrap_err().code, -32601);
    assert_eq!(client.request("tools/call", task_call("sync_only", json!({}))).await.unwrap_err().code, -32601);
    assert_eq!(client.request("tools/call", task_call("blocked", json!(5))).await.unwrap_err().code, -32602);
    // Without `task` an optional tool runs synchronously.
    assert_eq!(client.call_tool("fails", json!({})).await.unwrap()["isError"], true);
    assert_eq!(client.request("tasks/update", json!({ "taskId": "x" })).await.unwrap_err().code, -32601);
    assert_eq!(client.request("tasks/get", json!({ "taskId": "x" })).await.unwrap_err().code, -32602);

    // An isError result fails the task (2025-11-25); tasks/result still returns the result.
    let t = client.request("tools/call", task_call("fails", json!({}))).await.unwrap();
    let id = t["task"]["taskId"].as_str().unwrap().to_owned();
    let r = client.request("tasks/result", json!({ "taskId": id })).await.unwrap();
    assert_eq!(r["isError"], true);
    assert_eq!(r["_meta"][RELATED]["taskId"], id.as_str());
    assert_eq!(client.request("tasks/get", json!({ "taskId": id })).await.unwrap()["status"], "failed");
    // Cancelling an ended task is -32602.
    assert_eq!(client.request("tasks/cancel", json!({ "taskId": id })).await.unwrap_err().code, -32602);

    // A JSON-RPC error: tasks/result answers the error.
    let t = client.request("tools/call", task_call("protocol_fails", json!({}))).await.unwrap();
    let id = t["task"]["taskId"].as_str().unwrap().to_owned();
    let e = client.request("tasks/result", json!({ "taskId": id })).await.unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (-32050, "backend unavailable"));

    // tasks/cancel answers the cancelled task.
    let t = client.request("tools/call", task_call("blocked", json!({}))).await.unwrap();
    let id = t["task"]["taskId"].as_str().unwrap().to_owned();
    let cancelled = client.request("tasks/cancel", json!({ "taskId": id })).await.unwrap();
    assert_eq!(cancelled["taskId"], id.as_str());
    assert_eq!(cancelled["status"], "cancelled");
    assert!(cancelled.get("_meta").is_none());
    assert_eq!(client.request("tasks/get", json!({ "taskId": id })).await.unwrap()["status"], "cancelled");
}

#[tokio::test]
async fn legacy_progress_in_a_task_carries_the_related_task() {
    let f = fixture();
    let mut client = f.server.connect_memory();
    client.initialize(LEGACY, json!({})).await.unwrap();
    let params = json!({ "name": "progress", "arguments": {}, "task": {}, "_meta": { "progressToken": "p1" } });
    let t = client.request("tools/call", params).await.unwrap();
    let id = t["task"]["taskId"].as_str().unwrap().to_owned();
    let n = client.next_message(WAIT).await.expect("progress");
    assert_eq!(n["method"], "notifications/progress");
    assert_eq!(n["params"]["progressToken"], "p1");
    assert_eq!(n["params"]["_meta"][RELATED], json!({ "taskId": id }));
}

/// A line client that answers server requests itself, when it decides to.
struct RawClient {
    writer: WriteHalf<DuplexStream>,
    lines: Lines<BufReader<ReadHalf<DuplexStream>>>,
    _server: tokio::task::JoinHandle<Result<(), mcpforge::Error>>,
}

impl RawClient {
    fn connect(server: &Server) -> RawClient {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (sr, sw) = tokio::io::split(server_end);
        let server = server.clone();
        let handle = tokio::spawn(async move { server.serve_io(sr, sw).await });
        let (r, w) = tokio::io::split(client_end);
        RawClient { writer: w, lines: BufReader::new(r).lines(), _server: handle }
    }

    async fn send(&mut self, msg: Value) {
        self.writer.write_all(format!("{msg}\n").as_bytes()).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    /// The next message (bounded wait).
    async fn recv(&mut self) -> Value {
        let line = tokio::time::timeout(WAIT, self.lines.next_line()).await.expect("a message").unwrap().unwrap();
        serde_json::from_str(&line).unwrap()
    }

    /// Sends a request and returns its response (other messages are not expected meanwhile).
    async fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })).await;
        let resp = self.recv().await;
        assert_eq!(resp["id"], id, "{resp}");
        resp
    }
}

#[tokio::test]
async fn legacy_elicitation_inside_a_task_is_tagged_and_shows_input_required() {
    let f = fixture();
    let mut client = RawClient::connect(&f.server);
    let init = json!({ "protocolVersion": LEGACY, "capabilities": { "elicitation": {} }, "clientInfo": server_info() });
    client.request(1, "initialize", init).await;
    client.send(json!({ "jsonrpc": "2.0", "method": "notifications/initialized" })).await;
    let created = client.request(2, "tools/call", json!({ "name": "elicits", "arguments": {}, "task": {} })).await;
    let id = created["result"]["task"]["taskId"].as_str().unwrap().to_owned();

    let ask = client.recv().await;
    assert_eq!(ask["method"], "elicitation/create");
    assert_eq!(ask["params"]["message"], "Your name?");
    assert_eq!(ask["params"]["_meta"][RELATED], json!({ "taskId": id }));
    let got = client.request(3, "tasks/get", json!({ "taskId": id })).await;
    assert_eq!(got["result"]["status"], "input_required");

    client.send(json!({ "jsonrpc": "2.0", "id": ask["id"], "result": answer("Grace") })).await;
    let result = client.request(4, "tasks/result", json!({ "taskId": id })).await;
    assert_eq!(result["result"]["content"][0]["text"], "name=\"Grace\"");
    assert_eq!(result["result"]["_meta"][RELATED]["taskId"], id.as_str());
    let got = client.request(5, "tasks/get", json!({ "taskId": id })).await;
    assert_eq!(got["result"]["status"], "completed");
}

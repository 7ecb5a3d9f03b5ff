//! Several instances of one server sharing a store, over real sockets: a legacy session
//! opened on one instance is served by the others and ended by any of them; a subscription
//! made through one instance hears of an update published by another, on a GET stream held
//! by a third; a client's answer to a server->client request posted to another instance
//! reaches the handler waiting for it; subscriptions made through two instances at once are
//! both kept; a request's SSE stream and the notification stream
//! resume (`Last-Event-ID`) on another instance; unknown sessions stay unknown; a task
//! running on one instance (2026-07-28 and 2025-11-25) is read, listed, awaited, answered,
//! cancelled and listened to through the others. The same matrix runs on
//! the in-process store and on a real `redis-server` started by the test (skipped with a note
//! when none is installed, unless `MCPFORGE_REQUIRE_REDIS` is set), where readiness also
//! follows Redis going away and coming back.

use crate::http_client;

use std::net::SocketAddr;
use std::time::Duration;

use http_client::{Request, Response, WAIT, open, send};
use mcpforge::store::{Limit, StoreError};
use mcpforge::{
    ElicitAction, ElicitRequest, HandlerError, HttpOptions, MemoryClient, ProtocolError, RequestContext, Resource,
    ResourceContents, Server, SharedStore, TaskSupport, Tool, ToolError,
};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

const VERSION: &str = "2025-11-25";
const NOTE: &str = "memo://notes/shared";
const MODERN: &str = "2026-07-28";
const TASKS: &str = "io.modelcontextprotocol/tasks";

/// One instance: a server with `echo`, `greet` (asks for a name by elicitation), three tools
/// that may run as tasks (`greet_task` asks for a name, `later` answers after a moment,
/// `forever` waits to be cancelled) and one resource, serving HTTP with the shared store.
struct Instance {
    server: Server,
    addr: SocketAddr,
    run: JoinHandle<Result<(), mcpforge::Error>>,
}

fn name_schema() -> Value {
    json!({ "type": "object", "properties": { "name": { "type": "string" } }, "required": ["name"] })
}

async fn instance(store: &SharedStore) -> Instance {
    let server = Server::builder("shared", "1.0.0")
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
        .tool(Tool::new("greet_task").task_support(TaskSupport::Optional), |ctx: RequestContext, _: Value| async move {
            let answer = ctx.elicit(ElicitRequest::form("What is your name?", name_schema())).await?;
            let name = answer.content.as_ref().and_then(|c| c.get("name")).and_then(Value::as_str);
            Ok::<_, HandlerError>(format!("Hello, {}!", name.unwrap_or("nobody")))
        })
        .tool(Tool::new("later").task_support(TaskSupport::Optional), |_: Value| async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            Ok::<_, ToolError>("later done")
        })
        .tool(Tool::new("forever").task_support(TaskSupport::Optional), |_: Value| async move {
            tokio::time::sleep(Duration::from_secs(600)).await;
            Ok::<_, ToolError>("too late")
        })
        .resource(Resource::new(NOTE, "note"), |_ctx: RequestContext, uri: String| async move {
            Ok::<_, ProtocolError>(vec![ResourceContents::text(uri, Some("text/plain"), "a note")])
        })
        .build()
        .expect("build");
    let options = HttpOptions {
        bind: "127.0.0.1:0".parse().unwrap(),
        shared_store: Some(store.clone()),
        ..HttpOptions::default()
    };
    let http = server.bind_http(options).await.expect("bind");
    let addr = http.local_addr().expect("local address");
    Instance { server, addr, run: tokio::spawn(http.run()) }
}

impl Instance {
    async fn send(&self, request: &Request) -> Response {
        send(self.addr, request).await
    }

    async fn stop(self) {
        self.server.shutdown();
        let result = tokio::time::timeout(WAIT, self.run).await.expect("run() returns after shutdown");
        result.expect("run task").expect("run() result");
    }
}

async fn cluster(store: &SharedStore, n: usize) -> Vec<Instance> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(instance(store).await);
    }
    out
}

async fn stop_all(instances: Vec<Instance>) {
    for i in instances {
        i.stop().await;
    }
}

fn in_session(session: &str, body: &Value) -> Request {
    Request::post_json(body).header("Mcp-Session-Id", session).header("MCP-Protocol-Version", VERSION)
}

fn call(id: i64, tool: &str, arguments: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": { "name": tool, "arguments": arguments } })
}

fn text_of(message: &Value) -> &str {
    message["result"]["content"][0]["text"].as_str().unwrap_or_else(|| panic!("not a text result: {message}"))
}

/// `initialize` (declaring elicitation) and `notifications/initialized` on `on`; the session id.
async fn open_session(on: &Instance) -> String {
    let init = json!({
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": { "protocolVersion": VERSION, "capabilities": { "elicitation": {} }, "clientInfo": { "name": "t", "version": "1" } }
    });
    let response = on.send(&Request::post_json(&init)).await;
    assert_eq!(response.status, 200, "{}", response.text());
    let id = response.header("mcp-session-id").expect("a session id").to_owned();
    let initialized = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
    assert_eq!(on.send(&in_session(&id, &initialized)).await.status, 202);
    id
}

/// The one JSON-RPC message of a response, JSON or SSE.
fn message(response: &Response) -> Value {
    if response.header("content-type") == Some("text/event-stream") {
        response.sse_messages().pop().expect("an SSE message")
    } else {
        response.json()
    }
}

/// Polls `check` every 20 ms until it holds or `WAIT` passes.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "{what}: not within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---- the matrix, for any store -----------------------------------------------------------

async fn a_session_is_served_by_every_instance_and_ended_by_any(store: SharedStore) {
    let c = cluster(&store, 2).await;
    let id = open_session(&c[0]).await;
    for (n, i) in c.iter().enumerate() {
        let response =
            i.send(&in_session(&id, &call(10 + n as i64, "echo", json!({ "text": format!("via {n}") })))).await;
        assert_eq!(response.status, 200, "instance {n}: {}", response.text());
        assert_eq!(text_of(&message(&response)), format!("via {n}"));
    }
    let delete = Request::new("DELETE", "/mcp").header("Mcp-Session-Id", &id).header("MCP-Protocol-Version", VERSION);
    assert_eq!(c[1].send(&delete).await.status, 200);
    // The instance that opened it hears of the end over the bus.
    let probe = in_session(&id, &call(20, "echo", json!({ "text": "after" })));
    eventually("the session ended on the other instance", || async { c[0].send(&probe).await.status == 404 }).await;
    assert_eq!(c[1].send(&probe).await.status, 404);
    stop_all(c).await;
}

async fn an_unknown_session_is_unknown_everywhere(store: SharedStore) {
    let c = cluster(&store, 2).await;
    for i in &c {
        let response = i.send(&in_session("no-such-session", &call(1, "echo", json!({ "text": "x" })))).await;
        assert_eq!(response.status, 404, "{}", response.text());
    }
    stop_all(c).await;
}

async fn an_update_published_anywhere_reaches_a_subscription_made_anywhere(store: SharedStore) {
    let c = cluster(&store, 3).await;
    let id = open_session(&c[0]).await;
    // The GET stream on the second instance, the subscription through the third.
    let get = Request::new("GET", "/mcp")
        .header("Accept", "text/event-stream")
        .header("Mcp-Session-Id", &id)
        .header("MCP-Protocol-Version", VERSION);
    let mut stream = open(c[1].addr, &get).await;
    assert_eq!(stream.status, 200);
    let subscribe = json!({ "jsonrpc": "2.0", "id": 2, "method": "resources/subscribe", "params": { "uri": NOTE } });
    let response = c[2].send(&in_session(&id, &subscribe)).await;
    assert_eq!(response.status, 200, "{}", response.text());
    // The write happens on the first instance.
    c[0].server.notify_resource_updated(NOTE);
    let update = tokio::time::timeout(WAIT, stream.next_message()).await.expect("an update within the timeout");
    assert_eq!(
        update,
        Some(json!({ "jsonrpc": "2.0", "method": "notifications/resources/updated", "params": { "uri": NOTE } }))
    );
    // Unsubscribed through the second: the next update is not delivered.
    let unsubscribe =
        json!({ "jsonrpc": "2.0", "id": 3, "method": "resources/unsubscribe", "params": { "uri": NOTE } });
    assert_eq!(c[1].send(&in_session(&id, &unsubscribe)).await.status, 200);
    c[2].server.notify_resource_updated(NOTE);
    c[1].server.notify_tools_changed();
    let next = tokio::time::timeout(WAIT, stream.next_message()).await.expect("a message within the timeout");
    assert_eq!(next, Some(json!({ "jsonrpc": "2.0", "method": "notifications/tools/list_changed" })));
    drop(stream);
    stop_all(c).await;
}

async fn subscriptions_made_through_two_instances_at_once_are_both_kept(store: SharedStore) {
    let c = cluster(&store, 3).await;
    let id = open_session(&c[0]).await;
    let subscribe = |n: i64, uri: &str| json!({ "jsonrpc": "2.0", "id": n, "method": "resources/subscribe", "params": { "uri": uri } });
    let (first, second) = (in_session(&id, &subscribe(2, NOTE)), in_session(&id, &subscribe(3, "memo://notes/other")));
    let (a, b) = tokio::join!(c[0].send(&first), c[1].send(&second));
    assert_eq!((a.status, b.status), (200, 200), "{} {}", a.text(), b.text());
    // A third instance takes the session on from the store: both subscriptions are there.
    let mut stream = open(c[2].addr, &get_stream(&id)).await;
    for uri in [NOTE, "memo://notes/other"] {
        c[0].server.notify_resource_updated(uri);
        let update = tokio::time::timeout(WAIT, stream.next_message()).await.expect("in time").expect("an update");
        assert_eq!(update["params"]["uri"], uri);
    }
    drop(stream);
    stop_all(c).await;
}

async fn an_answer_posted_to_another_instance_reaches_the_waiting_handler(store: SharedStore) {
    let c = cluster(&store, 2).await;
    let id = open_session(&c[0]).await;
    let mut stream = open(c[0].addr, &in_session(&id, &call(5, "greet", json!({})))).await;
    let request = tokio::time::timeout(WAIT, stream.next_message()).await.expect("in time").expect("a request");
    assert_eq!(request["method"], "elicitation/create");
    // Ids of a shared session never collide across instances, and stay exact in JavaScript.
    let asked = request["id"].as_i64().expect("a numeric id");
    assert!(asked > 0 && asked < (1 << 53), "id {asked}");
    let answer =
        json!({ "jsonrpc": "2.0", "id": asked, "result": { "action": "accept", "content": { "name": "Ada" } } });
    assert_eq!(c[1].send(&in_session(&id, &answer)).await.status, 202);
    let result = tokio::time::timeout(WAIT, stream.next_message()).await.expect("in time").expect("the result");
    assert_eq!(text_of(&result), "Hello, Ada!");
    stop_all(c).await;
}

fn get_stream(session: &str) -> Request {
    Request::new("GET", "/mcp")
        .header("Accept", "text/event-stream")
        .header("Mcp-Session-Id", session)
        .header("MCP-Protocol-Version", VERSION)
}

async fn a_request_stream_resumes_on_another_instance(store: SharedStore) {
    let c = cluster(&store, 2).await;
    let id = open_session(&c[0]).await;
    let mut body = call(7, "steps", json!({}));
    body["params"]["_meta"] = json!({ "progressToken": "p" });
    let mut stream = open(c[0].addr, &in_session(&id, &body)).await;
    // The priming event, then the client goes away; the call runs on.
    let priming = tokio::time::timeout(WAIT, stream.next_event()).await.expect("in time").expect("an event");
    let priming = priming.id.expect("the priming event has an id");
    drop(stream);
    // Resumed on the other instance, from the events the first one copied to the store.
    let resume = get_stream(&id).header("Last-Event-ID", &priming);
    let deadline = tokio::time::Instant::now() + WAIT;
    let seen = loop {
        let response = c[1].send(&resume).await;
        let seen = if response.status == 200 { response.sse_messages() } else { Vec::new() };
        if seen.last().is_some_and(|m| m.get("result").is_some()) {
            break seen;
        }
        assert!(tokio::time::Instant::now() < deadline, "the stream was not replayed on the other instance");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let progress: Vec<f64> = seen.iter().filter_map(|m| m["params"]["progress"].as_f64()).collect();
    assert_eq!(progress, [1.0, 2.0, 3.0]);
    assert_eq!(text_of(seen.last().unwrap()), "done");
    // An id that no instance issued is refused.
    let response = c[1].send(&get_stream(&id).header("Last-Event-ID", "12345-1")).await;
    assert_eq!(response.status, 400, "{}", response.text());
    stop_all(c).await;
}

async fn the_notification_stream_resumes_on_another_instance(store: SharedStore) {
    let c = cluster(&store, 2).await;
    let id = open_session(&c[0]).await;
    let mut stream = open(c[0].addr, &get_stream(&id)).await;
    c[0].server.notify_tools_changed();
    let first = tokio::time::timeout(WAIT, stream.next_event()).await.expect("in time").expect("an event");
    let first_id = first.id.expect("notification events have ids");
    assert!(first_id.starts_with('n'), "{first_id}");
    c[0].server.notify_prompts_changed();
    let second = tokio::time::timeout(WAIT, stream.next_event()).await.expect("in time").expect("an event");
    drop(stream);
    // On the other instance, from the first event's id: the second is replayed, then the
    // stream goes on with new notifications.
    let mut resumed = open(c[1].addr, &get_stream(&id).header("Last-Event-ID", &first_id)).await;
    assert_eq!(resumed.status, 200);
    let replayed = tokio::time::timeout(WAIT, resumed.next_event()).await.expect("in time").expect("an event");
    assert_eq!(replayed.id, second.id);
    assert_eq!(replayed.json().unwrap()["method"], "notifications/prompts/list_changed");
    c[0].server.notify_resources_changed();
    // (A list change published before this instance took the session on may still be on its
    // way over the bus, and arrive first: harmless, a client lists again.)
    let arrived = async {
        while let Some(m) = resumed.next_message().await {
            if m["method"] == "notifications/resources/list_changed" {
                return true;
            }
        }
        false
    };
    assert!(tokio::time::timeout(WAIT, arrived).await.expect("in time"), "the stream went on");
    drop(resumed);
    // A notification id no instance knows starts the stream afresh rather than failing it.
    // (The resumed stream's end reaches the instance a moment after the client let go: until
    // then a second stream is refused, 409.)
    let fresh = get_stream(&id).header("Last-Event-ID", "n999-1");
    let deadline = tokio::time::Instant::now() + WAIT;
    while open(c[1].addr, &fresh).await.status != 200 {
        assert!(tokio::time::Instant::now() < deadline, "the stream did not start afresh");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop_all(c).await;
}

/// A 2026-07-28 request declaring elicitation and the Tasks extension.
fn modern(id: i64, method: &str, mut params: Value) -> Request {
    params["_meta"] = MemoryClient::modern_meta(json!({ "elicitation": {}, "extensions": { TASKS: {} } }));
    let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
    let mut request = Request::post_json(&body).header("MCP-Protocol-Version", MODERN).header("Mcp-Method", method);
    let name = if method.starts_with("tasks/") { &body["params"]["taskId"] } else { &body["params"]["name"] };
    if let Some(name) = name.as_str() {
        request = request.header("Mcp-Name", name);
    }
    request
}

/// The result of a request answered with JSON-RPC success.
fn result_of(response: &Response) -> Value {
    let m = message(response);
    assert!(m.get("result").is_some(), "not a result: {m}");
    m["result"].clone()
}

/// Sends `request` to `on` until its result satisfies `done` (bounded by `WAIT`).
async fn result_until(on: &Instance, request: &Request, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let result = result_of(&on.send(request).await);
        if done(&result) {
            return result;
        }
        assert!(tokio::time::Instant::now() < deadline, "not reached in time; last: {result}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_modern_task_is_read_answered_cancelled_and_heard_through_other_instances(store: SharedStore) {
    let c = cluster(&store, 3).await;
    let created =
        result_of(&c[0].send(&modern(1, "tools/call", json!({ "name": "greet_task", "arguments": {} }))).await);
    assert_eq!(created["resultType"], "task", "{created}");
    let id = created["taskId"].as_str().expect("a task id").to_owned();
    // A listen stream on the second instance accepts the task (found in the store) ...
    let listen = modern(2, "subscriptions/listen", json!({ "notifications": { "taskIds": [id] } }));
    let mut stream = open(c[1].addr, &listen).await;
    assert_eq!(stream.status, 200);
    let ack = tokio::time::timeout(WAIT, stream.next_message()).await.expect("in time").expect("the ack");
    assert_eq!(ack["params"]["notifications"]["taskIds"], json!([id]), "{ack}");
    // ... the third reads it waiting for input ...
    let get = modern(3, "tasks/get", json!({ "taskId": id }));
    let waiting = result_until(&c[2], &get, |t| t["status"] == "input_required").await;
    let key = waiting["inputRequests"].as_object().and_then(|a| a.keys().next()).expect("an ask").clone();
    assert_eq!(waiting["inputRequests"][&key]["method"], "elicitation/create");
    // ... the second checks an answer itself (malformed: -32602) and forwards a good one.
    let bad = modern(4, "tasks/update", json!({ "taskId": id, "inputResponses": { key.clone(): { "action": 7 } } }));
    assert_eq!(message(&c[1].send(&bad).await)["error"]["code"], -32602);
    let answer = json!({ "action": "accept", "content": { "name": "Ada" } });
    let update = modern(5, "tasks/update", json!({ "taskId": id, "inputResponses": { key: answer } }));
    result_of(&c[1].send(&update).await);
    // The listen stream hears the task complete, with its result.
    let completed = async {
        while let Some(m) = stream.next_message().await {
            if m["method"] == "notifications/tasks" && m["params"]["status"] == "completed" {
                return m;
            }
        }
        panic!("the listen stream ended");
    };
    let completed = tokio::time::timeout(WAIT, completed).await.expect("the completion in time");
    assert_eq!(completed["params"]["result"]["content"][0]["text"], "Hello, Ada!", "{completed}");
    let done = result_until(&c[2], &get, |t| t["status"] == "completed").await;
    assert_eq!(done["result"]["content"][0]["text"], "Hello, Ada!");
    drop(stream);
    // Cancelled through another instance.
    let created = result_of(&c[0].send(&modern(6, "tools/call", json!({ "name": "forever", "arguments": {} }))).await);
    let id = created["taskId"].as_str().expect("a task id").to_owned();
    result_of(&c[1].send(&modern(7, "tasks/cancel", json!({ "taskId": id }))).await);
    result_until(&c[2], &modern(8, "tasks/get", json!({ "taskId": id })), |t| t["status"] == "cancelled").await;
    // An id no instance issued is unknown everywhere.
    let unknown = c[1].send(&modern(9, "tasks/get", json!({ "taskId": "no-such-task" }))).await;
    assert_eq!(message(&unknown)["error"]["code"], -32602);
    stop_all(c).await;
}

async fn a_legacy_task_is_awaited_listed_and_cancelled_through_other_instances(store: SharedStore) {
    let c = cluster(&store, 3).await;
    let id = open_session(&c[0]).await;
    let task_call = |n: i64, tool: &str| json!({ "jsonrpc": "2.0", "id": n, "method": "tools/call", "params": { "name": tool, "arguments": {}, "task": {} } });
    let tasks =
        |n: i64, method: &str, params: Value| json!({ "jsonrpc": "2.0", "id": n, "method": method, "params": params });
    let created = result_of(&c[0].send(&in_session(&id, &task_call(1, "later"))).await);
    let task = created["task"]["taskId"].as_str().expect("a task id").to_owned();
    // tasks/result on another instance waits for the end, and answers what tools/call would.
    let result = result_of(&c[1].send(&in_session(&id, &tasks(2, "tasks/result", json!({ "taskId": task })))).await);
    assert_eq!(result["content"][0]["text"], "later done", "{result}");
    assert_eq!(result["_meta"]["io.modelcontextprotocol/related-task"]["taskId"], task.as_str());
    let got = result_of(&c[2].send(&in_session(&id, &tasks(3, "tasks/get", json!({ "taskId": task })))).await);
    assert_eq!(got["status"], "completed");
    // Cancelled through another instance: the answer says cancelled, and so does the task.
    let created = result_of(&c[0].send(&in_session(&id, &task_call(4, "forever"))).await);
    let long = created["task"]["taskId"].as_str().expect("a task id").to_owned();
    let cancel = in_session(&id, &tasks(5, "tasks/cancel", json!({ "taskId": long })));
    assert_eq!(result_of(&c[2].send(&cancel).await)["status"], "cancelled");
    let get = in_session(&id, &tasks(6, "tasks/get", json!({ "taskId": long })));
    result_until(&c[1], &get, |t| t["status"] == "cancelled").await;
    assert_eq!(message(&c[1].send(&cancel).await)["error"]["code"], -32602, "already cancelled");
    // Listed on any instance, in creation order.
    let listed = result_of(&c[1].send(&in_session(&id, &tasks(7, "tasks/list", json!({})))).await);
    let ids: Vec<&str> =
        listed["tasks"].as_array().expect("tasks").iter().filter_map(|t| t["taskId"].as_str()).collect();
    assert_eq!(ids, [task.as_str(), long.as_str()]);
    // Another session sees none of them.
    let other = open_session(&c[1]).await;
    let foreign = c[2].send(&in_session(&other, &tasks(8, "tasks/get", json!({ "taskId": task })))).await;
    assert_eq!(message(&foreign)["error"]["code"], -32602);
    let listed = result_of(&c[2].send(&in_session(&other, &tasks(9, "tasks/list", json!({})))).await);
    assert_eq!(listed["tasks"], json!([]));
    stop_all(c).await;
}

async fn ready(i: &Instance) -> u16 {
    i.send(&Request::new("GET", "/readyz")).await.status
}

// ---- the in-process store ----------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_sessions_move_between_instances() {
    a_session_is_served_by_every_instance_and_ended_by_any(SharedStore::memory()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_unknown_sessions() {
    an_unknown_session_is_unknown_everywhere(SharedStore::memory()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_updates_reach_subscriptions_on_other_instances() {
    an_update_published_anywhere_reaches_a_subscription_made_anywhere(SharedStore::memory()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_concurrent_subscriptions_are_kept() {
    subscriptions_made_through_two_instances_at_once_are_both_kept(SharedStore::memory()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_answers_reach_the_waiting_instance() {
    an_answer_posted_to_another_instance_reaches_the_waiting_handler(SharedStore::memory()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_request_streams_resume_on_other_instances() {
    a_request_stream_resumes_on_another_instance(SharedStore::memory()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_notification_streams_resume_on_other_instances() {
    the_notification_stream_resumes_on_another_instance(SharedStore::memory()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_modern_tasks_across_instances() {
    a_modern_task_is_read_answered_cancelled_and_heard_through_other_instances(SharedStore::memory()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_legacy_tasks_across_instances() {
    a_legacy_task_is_awaited_listed_and_cancelled_through_other_instances(SharedStore::memory()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_is_ready() {
    let c = cluster(&SharedStore::memory(), 1).await;
    eventually("ready", || async { ready(&c[0]).await == 200 }).await;
    stop_all(c).await;
}

/// The short-lived values (the OAuth proxy's state): kept per namespace, read, and taken
/// once: of two takes at once, one gets the value.
async fn short_lived_values_are_taken_once(store: SharedStore) {
    let v = store.values();
    let ttl = Duration::from_secs(60);
    v.put("code", "k", b"one".to_vec(), ttl).await.unwrap();
    v.put("other", "k", b"two".to_vec(), ttl).await.unwrap();
    assert_eq!(v.get("code", "k").await.unwrap(), Some(b"one".to_vec()));
    let (a, b) = tokio::join!(v.take("code", "k"), v.take("code", "k"));
    let taken: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(taken, vec![b"one".to_vec()]);
    assert_eq!(v.get("code", "k").await.unwrap(), None);
    assert_eq!(v.get("other", "k").await.unwrap(), Some(b"two".to_vec()));
}

#[tokio::test]
async fn memory_values_are_taken_once() {
    short_lived_values_are_taken_once(SharedStore::memory()).await;
}

/// Values stored within a limit: a source writing past it evicts its own oldest values,
/// never another source's; the bytes are bounded too, a value over the whole bound is
/// refused, and a value taken leaves room.
async fn values_within_a_limit_evict_the_flooders_first(store: SharedStore) {
    let v = store.values();
    let ttl = Duration::from_secs(60);
    let limit = |source| Limit { entries: 8, bytes: 800, source };
    v.put_limited("kind", "user", b"mine".to_vec(), ttl, limit("user")).await.unwrap();
    for n in 0..100 {
        v.put_limited("kind", &format!("flood-{n}"), vec![b'f'; 50], ttl, limit("flood")).await.unwrap();
    }
    assert_eq!(v.get("kind", "user").await.unwrap(), Some(b"mine".to_vec()), "not evicted by the flood");
    let mut kept = 0;
    for n in 0..100 {
        kept += usize::from(v.get("kind", &format!("flood-{n}")).await.unwrap().is_some());
    }
    assert_eq!(kept, 7, "the bound, less the user's");
    assert!(v.get("kind", "flood-99").await.unwrap().is_some(), "the newest are kept");
    for n in 0..20 {
        v.put_limited("kind", &format!("big-{n}"), vec![b'b'; 300], ttl, limit("flood")).await.unwrap();
    }
    assert_eq!(v.get("kind", "user").await.unwrap(), Some(b"mine".to_vec()));
    assert!(v.get("kind", "big-18").await.unwrap().is_some() && v.get("kind", "big-17").await.unwrap().is_none());
    let refused = v.put_limited("kind", "huge", vec![0; 801], ttl, limit("flood")).await;
    assert!(matches!(refused, Err(StoreError::Refused(_))), "{refused:?}");
    assert_eq!(v.take("kind", "user").await.unwrap(), Some(b"mine".to_vec()));
}

#[tokio::test]
async fn memory_values_within_a_limit_evict_the_flooders_first() {
    values_within_a_limit_evict_the_flooders_first(SharedStore::memory()).await;
}

// ---- Redis ---------------------------------------------------------------------------------

#[cfg(feature = "redis")]
use crate::redis_server;
#[cfg(feature = "redis")]
use redis_server as redis;

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_matrix() {
    let Some(redis) = redis::Redis::start().await else { return };
    a_session_is_served_by_every_instance_and_ended_by_any(redis.store()).await;
    an_unknown_session_is_unknown_everywhere(redis.store()).await;
    an_update_published_anywhere_reaches_a_subscription_made_anywhere(redis.store()).await;
    an_answer_posted_to_another_instance_reaches_the_waiting_handler(redis.store()).await;
    subscriptions_made_through_two_instances_at_once_are_both_kept(redis.store()).await;
    a_request_stream_resumes_on_another_instance(redis.store()).await;
    the_notification_stream_resumes_on_another_instance(redis.store()).await;
    a_modern_task_is_read_answered_cancelled_and_heard_through_other_instances(redis.store()).await;
    a_legacy_task_is_awaited_listed_and_cancelled_through_other_instances(redis.store()).await;
    short_lived_values_are_taken_once(redis.store()).await;
    values_within_a_limit_evict_the_flooders_first(redis.store()).await;
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_loss_fails_readiness_and_calls_clearly_until_it_returns() {
    let Some(mut redis) = redis::Redis::start().await else { return };
    let store = redis.store();
    let c = cluster(&store, 2).await;
    eventually("ready", || async { ready(&c[0]).await == 200 && ready(&c[1]).await == 200 }).await;
    let id = open_session(&c[0]).await;

    redis.stop().await;
    eventually("not ready while Redis is down", || async { ready(&c[0]).await == 503 }).await;
    // A session the instance does not hold cannot be looked up: 503 with a JSON-RPC error.
    let response = c[1].send(&in_session(&id, &call(1, "echo", json!({ "text": "x" })))).await;
    assert_eq!(response.status, 503, "{}", response.text());
    assert_eq!(response.json()["error"]["code"], -32603);
    // A new session cannot be shared: refused the same way.
    let init = json!({
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": { "protocolVersion": VERSION, "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }
    });
    assert_eq!(c[0].send(&Request::post_json(&init)).await.status, 503);

    redis.restart().await;
    eventually("ready again", || async { ready(&c[0]).await == 200 && ready(&c[1]).await == 200 }).await;
    let id = open_session(&c[0]).await;
    let response = c[1].send(&in_session(&id, &call(2, "echo", json!({ "text": "back" })))).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(text_of(&message(&response)), "back");
    stop_all(c).await;
}

//! The Rust client's subscriptions and tasks against an mcpforge server, over Streamable
//! HTTP on 127.0.0.1 (the 2026-07-28 wire and a 2025-11-25 session) and in memory:
//! `subscribe` (a listen stream on 2026, `resources/subscribe` before) gets
//! `notifications/resources/updated` when the resource changes and nothing once closed; a
//! listen stream with list changes; a tool called as a task whose result comes through
//! `tasks/result` or polling; a cancelled task; a task that asks for input, answered by the
//! client's elicitation handler.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use mcpforge::client::transport::{HttpTransport, MemoryTransport};
use mcpforge::client::{Client, ClientBuilder, ClientError, Notification, Protocol, Subscriptions, TaskStart};
use mcpforge::{
    ElicitRequest, HandlerError, HttpOptions, ProtocolVersion, RequestContext, Resource, ResourceContents, Server,
    TaskSupport, Tool, ToolError,
};
use serde_json::{Value, json};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;

const WAIT: Duration = Duration::from_secs(10);
const WATCHED: &str = "file:///watched.txt";
const MARKER: &str = "file:///marker.txt";

/// A server with two subscribable resources and three tools that run as tasks: `quick`
/// answers at once, `gated` waits for a permit of `gate`, `asks` elicits a name.
fn server(gate: &Arc<Semaphore>) -> Server {
    let gate = gate.clone();
    let read = |_ctx: RequestContext, uri: String| async move {
        Ok::<_, HandlerError>(vec![ResourceContents::text(uri, Some("text/plain"), "now")])
    };
    Server::builder("listen-test", "1.0.0")
        .resource_subscriptions(true)
        .resource(Resource::new(WATCHED, "watched"), read)
        .resource(Resource::new(MARKER, "marker"), read)
        .tool(
            Tool::new("quick")
                .input_schema(json!({ "type": "object", "properties": { "n": { "type": "integer" } } }))
                .task_support(TaskSupport::Optional),
            |args: Value| async move { Ok::<_, ToolError>(format!("quick {}", args["n"])) },
        )
        .tool(Tool::new("gated").task_support(TaskSupport::Optional), move |_: Value| {
            let gate = gate.clone();
            async move {
                gate.acquire().await.map_err(|e| ToolError::new(e.to_string()))?.forget();
                Ok::<_, ToolError>("released")
            }
        })
        .tool(Tool::new("asks").task_support(TaskSupport::Optional), |ctx: RequestContext, _: Value| async move {
            let asked = ctx.elicit(ElicitRequest::form("Your name?", json!({ "type": "object" }))).await?;
            let name = asked.content.and_then(|c| c.get("name").cloned()).unwrap_or(Value::Null);
            Ok::<_, HandlerError>(format!("name={name}"))
        })
        .build()
        .expect("a valid server")
}

/// A client answering elicitations with the name Ada, every call (a task's wait too) bounded by
/// [`WAIT`].
fn builder(protocol: Protocol) -> ClientBuilder {
    Client::builder("listen-test-client", "1.0.0")
        .protocol(protocol)
        .on_elicitation(|_| async { Ok(json!({ "action": "accept", "content": { "name": "Ada" } })) })
        .call_options(client_call())
}

struct Served {
    server: Server,
    addr: SocketAddr,
    run: JoinHandle<Result<(), mcpforge::Error>>,
}

impl Served {
    async fn start(server: Server) -> Served {
        let options = HttpOptions { bind: "127.0.0.1:0".parse().expect("an address"), ..HttpOptions::default() };
        let http = server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("local address");
        Served { server, addr, run: tokio::spawn(http.run()) }
    }

    async fn client(&self, protocol: Protocol) -> Client {
        let url = format!("http://{}/mcp", self.addr);
        builder(protocol).connect(HttpTransport::new(url)).await.expect("connects over HTTP")
    }

    async fn stop(self) {
        self.server.shutdown();
        let _ = tokio::time::timeout(WAIT, self.run).await;
    }
}

/// The next `notifications/resources/updated`, skipping other notifications.
async fn next_update(notes: &mut mpsc::Receiver<Notification>) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let note = tokio::time::timeout_at(deadline, notes.recv()).await.expect("an update in time").expect("open");
        if note.method == "notifications/resources/updated" {
            return note.params["uri"].as_str().expect("a uri").to_owned();
        }
    }
}

/// Waits for an update of `MARKER` (sent after one of `WATCHED`), failing if an update of
/// `WATCHED` comes first.
async fn only_marker(server: &Server, notes: &mut mpsc::Receiver<Notification>) {
    server.notify_resource_updated(WATCHED);
    server.notify_resource_updated(MARKER);
    assert_eq!(next_update(notes).await, MARKER, "no update of an unsubscribed resource");
}

/// `subscribe`, an update, `unsubscribe`: no more updates of it.
async fn subscription(server: &Server, client: &Client) {
    let mut notes = client.notifications().expect("the channel");
    client.subscribe(WATCHED).await.expect("subscribe");
    server.notify_resource_updated(WATCHED);
    assert_eq!(next_update(&mut notes).await, WATCHED);
    client.subscribe(MARKER).await.expect("subscribe to the marker");
    server.notify_resource_updated(WATCHED);
    assert_eq!(next_update(&mut notes).await, WATCHED, "still subscribed after adding another");
    client.unsubscribe(WATCHED).await.expect("unsubscribe");
    only_marker(server, &mut notes).await;
}

/// A task's result through `tasks/result` (2025-11-25) or polling (2026-07-28), a cancelled
/// task, a task answered by the client's elicitation handler.
async fn tasks(client: &Client, gate: &Semaphore) {
    let quick = client.call_tool_task("quick", json!({ "n": 7 })).await.expect("a task's result");
    assert_eq!(quick["content"][0]["text"], "quick 7");

    let TaskStart::Task(task) = client.call_tool_as_task("gated", json!({}), None).await.expect("a task") else {
        panic!("gated runs as a task");
    };
    let id = task["taskId"].as_str().expect("an id").to_owned();
    assert!(matches!(task["status"].as_str(), Some("working")), "{task}");
    assert_eq!(client.get_task(&id).await.expect("tasks/get")["status"], "working");
    client.cancel_task(&id).await.expect("tasks/cancel");
    assert_eq!(client.get_task(&id).await.expect("tasks/get")["status"], "cancelled");
    let waited = client.wait_task(&task, client_call()).await;
    assert!(waited.is_err(), "a cancelled task has no result: {waited:?}");

    let TaskStart::Task(task) = client.call_tool_as_task("gated", json!({}), None).await.expect("a task") else {
        panic!("gated runs as a task");
    };
    gate.add_permits(1);
    let released = client.wait_task(&task, client_call()).await.expect("released");
    assert_eq!(released["content"][0]["text"], "released");

    let asked = client.call_tool_task("asks", json!({})).await.expect("answered by the handler");
    assert_eq!(asked["content"][0]["text"], r#"name="Ada""#);
}

fn client_call() -> mcpforge::client::CallOptions {
    mcpforge::client::CallOptions { timeout: WAIT, reset_on_progress: false, max_total: WAIT }
}

#[tokio::test]
async fn subscriptions_and_tasks_on_the_2026_wire_over_http() {
    let gate = Arc::new(Semaphore::new(0));
    let served = Served::start(server(&gate)).await;
    let client = served.client(Protocol::Stateless).await;
    assert!(client.is_stateless());
    subscription(&served.server, &client).await;
    tasks(&client, &gate).await;
    client.close().await;
    served.stop().await;
}

#[tokio::test]
async fn subscriptions_and_tasks_on_a_2025_11_25_session_over_http() {
    let gate = Arc::new(Semaphore::new(0));
    let served = Served::start(server(&gate)).await;
    let client = served.client(Protocol::Handshake(ProtocolVersion::V2025_11_25)).await;
    subscription(&served.server, &client).await;
    tasks(&client, &gate).await;
    let listed = client.list_tasks().await.expect("tasks/list");
    assert!(listed.len() >= 4, "{listed:?}");
    let refused = client.listen(&Subscriptions::resources([WATCHED])).await;
    assert!(matches!(refused, Err(ClientError::Protocol(_))), "{refused:?}");
    client.close().await;
    served.stop().await;
}

#[tokio::test]
async fn in_memory_a_listen_stream_hears_what_it_asked_for_until_closed_and_tasks_run() {
    let gate = Arc::new(Semaphore::new(0));
    let server = server(&gate);
    let client =
        builder(Protocol::Stateless).connect(MemoryTransport::new(server.open_link(None))).await.expect("connects");
    let mut notes = client.notifications().expect("the channel");
    let wanted =
        Subscriptions { resources: vec![WATCHED.into()], tools_list_changed: true, ..Subscriptions::default() };
    let stream = client.listen(&wanted).await.expect("listen");
    assert_eq!(stream.resources(), [WATCHED]);
    assert_eq!(stream.honored()["toolsListChanged"], true);
    assert!(stream.is_open());
    server.notify_resource_updated(WATCHED);
    assert_eq!(next_update(&mut notes).await, WATCHED);
    server.add_tool(Tool::new("late"), |_: Value| async { Ok::<_, ToolError>("late") }).expect("added");
    let deadline = tokio::time::Instant::now() + WAIT;
    let changed = loop {
        let note = tokio::time::timeout_at(deadline, notes.recv()).await.expect("a change in time").expect("open");
        if note.method == "notifications/tools/list_changed" {
            break note;
        }
    };
    assert_eq!(changed.params["_meta"]["io.modelcontextprotocol/subscriptionId"], stream.id().to_value());
    stream.close().await;
    let marker = client.listen(&Subscriptions::resources([MARKER])).await.expect("listen to the marker");
    only_marker(&server, &mut notes).await;
    marker.close().await;
    tasks(&client, &gate).await;
    client.close().await;
}

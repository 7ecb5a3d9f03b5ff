//! Change notifications: legacy `notifications/*/list_changed` after registry changes while
//! serving (and fresh `*/list` pages), and 2026 `subscriptions/listen` streams: the
//! acknowledgement, tagged notifications per filter, resource subscriptions, cancellation,
//! graceful shutdown and exemption from the request timeout.

use std::collections::BTreeMap;
use std::time::Duration;

use mcpforge::{
    GetPromptResult, Limits, ListKind, MemoryClient, Prompt, PromptMessage, ProtocolError, RequestContext, Resource,
    ResourceContents, Server, Tool, ToolError,
};
use serde_json::{Value, json};

const NAME: &str = "list-changed-test";
const VERSION: &str = "1.0.0";
const WAIT: Duration = Duration::from_secs(5);
const SUB_KEY: &str = "io.modelcontextprotocol/subscriptionId";

fn server_info() -> Value {
    json!({ "name": NAME, "version": VERSION })
}

async fn text_tool(_args: Value) -> Result<String, ToolError> {
    Ok("ok".into())
}

async fn simple_prompt(
    _ctx: RequestContext,
    _args: BTreeMap<String, String>,
) -> Result<GetPromptResult, ProtocolError> {
    Ok(GetPromptResult::new(vec![PromptMessage::user("hi")]))
}

async fn read_text(_ctx: RequestContext, uri: String) -> Result<Vec<ResourceContents>, ProtocolError> {
    Ok(vec![ResourceContents::text(uri, None, "text")])
}

/// Tools, prompts and resources all registered.
fn full_server() -> Server {
    full_server_with(Limits::default())
}

fn full_server_with(limits: Limits) -> Server {
    Server::builder(NAME, VERSION)
        .limits(limits)
        .tool(Tool::new("first"), text_tool)
        .prompt(Prompt::new("first_prompt"), simple_prompt)
        .resource(Resource::new("test://first", "first"), read_text)
        .build()
        .expect("build")
}

/// A legacy session, initialized, with `notifications/initialized` processed (a round trip
/// after it proves that: messages are handled in order).
async fn legacy(server: &Server, version: &str) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize(version, json!({})).await.expect("initialize");
    assert_eq!(client.request("ping", json!({})).await.expect("ping"), json!({}));
    client
}

fn plain(method: &str) -> Value {
    json!({ "jsonrpc": "2.0", "method": method })
}

fn tagged(method: &str, id: Value) -> Value {
    json!({ "jsonrpc": "2.0", "method": method, "params": { "_meta": { SUB_KEY: id } } })
}

fn tagged_update(uri: &str, id: Value) -> Value {
    json!({
        "jsonrpc": "2.0",
        "method": "notifications/resources/updated",
        "params": { "uri": uri, "_meta": { SUB_KEY: id } }
    })
}

fn ack(id: Value, notifications: Value) -> Value {
    json!({
        "jsonrpc": "2.0",
        "method": "notifications/subscriptions/acknowledged",
        "params": { "_meta": { SUB_KEY: id }, "notifications": notifications }
    })
}

async fn next(client: &mut MemoryClient) -> Value {
    client.next_message(WAIT).await.expect("a message within the timeout")
}

/// Opens a `subscriptions/listen` stream (its response is only sent when it ends, so it is
/// written raw and later read from the message queue) and returns the acknowledgement.
async fn listen(client: &mut MemoryClient, id: Value, notifications: Value) -> Value {
    let msg = json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": "subscriptions/listen",
        "params": { "_meta": MemoryClient::modern_meta(json!({})), "notifications": notifications }
    });
    client.send_raw(&msg.to_string()).await.expect("send listen");
    next(client).await
}

/// Every message until the server closes the connection (bounded).
async fn rest(client: &mut MemoryClient) -> Vec<Value> {
    let mut out = Vec::new();
    for _ in 0..100 {
        match client.next_message(WAIT).await {
            Some(m) => out.push(m),
            None => return out,
        }
    }
    panic!("the connection did not close: {out:?}");
}

fn names(list: &Value, field: &str, key: &str) -> Vec<String> {
    list[field].as_array().expect("list").iter().map(|t| t[key].as_str().expect("name").to_owned()).collect()
}

// ---- legacy sessions -------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_session_hears_tool_changes_and_lists_are_fresh() {
    let server = full_server();
    let mut client = legacy(&server, "2025-11-25").await;
    // Fill the page cache first.
    let before = client.request("tools/list", json!({})).await.expect("list");
    assert_eq!(names(&before, "tools", "name"), ["first"]);

    server.add_tool(Tool::new("second").description("added while serving"), text_tool).expect("add");
    assert_eq!(next(&mut client).await, plain("notifications/tools/list_changed"));
    let after = client.request("tools/list", json!({})).await.expect("list");
    assert_eq!(names(&after, "tools", "name"), ["first", "second"]);
    let r = client.call_tool("second", json!({})).await.expect("call new tool");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": "ok" }] }));

    // A name already registered is refused; replacing is removing, then adding (each a change).
    let twice = server.add_tool(Tool::new("second").description("again"), text_tool);
    assert!(matches!(twice, Err(mcpforge::Error::Duplicate { what: "tool", .. })), "{twice:?}");
    assert!(server.remove_tool("second"));
    assert_eq!(next(&mut client).await, plain("notifications/tools/list_changed"));
    server.add_tool(Tool::new("second").description("replaced"), text_tool).expect("replace");
    assert_eq!(next(&mut client).await, plain("notifications/tools/list_changed"));
    let after = client.request("tools/list", json!({})).await.expect("list");
    assert_eq!(after["tools"][1]["description"], json!("replaced"));

    assert!(server.remove_tool("first"));
    assert_eq!(next(&mut client).await, plain("notifications/tools/list_changed"));
    let after = client.request("tools/list", json!({})).await.expect("list");
    assert_eq!(names(&after, "tools", "name"), ["second"]);
    let resp = client.request_with_id(json!(9), "tools/call", json!({ "name": "first" })).await;
    assert_eq!(resp["error"]["code"], json!(-32602));

    server.notify_tools_changed();
    assert_eq!(next(&mut client).await, plain("notifications/tools/list_changed"));
    assert_eq!(client.drain_messages(), Vec::<Value>::new());
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_made_while_held_are_told_once_per_list_on_release() {
    // Each list told once per change otherwise: what is held is what makes them one.
    let server = Server::builder(NAME, VERSION)
        .coalesced_list_changed([])
        .tool(Tool::new("first"), text_tool)
        .prompt(Prompt::new("first_prompt"), simple_prompt)
        .build()
        .expect("build");
    let mut client = legacy(&server, "2025-11-25").await;
    server.hold_list_changes();
    server.hold_list_changes();
    assert!(server.remove_tool("first"));
    server.add_tool(Tool::new("first").description("replaced"), text_tool).expect("add");
    server.add_prompt(Prompt::new("second_prompt"), simple_prompt).expect("add prompt");
    server.release_list_changes();
    // Still held by the outer hold: a round trip shows nothing was sent.
    client.request("ping", json!({})).await.expect("ping");
    assert_eq!(client.drain_messages(), Vec::<Value>::new());
    server.release_list_changes();
    client.request("ping", json!({})).await.expect("ping");
    let told = client.drain_messages();
    assert_eq!(told, vec![plain("notifications/tools/list_changed"), plain("notifications/prompts/list_changed")]);
    // Released: each change is told again.
    assert!(server.remove_tool("first"));
    assert_eq!(next(&mut client).await, plain("notifications/tools/list_changed"));
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_sessions_are_not_told_when_their_capabilities_do_not_claim_it() {
    let server = Server::builder(NAME, VERSION)
        .legacy_list_changed(false)
        .tool(Tool::new("first"), text_tool)
        .build()
        .expect("build");
    let mut client = server.connect_memory();
    let init = client.initialize("2025-11-25", json!({})).await.expect("initialize");
    assert_eq!(init["capabilities"]["tools"], json!({ "listChanged": false }));
    server.add_tool(Tool::new("second"), text_tool).expect("add");
    server.notify_tools_changed();
    // A round trip after the changes: anything sent for them would be queued before its answer.
    let after = client.request("tools/list", json!({})).await.expect("list");
    assert_eq!(names(&after, "tools", "name"), ["first", "second"]);
    assert_eq!(client.drain_messages(), Vec::<Value>::new());

    // A handler may still tell its own client (the official `session.send_tool_list_changed()`).
    server
        .add_tool(Tool::new("tell"), |ctx: RequestContext, _args: Value| async move {
            ctx.notify_list_changed(ListKind::Tools);
            Ok::<_, ToolError>("told")
        })
        .expect("add");
    let resp = client.request_with_id(json!(7), "tools/call", json!({ "name": "tell" })).await;
    assert_eq!(resp["result"]["content"][0]["text"], json!("told"));
    assert_eq!(client.drain_messages(), vec![plain("notifications/tools/list_changed")], "sent before its answer");

    // A 2026 listener is told: its capabilities claim it.
    let mut modern = server.connect_memory();
    let ack = listen(&mut modern, json!(1), json!({ "toolsListChanged": true })).await;
    assert_eq!(ack["method"], json!("notifications/subscriptions/acknowledged"), "{ack}");
    server.notify_tools_changed();
    assert_eq!(next(&mut modern).await, tagged("notifications/tools/list_changed", json!(1)));
    client.close().await.expect("close");
}

/// A list declared quiet (`quiet_lists`, what `{ prompts: { listChanged: false } }` asks
/// for) is neither claimed nor told; the other lists are; `tell_list_changes` switches a list
/// while serving, for the sessions that initialize afterwards and for every notice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_lists_are_neither_claimed_nor_told_per_list() {
    let server = Server::builder(NAME, VERSION)
        .quiet_lists([ListKind::Prompts, ListKind::Resources])
        .tool(Tool::new("first"), text_tool)
        .prompt(Prompt::new("first_prompt"), simple_prompt)
        .resource(Resource::new("test://first", "first"), read_text)
        .build()
        .expect("build");
    let mut client = server.connect_memory();
    let init = client.initialize("2025-11-25", json!({})).await.expect("initialize");
    assert_eq!(init["capabilities"]["tools"], json!({ "listChanged": true }));
    assert_eq!(init["capabilities"]["prompts"], json!({ "listChanged": false }));
    assert_eq!(init["capabilities"]["resources"]["listChanged"], json!(false));
    server.add_prompt(Prompt::new("second_prompt"), simple_prompt).expect("add prompt");
    server.add_resource(Resource::new("test://second", "second"), read_text).expect("add resource");
    server.add_tool(Tool::new("second"), text_tool).expect("add tool");
    // A round trip after the changes: anything sent for them is queued before its answer.
    assert_eq!(client.request("ping", json!({})).await.expect("ping"), json!({}));
    assert_eq!(client.drain_messages(), vec![plain("notifications/tools/list_changed")]);

    server.tell_list_changes(ListKind::Prompts, true);
    server.tell_list_changes(ListKind::Tools, false);
    server.add_prompt(Prompt::new("third_prompt"), simple_prompt).expect("add prompt");
    server.add_tool(Tool::new("third"), text_tool).expect("add tool");
    assert_eq!(client.request("ping", json!({})).await.expect("ping"), json!({}));
    assert_eq!(client.drain_messages(), vec![plain("notifications/prompts/list_changed")]);
    let later = server.connect_memory().initialize("2025-11-25", json!({})).await.expect("initialize");
    assert_eq!(later["capabilities"]["tools"], json!({ "listChanged": false }));
    assert_eq!(later["capabilities"]["prompts"], json!({ "listChanged": true }));
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_session_hears_prompt_and_resource_changes() {
    let server = full_server();
    let mut client = legacy(&server, "2025-06-18").await;
    let _ = client.request("prompts/list", json!({})).await.expect("list");
    let _ = client.request("resources/list", json!({})).await.expect("list");

    server.add_prompt(Prompt::new("second_prompt"), simple_prompt).expect("add prompt");
    assert_eq!(next(&mut client).await, plain("notifications/prompts/list_changed"));
    let prompts = client.request("prompts/list", json!({})).await.expect("list");
    assert_eq!(names(&prompts, "prompts", "name"), ["first_prompt", "second_prompt"]);

    server.add_resource(Resource::new("test://second", "second"), read_text).expect("add resource");
    assert_eq!(next(&mut client).await, plain("notifications/resources/list_changed"));
    let resources = client.request("resources/list", json!({})).await.expect("list");
    assert_eq!(names(&resources, "resources", "uri"), ["test://first", "test://second"]);
    let r = client.request("resources/read", json!({ "uri": "test://second" })).await.expect("read new");
    assert_eq!(r["contents"][0]["text"], json!("text"));

    assert!(server.remove_prompt("first_prompt"));
    assert_eq!(next(&mut client).await, plain("notifications/prompts/list_changed"));
    assert!(server.remove_resource("test://first"));
    assert_eq!(next(&mut client).await, plain("notifications/resources/list_changed"));
    let prompts = client.request("prompts/list", json!({})).await.expect("list");
    assert_eq!(names(&prompts, "prompts", "name"), ["second_prompt"]);
    let resources = client.request("resources/list", json!({})).await.expect("list");
    assert_eq!(names(&resources, "resources", "uri"), ["test://second"]);

    server.notify_prompts_changed();
    assert_eq!(next(&mut client).await, plain("notifications/prompts/list_changed"));
    server.notify_resources_changed();
    assert_eq!(next(&mut client).await, plain("notifications/resources/list_changed"));
    assert_eq!(client.drain_messages(), Vec::<Value>::new());
    client.close().await.expect("close");
}

/// A kind once announced stays on for the life of the server: after its last entry is
/// removed its list answers empty (not method-not-found), and sessions that start then are
/// still offered the capability, so an entry added back is seen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kind_stays_announced_after_its_last_entry_is_removed() {
    let server = Server::builder(NAME, VERSION).build().expect("build");
    let early = legacy(&server, "2025-11-25").await;
    let resp = early.request_with_id(json!(1), "tools/list", json!({})).await;
    assert_eq!(resp["error"]["code"], json!(-32601), "never registered: not served");
    early.close().await.expect("close");

    server.add_tool(Tool::new("first"), text_tool).expect("add tool");
    server.add_prompt(Prompt::new("first_prompt"), simple_prompt).expect("add prompt");
    server.add_resource(Resource::new("test://first", "first"), read_text).expect("add resource");
    assert!(server.remove_tool("first"));
    assert!(server.remove_prompt("first_prompt"));
    assert!(server.remove_resource("test://first"));

    let client = server.connect_memory();
    let init = client.initialize("2025-11-25", json!({})).await.expect("initialize");
    for kind in ["tools", "prompts", "resources"] {
        assert!(init["capabilities"][kind].is_object(), "{kind}: {init}");
    }
    assert_eq!(client.request("tools/list", json!({})).await.expect("tools"), json!({ "tools": [] }));
    assert_eq!(client.request("prompts/list", json!({})).await.expect("prompts"), json!({ "prompts": [] }));
    assert_eq!(client.request("resources/list", json!({})).await.expect("resources"), json!({ "resources": [] }));
    let templates = client.request("resources/templates/list", json!({})).await.expect("templates");
    assert_eq!(templates, json!({ "resourceTemplates": [] }));
    let resp = client.request_with_id(json!(7), "tools/call", json!({ "name": "first" })).await;
    assert_eq!(resp["error"]["code"], json!(-32602), "an unknown tool, not an unknown method");
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_nothing_notifies_nobody() {
    let server = full_server();
    let mut client = legacy(&server, "2025-11-25").await;
    assert!(!server.remove_tool("missing"));
    assert!(!server.remove_prompt("missing"));
    assert!(!server.remove_resource("test://missing"));
    // Invalid definitions are refused without a notification.
    assert!(server.add_tool(Tool::new("bad name"), text_tool).is_err());
    // The next message is the one for a real change.
    server.add_prompt(Prompt::new("real_change"), simple_prompt).expect("add");
    assert_eq!(next(&mut client).await, plain("notifications/prompts/list_changed"));
    assert_eq!(client.drain_messages(), Vec::<Value>::new());
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_sent_before_notifications_initialized() {
    let server = full_server();
    let mut client = server.connect_memory();
    let init = client
        .request(
            "initialize",
            json!({ "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }),
        )
        .await
        .expect("initialize");
    assert_eq!(init["capabilities"]["tools"], json!({ "listChanged": true }));
    assert_eq!(init["capabilities"]["prompts"], json!({ "listChanged": true }));
    assert_eq!(init["capabilities"]["resources"], json!({ "subscribe": true, "listChanged": true }));
    // Not initialized yet: this change is not announced.
    server.add_prompt(Prompt::new("early"), simple_prompt).expect("add");
    client.notify("notifications/initialized", json!({})).await.expect("initialized");
    assert_eq!(client.request("ping", json!({})).await.expect("ping"), json!({}));
    server.add_tool(Tool::new("late"), text_tool).expect("add");
    assert_eq!(next(&mut client).await, plain("notifications/tools/list_changed"));
    assert_eq!(client.drain_messages(), Vec::<Value>::new());
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_legacy_session_is_told_and_modern_connections_are_not() {
    let server = full_server();
    let mut a = legacy(&server, "2024-11-05").await;
    let mut b = legacy(&server, "2025-11-25").await;
    // A connection without a session (2026 requests only) hears nothing unsolicited.
    let mut m = server.connect_memory();
    let r = m.request_modern("tools/list", json!({}), json!({})).await.expect("list");
    assert_eq!(names(&r, "tools", "name"), ["first"]);

    server.add_tool(Tool::new("second"), text_tool).expect("add");
    assert_eq!(next(&mut a).await, plain("notifications/tools/list_changed"));
    assert_eq!(next(&mut b).await, plain("notifications/tools/list_changed"));

    // The modern connection's first message is its own listen acknowledgement, then the
    // tagged notification of the next change.
    assert_eq!(
        listen(&mut m, json!(1), json!({ "toolsListChanged": true })).await,
        ack(json!(1), json!({ "toolsListChanged": true }))
    );
    server.add_tool(Tool::new("third"), text_tool).expect("add");
    assert_eq!(next(&mut m).await, tagged("notifications/tools/list_changed", json!(1)));
    let r = m.request_modern("tools/list", json!({}), json!({})).await.expect("list");
    assert_eq!(names(&r, "tools", "name"), ["first", "second", "third"]);

    assert_eq!(next(&mut a).await, plain("notifications/tools/list_changed"));
    assert_eq!(next(&mut b).await, plain("notifications/tools/list_changed"));
    a.close().await.expect("close");
    b.close().await.expect("close");
    m.close().await.expect("close");
}

// ---- 2026 subscriptions/listen ----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_acknowledges_then_delivers_tagged_tool_changes() {
    let server = full_server();
    let mut client = server.connect_memory();
    let before = client.request_modern("tools/list", json!({}), json!({})).await.expect("list");
    assert_eq!(names(&before, "tools", "name"), ["first"]);

    let first = listen(&mut client, json!("listen-1"), json!({ "toolsListChanged": true })).await;
    assert_eq!(first, ack(json!("listen-1"), json!({ "toolsListChanged": true })));

    server.add_tool(Tool::new("second"), text_tool).expect("add");
    assert_eq!(next(&mut client).await, tagged("notifications/tools/list_changed", json!("listen-1")));
    let after = client.request_modern("tools/list", json!({}), json!({})).await.expect("list");
    assert_eq!(names(&after, "tools", "name"), ["first", "second"]);
    assert_eq!(after["resultType"], json!("complete"));

    assert!(server.remove_tool("second"));
    assert_eq!(next(&mut client).await, tagged("notifications/tools/list_changed", json!("listen-1")));
    // Prompt and resource changes were not asked for: the next message is the tool one.
    server.add_prompt(Prompt::new("p2"), simple_prompt).expect("add");
    server.add_resource(Resource::new("test://r2", "r2"), read_text).expect("add");
    server.notify_resource_updated("test://first");
    server.notify_tools_changed();
    assert_eq!(next(&mut client).await, tagged("notifications/tools/list_changed", json!("listen-1")));
    assert_eq!(client.drain_messages(), Vec::<Value>::new());
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscription_id_keeps_the_json_type_of_the_request_id() {
    let server = full_server();
    let mut client = server.connect_memory();
    let first =
        listen(&mut client, json!(42), json!({ "promptsListChanged": true, "resourcesListChanged": true })).await;
    assert_eq!(first, ack(json!(42), json!({ "promptsListChanged": true, "resourcesListChanged": true })));
    server.add_resource(Resource::new("test://r2", "r2"), read_text).expect("add");
    assert_eq!(next(&mut client).await, tagged("notifications/resources/list_changed", json!(42)));
    server.add_prompt(Prompt::new("p2"), simple_prompt).expect("add");
    assert_eq!(next(&mut client).await, tagged("notifications/prompts/list_changed", json!(42)));
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prompts_only_listen_gets_no_tool_notifications() {
    let server = full_server();
    let mut client = server.connect_memory();
    let first = listen(&mut client, json!("prompts-only"), json!({ "promptsListChanged": true })).await;
    assert_eq!(first, ack(json!("prompts-only"), json!({ "promptsListChanged": true })));
    server.add_tool(Tool::new("second"), text_tool).expect("add tool");
    server.add_prompt(Prompt::new("second_prompt"), simple_prompt).expect("add prompt");
    assert_eq!(next(&mut client).await, tagged("notifications/prompts/list_changed", json!("prompts-only")));
    assert_eq!(client.drain_messages(), Vec::<Value>::new());
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_listens_are_told_apart() {
    let server = full_server();
    let mut client = server.connect_memory();
    assert_eq!(
        listen(&mut client, json!("t"), json!({ "toolsListChanged": true })).await,
        ack(json!("t"), json!({ "toolsListChanged": true }))
    );
    assert_eq!(
        listen(&mut client, json!("p"), json!({ "promptsListChanged": true })).await,
        ack(json!("p"), json!({ "promptsListChanged": true }))
    );
    server.add_prompt(Prompt::new("p2"), simple_prompt).expect("add");
    assert_eq!(next(&mut client).await, tagged("notifications/prompts/list_changed", json!("p")));
    server.add_tool(Tool::new("t2"), text_tool).expect("add");
    assert_eq!(next(&mut client).await, tagged("notifications/tools/list_changed", json!("t")));
    // A second connection's listen does not see the first connection's ids.
    let mut other = server.connect_memory();
    assert_eq!(
        listen(&mut other, json!("t"), json!({ "toolsListChanged": true })).await,
        ack(json!("t"), json!({ "toolsListChanged": true }))
    );
    server.add_tool(Tool::new("t3"), text_tool).expect("add");
    assert_eq!(next(&mut client).await, tagged("notifications/tools/list_changed", json!("t")));
    assert_eq!(next(&mut other).await, tagged("notifications/tools/list_changed", json!("t")));
    assert_eq!(client.drain_messages(), Vec::<Value>::new());
    assert_eq!(other.drain_messages(), Vec::<Value>::new());
    client.close().await.expect("close");
    other.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_the_server_cannot_honor_are_dropped_from_the_ack() {
    let tools_only = Server::builder(NAME, VERSION).tool(Tool::new("first"), text_tool).build().expect("build");
    let mut client = tools_only.connect_memory();
    let everything = json!({
        "toolsListChanged": true,
        "promptsListChanged": true,
        "resourcesListChanged": true,
        "resourceSubscriptions": ["test://first"],
        "unknownFilter": true
    });
    assert_eq!(
        listen(&mut client, json!(1), everything.clone()).await,
        ack(json!(1), json!({ "toolsListChanged": true }))
    );
    client.close().await.expect("close");

    // A server with nothing to announce still acknowledges, with an empty filter.
    let bare = Server::builder(NAME, VERSION).build().expect("build");
    let mut client = bare.connect_memory();
    assert_eq!(listen(&mut client, json!(2), everything).await, ack(json!(2), json!({})));
    client.close().await.expect("close");

    // `false` flags are not honored filters.
    let server = full_server();
    let mut client = server.connect_memory();
    let filter = json!({ "toolsListChanged": false, "promptsListChanged": true });
    assert_eq!(listen(&mut client, json!(3), filter).await, ack(json!(3), json!({ "promptsListChanged": true })));
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resource_subscriptions_deliver_tagged_updates() {
    let server = full_server();
    let mut client = server.connect_memory();
    let first =
        listen(&mut client, json!("res"), json!({ "resourceSubscriptions": ["test://watched", "test://other"] })).await;
    assert_eq!(first, ack(json!("res"), json!({ "resourceSubscriptions": ["test://watched", "test://other"] })));
    server.notify_resource_updated("test://unrelated");
    server.notify_resource_updated("test://watchedness");
    server.notify_resource_updated("test://watched");
    assert_eq!(next(&mut client).await, tagged_update("test://watched", json!("res")));
    // A sub-resource of a subscribed URI.
    server.notify_resource_updated("test://other/part");
    assert_eq!(next(&mut client).await, tagged_update("test://other/part", json!("res")));
    // List changes were not asked for.
    server.add_resource(Resource::new("test://r2", "r2"), read_text).expect("add");
    server.notify_resource_updated("test://other");
    assert_eq!(next(&mut client).await, tagged_update("test://other", json!("res")));
    assert_eq!(client.drain_messages(), Vec::<Value>::new());
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_listen_ends_it_without_a_response() {
    let server = full_server();
    let mut client = server.connect_memory();
    let first = listen(&mut client, json!("to-cancel"), json!({ "toolsListChanged": true })).await;
    assert_eq!(first, ack(json!("to-cancel"), json!({ "toolsListChanged": true })));
    client
        .notify("notifications/cancelled", json!({ "requestId": "to-cancel", "reason": "done" }))
        .await
        .expect("cancel");
    // A new listen opened after the cancellation: only it hears the next change.
    let second = listen(&mut client, json!("kept"), json!({ "toolsListChanged": true })).await;
    assert_eq!(second, ack(json!("kept"), json!({ "toolsListChanged": true })));
    server.add_tool(Tool::new("second"), text_tool).expect("add");
    assert_eq!(next(&mut client).await, tagged("notifications/tools/list_changed", json!("kept")));
    // Requests still work on the connection.
    let r = client.request_modern("tools/list", json!({}), json!({})).await.expect("list");
    assert_eq!(names(&r, "tools", "name"), ["first", "second"]);
    // Shut down: every message still owed arrives before the connection closes. The
    // cancelled listen gets nothing (no response, no notification); the other one ends.
    server.shutdown();
    let closing = rest(&mut client).await;
    assert_eq!(
        closing,
        [
            json!({
                "jsonrpc": "2.0",
                "id": "kept",
                "result": { "resultType": "complete", "_meta": { SUB_KEY: "kept", "io.modelcontextprotocol/serverInfo": server_info() } }
            }),
            json!({
                "jsonrpc": "2.0",
                "method": "notifications/cancelled",
                "params": { "requestId": "kept", "reason": "server shutting down" }
            }),
        ]
    );
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_open_listens_with_a_result_then_cancelled() {
    let server = full_server();
    let mut client = server.connect_memory();
    let first = listen(&mut client, json!(7), json!({ "toolsListChanged": true })).await;
    assert_eq!(first, ack(json!(7), json!({ "toolsListChanged": true })));
    server.shutdown();
    assert_eq!(
        next(&mut client).await,
        json!({
            "jsonrpc": "2.0",
            "id": 7,
            "result": { "resultType": "complete", "_meta": { SUB_KEY: 7, "io.modelcontextprotocol/serverInfo": server_info() } }
        })
    );
    assert_eq!(
        next(&mut client).await,
        json!({ "jsonrpc": "2.0", "method": "notifications/cancelled", "params": { "requestId": 7, "reason": "server shutting down" } })
    );
    assert_eq!(rest(&mut client).await, Vec::<Value>::new());
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_every_listen_of_every_connection() {
    let server = full_server();
    let mut a = server.connect_memory();
    let mut b = server.connect_memory();
    assert_eq!(
        listen(&mut a, json!("a1"), json!({ "toolsListChanged": true })).await,
        ack(json!("a1"), json!({ "toolsListChanged": true }))
    );
    assert_eq!(
        listen(&mut a, json!("a2"), json!({ "promptsListChanged": true })).await,
        ack(json!("a2"), json!({ "promptsListChanged": true }))
    );
    assert_eq!(
        listen(&mut b, json!("b1"), json!({ "toolsListChanged": true })).await,
        ack(json!("b1"), json!({ "toolsListChanged": true }))
    );
    server.shutdown();
    for (client, ids) in [(&mut a, vec!["a1", "a2"]), (&mut b, vec!["b1"])] {
        let closing = rest(client).await;
        assert_eq!(closing.len(), 2 * ids.len(), "{closing:?}");
        for id in ids {
            let result_at = closing.iter().position(|m| m["id"] == json!(id)).expect("final result");
            assert_eq!(closing[result_at]["result"]["resultType"], json!("complete"));
            assert_eq!(closing[result_at]["result"]["_meta"][SUB_KEY], json!(id));
            let cancelled_at = closing
                .iter()
                .position(|m| m["method"] == json!("notifications/cancelled") && m["params"]["requestId"] == json!(id))
                .expect("cancelled");
            assert!(result_at < cancelled_at, "the result comes first: {closing:?}");
        }
    }
    a.close().await.expect("close");
    b.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_is_exempt_from_the_request_timeout() {
    let limits = Limits { request_timeout: Some(Duration::from_millis(50)), ..Limits::default() };
    let server = full_server_with(limits);
    server
        .add_tool(Tool::new("hangs"), |ctx: RequestContext, _args: Value| async move {
            ctx.cancelled().await;
            Ok::<_, ToolError>("cancelled")
        })
        .expect("add");
    let mut client = server.connect_memory();
    // The limit is in force for ordinary requests.
    let resp = client
        .request_with_id(
            json!("slow"),
            "tools/call",
            json!({ "name": "hangs", "_meta": MemoryClient::modern_meta(json!({})) }),
        )
        .await;
    assert_eq!(
        resp,
        json!({
            "jsonrpc": "2.0",
            "id": "slow",
            "error": { "code": -32603, "message": "Internal error: request timed out after 50 ms", "data": { "timeoutMs": 50 } }
        })
    );
    let first = listen(&mut client, json!("long"), json!({ "toolsListChanged": true })).await;
    assert_eq!(first, ack(json!("long"), json!({ "toolsListChanged": true })));
    // Well past the limit (a bounded wait, not a timing assertion), the stream is still open:
    // the next message is a notification, not a timeout error for the listen.
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.add_tool(Tool::new("later"), text_tool).expect("add");
    assert_eq!(next(&mut client).await, tagged("notifications/tools/list_changed", json!("long")));
    assert_eq!(client.drain_messages(), Vec::<Value>::new());
    client.close().await.expect("close");
}

#[tokio::test]
async fn listen_requires_the_2026_meta() {
    let server = full_server();
    let client = server.connect_memory();
    let resp = client
        .request_with_id(json!(1), "subscriptions/listen", json!({ "notifications": { "toolsListChanged": true } }))
        .await;
    assert_eq!(
        resp,
        json!({ "jsonrpc": "2.0", "id": 1, "error": { "code": -32602, "message": "Invalid params: missing params._meta" } })
    );
    let mut meta = MemoryClient::modern_meta(json!({}));
    meta["io.modelcontextprotocol/protocolVersion"] = json!("2099-01-01");
    let resp =
        client.request_with_id(json!(2), "subscriptions/listen", json!({ "_meta": meta, "notifications": {} })).await;
    assert_eq!(resp["error"]["code"], json!(-32022));
    assert_eq!(resp["error"]["data"]["requested"], json!("2099-01-01"));
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_ack_is_always_the_first_message_of_a_listen() {
    const LISTENS: usize = 50;
    const MAX_FIRES: usize = 2_000;
    let server = full_server();
    let mut client = server.connect_memory();
    // Changes fire from another thread while the listens open; for every listen, the first
    // message carrying its subscription id must be its acknowledgement.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let firing = {
        let (server, stop) = (server.clone(), stop.clone());
        std::thread::spawn(move || {
            for _ in 0..MAX_FIRES {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                server.notify_tools_changed();
                std::thread::yield_now();
            }
        })
    };
    for id in 0..LISTENS {
        let msg = json!({
            "jsonrpc": "2.0",
            "id": id,
            "method": "subscriptions/listen",
            "params": { "_meta": MemoryClient::modern_meta(json!({})), "notifications": { "toolsListChanged": true } }
        });
        client.send_raw(&msg.to_string()).await.expect("send listen");
    }
    let mut acked = std::collections::HashSet::new();
    for _ in 0..LISTENS * (MAX_FIRES + 1) {
        if acked.len() == LISTENS {
            break;
        }
        let m = next(&mut client).await;
        let id = m["params"]["_meta"][SUB_KEY].as_u64().expect("tagged");
        if m["method"] == json!("notifications/subscriptions/acknowledged") {
            assert!(acked.insert(id), "two acks for {id}");
        } else {
            assert!(acked.contains(&id), "a notification for listen {id} came before its ack: {m}");
        }
    }
    assert_eq!(acked.len(), LISTENS);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    firing.join().expect("firing thread");
    server.shutdown();
    for _ in 0..LISTENS * (MAX_FIRES + 2) {
        if client.next_message(WAIT).await.is_none() {
            break;
        }
    }
    client.close().await.expect("close");
}

//! The Rust client engine against mcpforge's own server in memory: the handshake at every
//! version and the stateless wire, each request kind, pagination, a timeout and a dropped
//! call cancelling the server's handler, progress extending a timeout, notifications, and
//! sampling, elicitation and roots answered (as requests on the handshake wire, as
//! `inputRequests` on 2026-07-28).

use crate::client_server;

use std::time::Duration;

use client_server::{TOOLS, test_server, text};
use mcpforge::client::transport::MemoryTransport;
use mcpforge::client::{CallOptions, Client, ClientBuilder, ClientError, Protocol};
use mcpforge::{LogLevel, ProtocolVersion, Server};
use serde_json::{Map, Value, json};

const WAIT: Duration = Duration::from_secs(10);

async fn connect(server: &Server, builder: ClientBuilder) -> Client {
    builder.connect(MemoryTransport::new(server.open_link(None))).await.expect("connects")
}

/// A client answering every kind of server request.
fn answering(protocol: Protocol) -> ClientBuilder {
    Client::builder("client-test", "1.0.0")
        .protocol(protocol)
        .on_sampling(|_params| async {
            Ok(json!({ "role": "assistant", "content": { "type": "text", "text": "hi from the model" }, "model": "m" }))
        })
        .on_elicitation(|params: Value| async move {
            match params["mode"].as_str() {
                Some("url") => Ok(json!({ "action": "decline" })),
                _ => Ok(json!({ "action": "accept", "content": { "name": "Ada" } })),
            }
        })
        .roots(vec![json!({ "uri": "file:///one", "name": "one" })])
}

#[tokio::test]
async fn the_handshake_settles_on_each_version_and_the_stateless_wire_discovers() {
    let test = test_server();
    for version in ProtocolVersion::HANDSHAKE {
        let client = connect(&test.server, Client::builder("c", "1").protocol(Protocol::Handshake(version))).await;
        assert_eq!(client.session().protocol_version, version);
        assert_eq!(client.session().server_info["name"], "client-test-server");
        client.ping().await.expect("ping");
        client.close().await;
    }
    for protocol in [Protocol::Stateless, Protocol::Auto] {
        let client = connect(&test.server, Client::builder("c", "1").protocol(protocol)).await;
        assert_eq!(client.session().protocol_version, ProtocolVersion::V2026_07_28, "{protocol:?}");
        assert!(client.session().capabilities["tools"].is_object());
        let tools = client.list_tools().await.expect("tools/list");
        assert!(tools.iter().any(|t| t["name"] == "echo"));
        client.close().await;
    }
}

#[tokio::test]
async fn every_request_kind_on_both_wires() {
    let test = test_server();
    for protocol in [Protocol::Handshake(ProtocolVersion::LATEST_LEGACY), Protocol::Stateless] {
        let client = connect(&test.server, Client::builder("c", "1").protocol(protocol)).await;
        let tools = client.list_tools().await.expect("tools/list");
        assert_eq!(tools.len(), TOOLS, "every page followed");
        let echoed = client.call_tool("echo", json!({ "text": "hello" })).await.expect("echo");
        assert_eq!(text(&echoed), "hello");
        let added = client.call_tool("add", json!({ "a": 2, "b": 3 })).await.expect("add");
        assert_eq!(added["structuredContent"]["sum"], 5.0);
        let resources = client.list_resources().await.expect("resources/list");
        assert_eq!(resources[0]["uri"], "file:///a.txt");
        let templates = client.list_resource_templates().await.expect("templates");
        assert_eq!(templates[0]["uriTemplate"], "file:///t/{id}");
        let read = client.read_resource("file:///t/42").await.expect("read");
        assert_eq!(read["contents"][0]["text"], "42");
        let prompts = client.list_prompts().await.expect("prompts/list");
        assert_eq!(prompts[0]["name"], "greet");
        let mut args = Map::new();
        args.insert("name".into(), json!("Ada"));
        let prompt = client.get_prompt("greet", args).await.expect("prompts/get");
        assert_eq!(prompt["messages"][0]["content"]["text"], "Hello, Ada!");
        let reference = json!({ "type": "ref/prompt", "name": "greet" });
        let completed =
            client.complete(reference, json!({ "name": "name", "value": "r" }), None).await.expect("complete");
        assert_eq!(completed["completion"]["values"], json!(["rust", "ruby"]));
        client.set_logging_level(LogLevel::Debug).await.expect("logging level");
        let missing = client.call_tool("nope", json!({})).await;
        let error = missing.expect_err("an unknown tool").server_error().expect("a server error").code;
        assert!(error == -32602 || error == -32601, "{error}");
        if protocol == Protocol::Stateless {
            // Methods the stateless wire removed fail without being sent; `subscribe` opens a
            // listen stream there instead.
            assert!(matches!(client.ping().await, Err(ClientError::Protocol(_))));
        } else {
            client.ping().await.expect("ping");
        }
        client.subscribe("file:///a.txt").await.expect("subscribe");
        client.unsubscribe("file:///a.txt").await.expect("unsubscribe");
        client.close().await;
    }
}

#[tokio::test]
async fn sampling_elicitation_and_roots_are_answered_on_both_wires() {
    let test = test_server();
    for protocol in [Protocol::Handshake(ProtocolVersion::LATEST_LEGACY), Protocol::Stateless] {
        let client = connect(&test.server, answering(protocol)).await;
        let sampled = client.call_tool("sample", json!({})).await.expect("sample");
        assert_eq!(text(&sampled), "hi from the model", "{protocol:?}");
        let asked = client.call_tool("ask", json!({})).await.expect("ask");
        assert_eq!(text(&asked), r#"{"name":"Ada"}"#, "{protocol:?}");
        let asked_url = client.call_tool("ask_url", json!({})).await.expect("ask_url");
        assert_eq!(text(&asked_url), "Decline", "{protocol:?}");
        let roots = client.call_tool("roots", json!({})).await.expect("roots");
        assert_eq!(text(&roots), "file:///one", "{protocol:?}");
        client.set_roots(vec![json!({ "uri": "file:///two" })]).await.expect("roots changed");
        let roots = client.call_tool("roots", json!({})).await.expect("roots again");
        assert_eq!(text(&roots), "file:///two", "{protocol:?}");
        client.close().await;
    }
}

#[tokio::test]
async fn without_handlers_the_client_declares_nothing_and_the_server_cannot_ask() {
    let test = test_server();
    let client = connect(&test.server, Client::builder("c", "1")).await;
    let sampled = client.call_tool("sample", json!({})).await.expect("a tool result");
    assert_eq!(sampled["isError"], true, "{sampled}");
    assert!(client.set_roots(vec![]).await.is_err(), "no roots were declared");
    client.close().await;
}

#[tokio::test(start_paused = true)]
async fn a_timeout_cancels_the_call_on_the_server() {
    let mut test = test_server();
    let client = connect(&test.server, Client::builder("c", "1").timeout(Duration::from_millis(200))).await;
    let outcome = client.call_tool("wait", json!({})).await;
    assert!(matches!(outcome, Err(ClientError::Timeout { .. })), "{outcome:?}");
    let ended = tokio::time::timeout(WAIT, test.ended.recv()).await.expect("the handler ended");
    assert_eq!(ended.as_deref(), Some("cancelled"));
    // The connection goes on.
    client.ping().await.expect("ping after a timeout");
    client.close().await;
}

#[tokio::test(start_paused = true)]
async fn dropping_a_call_cancels_it_on_the_server() {
    let mut test = test_server();
    let client = connect(&test.server, Client::builder("c", "1")).await;
    let dropped = tokio::time::timeout(Duration::from_millis(100), client.call_tool("wait", json!({}))).await;
    assert!(dropped.is_err(), "the call was still waiting");
    let ended = tokio::time::timeout(WAIT, test.ended.recv()).await.expect("the handler ended");
    assert_eq!(ended.as_deref(), Some("cancelled"));
    client.close().await;
}

#[tokio::test(start_paused = true)]
async fn progress_extends_a_timeout_only_when_asked() {
    let test = test_server();
    let client = connect(&test.server, Client::builder("c", "1")).await;
    let mut notifications = client.notifications().expect("the channel");
    client.set_logging_level(LogLevel::Info).await.expect("logging level");
    let args = json!({ "steps": 8, "ms": 100 });
    let call = CallOptions { timeout: Duration::from_millis(300), ..CallOptions::default() };
    let params = json!({ "name": "steps", "arguments": args });
    let done = client.request_with("tools/call", params.clone(), call).await.expect("progress kept it alive");
    assert_eq!(text(&done), "8 steps");
    let strict = CallOptions { reset_on_progress: false, ..call };
    let outcome = client.request_with("tools/call", params, strict).await;
    assert!(matches!(outcome, Err(ClientError::Timeout { .. })), "{outcome:?}");
    let mut seen = Vec::new();
    while let Ok(n) = notifications.try_recv() {
        seen.push(n.method);
    }
    assert_eq!(seen.iter().filter(|m| *m == "notifications/progress").count(), 8, "{seen:?}");
    assert!(seen.iter().any(|m| m == "notifications/message"), "{seen:?}");
    client.close().await;
}

#[tokio::test]
async fn one_client_serves_calls_from_many_tasks() {
    let test = test_server();
    let client = std::sync::Arc::new(connect(&test.server, Client::builder("c", "1")).await);
    let calls: Vec<_> = (0..8)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.call_tool("echo", json!({ "text": format!("call {i}") })).await })
        })
        .collect();
    for (i, call) in calls.into_iter().enumerate() {
        let result = call.await.expect("the task").expect("echo");
        assert_eq!(text(&result), format!("call {i}"), "each answer goes to its own call");
    }
}

#[tokio::test]
async fn list_changes_reach_the_handler_registered_for_them() {
    let test = test_server();
    let (changed_tx, mut changed) = tokio::sync::mpsc::unbounded_channel();
    let builder = Client::builder("c", "1")
        .on_notification("notifications/tools/list_changed", move |n| _ = changed_tx.send(n.method.clone()));
    let client = connect(&test.server, builder).await;
    let before = client.list_tools().await.expect("tools/list").len();
    test.server
        .add_tool(mcpforge::Tool::new("late"), |_: Value| async { Ok::<_, mcpforge::ToolError>("late") })
        .expect("added");
    let method = tokio::time::timeout(WAIT, changed.recv()).await.expect("in time").expect("open");
    assert_eq!(method, "notifications/tools/list_changed");
    assert_eq!(client.list_tools().await.expect("tools/list again").len(), before + 1);
    client.close().await;
}

#[tokio::test(start_paused = true)]
async fn a_tool_call_with_the_callers_progress_token_is_kept_alive_by_its_progress() {
    let test = test_server();
    let client = connect(&test.server, Client::builder("c", "1")).await;
    let mut notifications = client.notifications().expect("the channel");
    let mut meta = Map::new();
    meta.insert("progressToken".into(), json!("mine"));
    let call = CallOptions { timeout: Duration::from_millis(300), ..CallOptions::default() };
    let args = json!({ "steps": 4, "ms": 100 });
    let done = client.call_tool_with("steps", args, Some(meta), call).await.expect("progress kept it alive");
    assert_eq!(text(&done), "4 steps");
    let mut tokens = Vec::new();
    while let Ok(n) = notifications.try_recv() {
        if n.method == "notifications/progress" {
            tokens.push(n.params["progressToken"].clone());
        }
    }
    assert_eq!(tokens, vec![json!("mine"); 4], "each progress names the caller's token");
    client.close().await;
}
